"""Email analyses: the cache's third tier (the tracker's models live in ``tracker.models``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mailbox_project.ids import UserId


class EmailAnalysis(models.Model):
    """The ``email_analysis_cache`` document: one analysis per (user, message id).

    A TTL index on ``cached_at`` (360 days, created by migration) ages old analyses out; they
    are recomputed on demand.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    user_id: UserId  # the ObjectId behind ``user``; declared for type checkers
    message_id = models.CharField(max_length=64)
    cached_at = models.DateTimeField(default=timezone.now)
    classifier_version = models.CharField(max_length=32)
    # AnalysisResult.to_document(): {v, subject, sender, date, status, company, position,
    # details, confidence, message_id}; read back with analysis.results.entry_from_document.
    result = models.JSONField(default=dict)

    class Meta:
        db_table = "email_analysis_cache"
        verbose_name = "email analysis"
        verbose_name_plural = "email analysis cache"
        constraints = [
            models.UniqueConstraint(fields=["user", "message_id"], name="unique_user_message"),
        ]
        indexes = [
            # django-mongodb-backend builds unique constraints as *partial* indexes, which
            # MongoDB's planner will not use for plain equality lookups: each unique lookup
            # gets a plain index too.
            models.Index(fields=["user", "message_id"], name="user_message"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.result.get('status', '?')}"
