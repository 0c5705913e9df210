"""The tracker's four models move to the ``tracker`` app (issue 15): state only, no data moves.

Their collections (``job_applications``, ``job_application_emails``,
``job_application_aliases``, ``application_corrections``) and indexes stay exactly as they are;
``tracker`` 0001 takes them over in its migration state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("analysis", "0004_timeline_index_by_user")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Models with a foreign key to JobApplication go first.
                migrations.DeleteModel(name="ApplicationEmail"),
                migrations.DeleteModel(name="ApplicationAlias"),
                migrations.DeleteModel(name="Correction"),
                migrations.DeleteModel(name="JobApplication"),
            ],
            database_operations=[],
        ),
    ]
