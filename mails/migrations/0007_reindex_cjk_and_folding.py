"""Recompute every message's search fields: CJK runs are now indexed as bigrams (and single
characters), and only Latin, Greek and Cyrillic accents fold (voiced kana stay distinct).

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
    dependencies = [("mails", "0006_analysis_pending_index"), ("accounts", "0003_audit_events")]

    operations = [migrations.RunPython(reindex_all, migrations.RunPython.noop)]
