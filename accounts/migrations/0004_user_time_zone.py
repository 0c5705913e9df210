"""The person's time zone (search's after:/before: day boundaries); UTC until they set it."""

from django.db import migrations, models

import accounts.models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_events")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="time_zone",
            field=models.CharField(
                default="UTC", max_length=64, validators=[accounts.models.validate_time_zone]
            ),
        ),
    ]
