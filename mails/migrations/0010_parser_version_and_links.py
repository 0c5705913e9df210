"""The parser version each message was stored by, and the targets of its HTML links.

``parser_version``: existing messages get 0 ("before versions were recorded"), so
``mails.refetch`` fetches them again through Gmail and the current parser fills the fields
added since they were stored (recipients' names, Delivered-To, HTML-only text, links).

``links``: the http(s) hrefs of the HTML parts, so ``has:youtube`` and friends find a link
whose text says only "click here". Empty until a message is fetched again.

Index ``user_parser_version`` ``{user_id, parser_version, _id}``: the sync asks after every
step whether the user has stale messages; without it that question reads every message of
the mailbox (the other indexes do not hold the version), with it it is one index probe that
finds nothing once the refetch is done. A refetch pass walks the stale versions in ``_id``
order on the same index (one point per stale version, merged).
"""

import django_mongodb_backend.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mails", "0009_alternative_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="links",
            field=django_mongodb_backend.fields.ArrayField(
                base_field=models.CharField(max_length=300), blank=True, default=list
            ),
        ),
        migrations.AddField(
            model_name="message", name="parser_version", field=models.IntegerField(default=0)
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["user", "parser_version", "id"], name="user_parser_version"),
        ),
    ]
