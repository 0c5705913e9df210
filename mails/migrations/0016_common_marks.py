"""The very frequent words and their pairs leave the term index for ``common_marks``.

Bare, the ~100 ``COMMON_WORDS`` and pairs of them were a third of the term index's keys, and
so of what storing mail cost MongoDB; they are now bits of a message's ``common_marks`` (see
``mails.search.index``). Every message's search fields are recomputed (batched and
idempotent, ``mails.search.reindex``; ``manage.py reindex_search`` does the same by hand)
with the term index dropped, then the index is built again in one pass: removing a third of
its keys one by one cost more (50,000 messages: 35.8 s, mongod 30.2 s of CPU) and left the
index a third larger than a build (328.8 MiB; 244.3 after a compaction, against 159.6 built).
Searches hint that index by name, so they fail until it is built — run ``migrate`` before
starting the new web processes, as ``make run`` and docker compose (every app service waits
for ``migrate``) do. Cached result pages are dropped by bumping every user's mailbox version.
"""

from typing import Any

import mailbox_project.indexes
from django.conf import settings
from django.db import migrations, models


def reindex_all(apps: Any, schema_editor: Any) -> None:
    from mailbox_project.ids import user_id
    from mails import store
    from mails.search.reindex import reindex

    if reindex():
        users = apps.get_model("accounts", "User").objects.values_list("pk", flat=True)
        store.mailbox_changed(user_id(pk) for pk in users)


class Migration(migrations.Migration):
    dependencies = [
        ("mails", "0015_term_index_pages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="common_marks",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.RemoveIndex(model_name="message", name="user_term_newest"),
        migrations.RunPython(reindex_all, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="message",
            index=mailbox_project.indexes.CompressedIndex(
                fields=["user", "search_terms", "-internal_date", "-id"], name="user_term_newest"
            ),
        ),
    ]
