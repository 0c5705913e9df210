"""Index the messages waiting for analysis (``analysis_pending_since``, see mails.sync._write).

Partial: only pending messages are in it, so it stays as small as the backlog however large
the mailboxes grow. The field is written by the sync's bulk upserts, not the ORM, so the index
is created here rather than declared on the model.
"""

from typing import Any

from django.db import migrations

NAME = "user_analysis_pending"
FIELD = "analysis_pending_since"


def create_index(apps: Any, schema_editor: Any) -> None:
    schema_editor.connection.database["messages"].create_index(
        [("user_id", 1), (FIELD, 1)],
        name=NAME,
        partialFilterExpression={FIELD: {"$exists": True}},
    )


def drop_index(apps: Any, schema_editor: Any) -> None:
    schema_editor.connection.database["messages"].drop_index(NAME)


class Migration(migrations.Migration):
    dependencies = [("mails", "0005_drop_index_covered_by_user_newest_id")]

    operations = [migrations.RunPython(create_index, drop_index)]
