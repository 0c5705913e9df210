"""The very frequent words and their pairs leave the term index for ``common_marks``.

Bare, the ~100 ``COMMON_WORDS`` and pairs of them were a third of the term index's keys, and
so of what storing mail cost MongoDB; they are now bits of a message's ``common_marks`` (see
``mails.search.index``). Every message's search fields are recomputed (batched and
idempotent, ``mails.search.reindex``; ``manage.py reindex_search`` does the same by hand):
until then a query of common words would find only the mail already rewritten, so run
``migrate`` before starting the new web processes, as ``make run`` and docker compose do.
Cached result pages are dropped by bumping every user's mailbox version. The term index
keeps the room the removed keys took until the nightly compaction gives it back.
"""

from typing import Any

from django.db import migrations, models


def reindex_all(apps: Any, schema_editor: Any) -> None:
    from mailbox_project.ids import user_id
    from mails import store
    from mails.search.reindex import reindex

    if reindex():
        users = apps.get_model("accounts", "User").objects.values_list("pk", flat=True)
        store.mailbox_changed(user_id(pk) for pk in users)


class Migration(migrations.Migration):
    dependencies = [("mails", "0015_term_index_pages")]

    operations = [
        migrations.AddField(
            model_name="message",
            name="common_marks",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.RunPython(reindex_all, migrations.RunPython.noop),
    ]
