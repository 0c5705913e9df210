"""A person's data export: a zip built in the background, kept a day, downloaded by them only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

# How long a finished export can be downloaded before the beat task deletes it.
EXPORT_LIFETIME = timedelta(days=1)


class DataExport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    user_id: Any
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # Messages written to the mbox so far, of ``total`` (the progress the account page shows).
    done = models.IntegerField(default=0)
    total = models.IntegerField(default=0)
    # The zip's name inside EXPORT_DIR: random, never derived from the user or shown in a URL.
    file_name = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(default=0)
    # Whether message bytes came from Gmail (raw) or were rebuilt from the stored fields.
    raw_from_gmail = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "data_exports"
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["user", "-created_at"], name="export_user_recent"),
            models.Index(fields=["expires_at"], name="export_expires"),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    def is_downloadable(self) -> bool:
        return (
            self.status == self.Status.READY
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
