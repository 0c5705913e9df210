"""The person's workflow (issue 15): what they enter by hand, notes, settings, interviews.

New fields on ``job_applications`` (defaults written into existing documents; grouping never
writes them) and four new collections:
``job_application_notes``, ``tracker_settings`` (ghosting delay, digest, hashed feed secret),
``tracker_interviews`` and ``tracker_interview_scans``. No existing collection or index
changes: the Due list reads one user's applications through ``app_user_keys``'s user prefix
(a person has hundreds, not millions).
"""

import django.db.models.deletion
import django.utils.timezone
import django_mongodb_backend.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0002_link_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApplicationNote",
            fields=[
                (
                    "id",
                    django_mongodb_backend.fields.ObjectIdAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(max_length=5000)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
            ],
            options={
                "db_table": "job_application_notes",
            },
        ),
        migrations.CreateModel(
            name="Interview",
            fields=[
                (
                    "id",
                    django_mongodb_backend.fields.ObjectIdAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("message_id", models.CharField(max_length=64)),
                ("starts_at", models.DateTimeField()),
                ("ends_at", models.DateTimeField(blank=True, null=True)),
                ("title", models.CharField(blank=True, max_length=300)),
                ("location", models.CharField(blank=True, max_length=300)),
                (
                    "origin",
                    models.CharField(
                        choices=[("ics", "Calendar invitation"), ("text", "Date in the email")],
                        max_length=4,
                    ),
                ),
                ("uid", models.CharField(blank=True, max_length=300)),
            ],
            options={
                "db_table": "tracker_interviews",
                "ordering": ("starts_at",),
            },
        ),
        migrations.CreateModel(
            name="InterviewScan",
            fields=[
                (
                    "id",
                    django_mongodb_backend.fields.ObjectIdAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("message_id", models.CharField(max_length=64)),
                ("scanned_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("found", models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                "db_table": "tracker_interview_scans",
            },
        ),
        migrations.CreateModel(
            name="TrackerSettings",
            fields=[
                (
                    "id",
                    django_mongodb_backend.fields.ObjectIdAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("ghost_after_days", models.PositiveSmallIntegerField(default=21)),
                ("digest_enabled", models.BooleanField(default=False)),
                ("digest_sent_on", models.DateField(blank=True, null=True)),
                ("feed_token_hash", models.CharField(blank=True, max_length=64)),
                ("feed_created_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "db_table": "tracker_settings",
            },
        ),
        migrations.AddField(
            model_name="jobapplication",
            name="applied_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="jobapplication",
            name="contact",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="jobapplication",
            name="link",
            field=models.URLField(blank=True, max_length=1000),
        ),
        migrations.AddField(
            model_name="jobapplication",
            name="location",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="jobapplication",
            name="manual",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="jobapplication",
            name="next_action",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="jobapplication",
            name="next_action_due",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="jobapplication",
            name="salary_range",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="jobapplication",
            name="source",
            field=models.CharField(
                blank=True,
                choices=[
                    ("linkedin", "LinkedIn"),
                    ("company_site", "Company site"),
                    ("referral", "Referral"),
                    ("agency", "Agency"),
                    ("job_board", "Job board"),
                    ("other", "Other"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="jobapplication",
            name="work_mode",
            field=models.CharField(
                blank=True,
                choices=[("onsite", "On site"), ("hybrid", "Hybrid"), ("remote", "Remote")],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="applicationnote",
            name="application",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notes",
                to="tracker.jobapplication",
            ),
        ),
        migrations.AddField(
            model_name="applicationnote",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="interview",
            name="application",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="interviews",
                to="tracker.jobapplication",
            ),
        ),
        migrations.AddField(
            model_name="interview",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="interviewscan",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="trackersettings",
            name="user",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tracker_settings",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="applicationnote",
            index=models.Index(fields=["user", "application", "-created_at"], name="note_user_app"),
        ),
        migrations.AddIndex(
            model_name="interview",
            index=models.Index(
                fields=["user", "message_id", "starts_at"], name="interview_user_msg"
            ),
        ),
        migrations.AddIndex(
            model_name="interview",
            index=models.Index(fields=["user", "starts_at"], name="interview_user_start"),
        ),
        migrations.AddConstraint(
            model_name="interview",
            constraint=models.UniqueConstraint(
                fields=("user", "message_id", "starts_at"), name="unique_user_interview"
            ),
        ),
        migrations.AddIndex(
            model_name="interviewscan",
            index=models.Index(fields=["user", "message_id"], name="scan_user_message"),
        ),
        migrations.AddConstraint(
            model_name="interviewscan",
            constraint=models.UniqueConstraint(
                fields=("user", "message_id"), name="unique_user_scan"
            ),
        ),
        migrations.AddIndex(
            model_name="trackersettings",
            index=models.Index(fields=["feed_token_hash"], name="tracker_feed_token"),
        ),
    ]
