"""Fill the search fields of messages stored before search existed (batched, idempotent)."""

from typing import Any

from django.db import migrations


def index_existing(apps: Any, schema_editor: Any) -> None:
    from mails.search.reindex import reindex

    reindex(only_missing=True)


class Migration(migrations.Migration):
    dependencies = [("mails", "0002_search_fields_and_labels")]

    operations = [migrations.RunPython(index_existing, migrations.RunPython.noop)]
