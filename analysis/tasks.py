"""Celery tasks of the analysis pipeline: thin wrappers around ``analysis.service``.

They run on the ``analysis`` queue (``CELERY_TASK_ROUTES``). A lost Redis or MongoDB connection
retries with capped, jittered backoff; an email the classifier cannot read is cached as failed
by the service and never fails its batch. Upserts make a retried batch harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerError
from pymongo.errors import AutoReconnect
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from accounts.models import User
from analysis import service
from mailbox_project.celery import app

logger = logging.getLogger(__name__)

TRANSIENT = (AutoReconnect, RedisConnectionError, RedisTimeoutError)


def _user_exists(user_id: str) -> bool:
    return User.objects.filter(pk=user_id, is_active=True).exists()


def enqueue(user_id: Any, gmail_ids: Sequence[str], *, force: bool = False) -> int:
    """Queue analysis of these messages in batches of ``ANALYSIS_BATCH_SIZE``; return batches.

    A broker outage is logged, not raised: the sync that calls this must not fail over it,
    and an unanalysed message is analysed on demand when someone looks at it.
    """
    size = settings.ANALYSIS_BATCH_SIZE
    ids = list(gmail_ids)
    batches = 0
    for start in range(0, len(ids), size):
        try:
            analyze_messages.apply_async((str(user_id), ids[start : start + size], force))
        except BrokerError:
            logger.warning("could not queue analysis of %d messages of user %s", len(ids), user_id)
            return batches
        batches += 1
    return batches


@app.task(
    bind=True,
    name="analysis.tasks.analyze_messages",
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def analyze_messages(
    self: Task[Any, Any], user_id: str, gmail_ids: list[str], force: bool = False
) -> str:
    """Analyse one batch of a user's messages; return a short summary."""
    if not _user_exists(user_id):
        return "no such user"
    outcome = service.Outcome()
    try:
        service.run(user_id, gmail_ids, force=force, outcome=outcome)
    except SoftTimeLimitExceeded:
        # Slow classification (an LLM engine): keep what is stored, queue the rest anew.
        rest = service.unfinished(outcome, gmail_ids)
        enqueue(user_id, rest, force=force)
        return f"{outcome.summary()}; time limit: {len(rest)} re-queued"
    return outcome.summary()


@app.task(
    name="analysis.tasks.analyze_mailbox",
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def analyze_mailbox(user_id: str, force: bool = False) -> str:
    """Queue analysis of the user's whole mailbox (only the unanalysed unless ``force``)."""
    if not _user_exists(user_id):
        return "no such user"
    batches = 0
    for batch in service.mailbox_batches(user_id, force=force):
        batches += enqueue(user_id, batch, force=force)
    return f"{batches} batches queued"
