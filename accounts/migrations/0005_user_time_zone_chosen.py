"""Whether the person picked their time zone by hand (browser detection never overrides it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_time_zone")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="time_zone_chosen",
            field=models.BooleanField(default=False),
        ),
    ]
