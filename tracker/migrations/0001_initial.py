"""The tracker's models, taken over from ``analysis`` (its 0003 and 0004) without touching data.

State only: the collections and their indexes already exist (``analysis`` 0003/0004 created
them, and still do on a fresh database), so this migration tells Django that ``tracker`` owns
them now. The content types of the four models are renamed to the new app, so permissions
granted on them stay attached.
"""

import django.db.models.deletion
import django.utils.timezone
import django_mongodb_backend.fields
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

MODELS = ("jobapplication", "applicationemail", "applicationalias", "correction")


def _relabel(apps: Apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def take_content_types(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel(apps, "analysis", "tracker")


def give_back_content_types(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel(apps, "tracker", "analysis")


def _id() -> django_mongodb_backend.fields.ObjectIdAutoField:
    return django_mongodb_backend.fields.ObjectIdAutoField(
        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
    )


def _user() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        db_index=False, on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("analysis", "0005_tracker_models_move_to_tracker"),
        ("contenttypes", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="JobApplication",
                    fields=[
                        ("id", _id()),
                        ("company", models.CharField(blank=True, max_length=300)),
                        ("company_key", models.CharField(blank=True, max_length=300)),
                        ("position", models.CharField(blank=True, max_length=300)),
                        ("position_key", models.CharField(blank=True, max_length=300)),
                        ("status", models.CharField(max_length=32)),
                        ("status_override", models.CharField(blank=True, max_length=32)),
                        ("status_override_at", models.DateTimeField(blank=True, null=True)),
                        ("applied_at", models.DateTimeField(blank=True, null=True)),
                        ("first_email_at", models.DateTimeField(blank=True, null=True)),
                        ("first_response_at", models.DateTimeField(blank=True, null=True)),
                        ("last_activity_at", models.DateTimeField(blank=True, null=True)),
                        ("email_count", models.IntegerField(default=0)),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
                        ),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("user", _user()),
                    ],
                    options={
                        "db_table": "job_applications",
                        "indexes": [
                            models.Index(
                                fields=["user", "company_key", "position_key"],
                                name="app_user_keys",
                            ),
                            models.Index(
                                fields=["user", "-last_activity_at"], name="app_user_recent"
                            ),
                            models.Index(fields=["user", "status"], name="app_user_status"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ApplicationEmail",
                    fields=[
                        ("id", _id()),
                        ("message_id", models.CharField(max_length=64)),
                        ("status", models.CharField(max_length=32)),
                        ("date", models.DateTimeField()),
                        ("subject", models.TextField(blank=True)),
                        ("sender", models.CharField(blank=True, max_length=500)),
                        ("company", models.CharField(blank=True, max_length=300)),
                        ("position", models.CharField(blank=True, max_length=300)),
                        ("details", models.TextField(blank=True)),
                        ("confidence", models.FloatField(blank=True, null=True)),
                        ("corrected", models.BooleanField(default=False)),
                        ("user", _user()),
                        (
                            "application",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="emails",
                                to="tracker.jobapplication",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "job_application_emails",
                        "ordering": ("date", "message_id"),
                        "indexes": [
                            models.Index(
                                fields=["user", "message_id"], name="app_email_user_message"
                            ),
                            models.Index(
                                fields=["user", "application", "date"],
                                name="app_email_user_timeline",
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "message_id"), name="unique_user_app_email"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ApplicationAlias",
                    fields=[
                        ("id", _id()),
                        ("company_key", models.CharField(blank=True, max_length=300)),
                        ("position_key", models.CharField(blank=True, max_length=300)),
                        ("manual", models.BooleanField(default=False)),
                        ("user", _user()),
                        (
                            "application",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="aliases",
                                to="tracker.jobapplication",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "job_application_aliases",
                        "indexes": [
                            models.Index(
                                fields=["user", "company_key", "position_key"],
                                name="alias_user_keys",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "company_key", "position_key"),
                                name="unique_user_alias",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Correction",
                    fields=[
                        ("id", _id()),
                        ("message_id", models.CharField(max_length=64)),
                        ("status", models.CharField(blank=True, max_length=32)),
                        ("company", models.CharField(blank=True, max_length=300)),
                        ("position", models.CharField(blank=True, max_length=300)),
                        ("not_job", models.BooleanField(default=False)),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
                        ),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("user", _user()),
                    ],
                    options={
                        "db_table": "application_corrections",
                        "indexes": [
                            models.Index(
                                fields=["user", "message_id"], name="correction_user_message"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "message_id"), name="unique_user_correction"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(take_content_types, give_back_content_types),
    ]
