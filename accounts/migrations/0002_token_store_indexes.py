"""Create the token store's MongoDB indexes (unique token hashes, TTL on expires_at)."""

from django.db import migrations


def create_token_store_indexes(apps, schema_editor):
    # Imported here: migrations must not import app code at module load.
    from accounts.tokens.mongo import ensure_indexes

    # .database, not get_database(): under DEBUG the latter is a query-logging wrapper.
    ensure_indexes(schema_editor.connection.database)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_token_store_indexes, migrations.RunPython.noop),
    ]
