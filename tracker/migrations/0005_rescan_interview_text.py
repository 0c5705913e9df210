"""Interview emails whose text placed no time are read again, by ``tracker.text_times``.

The scan reads each interview email once (``tracker_interview_scans``). The reader before
this one knew month-name dates with a time on the same line only; "Thursday at 11 AM", a
"Date:" line with a "Time:" line below it, numeric dates and ranges placed nothing. Forgetting
the scans that found nothing lets the next scan read those emails with the new reader; scans
that found a time keep it (their interviews may have been seen or subscribed to since).
"""

from django.db import migrations

COLLECTION = "tracker_interview_scans"


def forget_empty_scans(apps, schema_editor):
    # .database, not get_database(): under DEBUG the latter is a query-logging wrapper.
    schema_editor.connection.database[COLLECTION].delete_many({"found": 0})


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0004_settings_user_index"),
    ]

    operations = [migrations.RunPython(forget_empty_scans, migrations.RunPython.noop)]
