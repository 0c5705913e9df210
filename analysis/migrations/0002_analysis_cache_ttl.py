"""A TTL index on email_analysis_cache.cached_at: an analysis ages out after 360 days.

Django's ``Index`` cannot say ``expireAfterSeconds``, so the index is made with pymongo. Old mail
is then analysed again on demand, with whatever classifier is current by then.
"""

from django.db import migrations

COLLECTION = "email_analysis_cache"
INDEX_NAME = "cached_at_ttl_360d"
TTL_SECONDS = 360 * 24 * 3600


def create(apps, schema_editor):
    # .database, not get_database(): under DEBUG the latter is a query-logging wrapper.
    schema_editor.connection.database[COLLECTION].create_index(
        [("cached_at", 1)], name=INDEX_NAME, expireAfterSeconds=TTL_SECONDS
    )


def drop(apps, schema_editor):
    schema_editor.connection.database[COLLECTION].drop_index(INDEX_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
