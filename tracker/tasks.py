"""The tracker's beat tasks: daily digests and the interview scan. Thin: ids in, summary out."""

from __future__ import annotations

import logging

from django.utils import timezone

from accounts.models import User
from mailbox_project.celery import app
from mailbox_project.faults import RetryingTask
from tracker import interviews, reminders
from tracker.models import ApplicationEmail, TrackerSettings

logger = logging.getLogger(__name__)


@app.task(base=RetryingTask, name="tracker.tasks.send_digests", ignore_result=True)
def send_digests() -> dict[str, int]:
    """Send today's digest to everyone who asked for one and has not had it (idempotent)."""
    now = timezone.now()
    wanted = TrackerSettings.objects.filter(digest_enabled=True).values_list("user_id", flat=True)
    sent = 0
    for user in User.objects.filter(pk__in=list(wanted), is_active=True):
        sent += reminders.send_digest(user, now)
    logger.info("tracker digests sent: %d", sent)
    return {"sent": sent}


@app.task(base=RetryingTask, name="tracker.tasks.scan_interviews", ignore_result=True)
def scan_interviews() -> dict[str, int]:
    """Read new interview emails of every user for dates (each email once)."""
    owners = ApplicationEmail.objects.filter(status="interview_invitation").values_list(
        "user_id", flat=True
    )
    found = 0
    for user in User.objects.filter(pk__in=list(set(owners)), is_active=True):
        found += interviews.scan(user).interviews
    return {"interviews": found}
