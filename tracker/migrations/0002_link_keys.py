"""Timeline entries keep their link keys (thread, requisition, portal link, recruiter).

Placement looks an email's keys up among the user's other entries: a multikey index
``{user_id, link_keys}`` answers that (``$in`` on ``link_keys``). Entries written before this
migration have no keys until ``manage.py rebuild_applications`` places them again.
"""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

COLLECTION = "job_application_emails"
INDEX = "app_email_user_links"


def create_index(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # .database, not get_database(): under DEBUG the latter is a query-logging wrapper.
    database = schema_editor.connection.database  # type: ignore[attr-defined]
    database[COLLECTION].create_index([("user_id", 1), ("link_keys", 1)], name=INDEX)


def drop_index(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.connection.database[COLLECTION].drop_index(INDEX)  # type: ignore[attr-defined]


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="applicationemail",
            name="link_keys",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
