"""A plain index twin of tracker_settings's one-to-one user key, which is a partial unique
index that equality lookups do not use."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0003_workflow"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="trackersettings",
            index=models.Index(fields=["user"], name="tracker_settings_user"),
        ),
    ]
