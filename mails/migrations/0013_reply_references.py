"""The Message-IDs each email answers, and an index to find a message by its Message-ID.

``references``: the ids of References and In-Reply-To (nearest last, at most 20), so the
tracker links a reply to the application of the mail it answers even when Gmail put it in
another thread (Gmail splits a thread whose subject changes). Empty for mail stored before;
``PARSER_VERSION`` 4 makes ``mails.refetch`` fetch that mail again to fill it.

Index ``user_rfc822_id`` ``{user_id, rfc822_message_id}``: the tracker looks the answered
mail up by its Message-ID.
"""

import django_mongodb_backend.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mails", "0012_image_senders_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="references",
            field=django_mongodb_backend.fields.ArrayField(
                base_field=models.CharField(max_length=1000), blank=True, default=list
            ),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["user", "rfc822_message_id"], name="user_rfc822_id"),
        ),
    ]
