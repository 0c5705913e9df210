"""Recipients' display names (to:/cc:/bcc: search them) and Delivered-To addresses.

Messages stored before this have none: they gain them when they are fetched again (a full
resync of a new account, or ``manage.py reindex_search`` after a refetch); their search
terms are recomputed by 0007 either way.
"""

import django_mongodb_backend.fields
from django.db import migrations, models


def _names() -> django_mongodb_backend.fields.ArrayField:
    return django_mongodb_backend.fields.ArrayField(
        base_field=models.CharField(max_length=500), blank=True, default=list
    )


class Migration(migrations.Migration):
    dependencies = [("mails", "0007_reindex_cjk_and_folding")]

    operations = [
        migrations.AddField(model_name="message", name=name, field=_names())
        for name in ("to_names", "cc_names", "bcc_names", "delivered_to")
    ]
