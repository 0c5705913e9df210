"""``image_senders``'s unique index ``{user_id: 1, sender: 1}`` ("Show images from this sender").

``mails/images.py`` used to create it on a process's first write; a migration makes it exist
before any write (and before two processes' first writes race to insert the same choice).
Idempotent: an index already created by an older process is the same index.
"""

from typing import Any

from django.db import migrations

COLLECTION = "image_senders"
INDEX = "unique_user_sender"


def create_index(apps: Any, schema_editor: Any) -> None:
    database = schema_editor.connection.database
    database[COLLECTION].create_index([("user_id", 1), ("sender", 1)], name=INDEX, unique=True)


def drop_index(apps: Any, schema_editor: Any) -> None:
    database = schema_editor.connection.database
    if INDEX in database[COLLECTION].index_information():
        database[COLLECTION].drop_index(INDEX)


class Migration(migrations.Migration):
    dependencies = [("mails", "0011_reindex_phrase_pairs")]

    operations = [migrations.RunPython(create_index, drop_index)]
