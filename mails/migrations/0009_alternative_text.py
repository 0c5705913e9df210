"""What only a message's HTML alternative says, when its plain text is the one shown.

Searched (``mails.search.index``), never shown. Messages stored before this have none
until they are fetched again.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("mails", "0008_recipient_names_and_delivered_to")]

    operations = [
        migrations.AddField(
            model_name="message", name="alternative_text", field=models.TextField(blank=True)
        ),
    ]
