"""Recompute every message's search fields: phrases are now found through the terms of
adjacent word pairs (``w1_w2``, ``subject:w1_w2``; see ``mails.search.index``), which mail
stored before lacks.

Batched and idempotent (``mails.search.reindex``); ``manage.py reindex_search`` does the
same by hand. Cached result pages are dropped by bumping every user's mailbox version.
"""

from typing import Any

from django.db import migrations


def reindex_all(apps: Any, schema_editor: Any) -> None:
    from mailbox_project.ids import user_id
    from mails import store
    from mails.search.reindex import reindex

    if reindex():
        users = apps.get_model("accounts", "User").objects.values_list("pk", flat=True)
        store.mailbox_changed(user_id(pk) for pk in users)


class Migration(migrations.Migration):
    dependencies = [("mails", "0010_parser_version_and_links")]

    operations = [migrations.RunPython(reindex_all, migrations.RunPython.noop)]
