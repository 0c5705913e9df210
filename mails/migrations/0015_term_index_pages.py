"""The search term index ``user_term_newest`` rebuilt with 8 KB pages in 1 KB units
(``mailbox_project.indexes.TERM_INDEX_CONFIG``): indexing a large mailbox rewrites fewer bytes.

As 0014: dropped and built again in one pass over the messages; searches hint this index by
name, so they fail until it is built — run ``migrate`` before starting the new web processes,
as ``make run`` and docker compose (every app service waits for ``migrate``) do.
"""

import mailbox_project.indexes
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mails", "0014_compressed_term_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="message",
            name="user_term_newest",
        ),
        migrations.AddIndex(
            model_name="message",
            index=mailbox_project.indexes.CompressedIndex(
                fields=["user", "search_terms", "-internal_date", "-id"], name="user_term_newest"
            ),
        ),
    ]
