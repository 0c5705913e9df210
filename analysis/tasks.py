"""Celery tasks of the analysis pipeline: thin wrappers around ``analysis.service``.

They run on the ``analysis`` queue (``CELERY_TASK_ROUTES``), reconciliation on ``maintenance``.
A lost Redis or MongoDB connection (also wrapped in Django's ``DatabaseError``) retries with
capped, jittered backoff (``RetryingTask``); an email the classifier cannot read is cached as
failed by the service and never fails its batch. Upserts make a retried batch harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.dispatch import receiver
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from analysis import service
from mailbox_project.celery import app
from mailbox_project.faults import RetryingTask
from mailbox_project.ids import UserId
from mailbox_project.ids import user_id as as_user_id
from mails import store
from mails.signals import messages_stored

logger = logging.getLogger(__name__)

# Pending messages queued per user by one reconciliation run (the rest wait for the next).
RECONCILE_LIMIT = 20_000


def _active_user(value: str) -> UserId | None:
    """Return the task's user id as a ``UserId`` if it names an active user, else None."""
    try:
        user = as_user_id(value)
    except ValueError:
        return None
    return user if User.objects.filter(pk=user, is_active=True).exists() else None


@receiver(messages_stored, dispatch_uid="analysis.analyse_new_messages")
def analyse_new_messages(
    sender: object, user_id: object, gmail_ids: Sequence[str], **_: object
) -> None:
    """Queue analysis of newly stored messages (on the analysis queue, in batches)."""
    enqueue(as_user_id(user_id), gmail_ids)


def enqueue(user_id: UserId, gmail_ids: Sequence[str], *, force: bool = False) -> int:
    """Queue analysis of these messages in batches of ``ANALYSIS_BATCH_SIZE``; return batches.

    A broker outage is logged, not raised: the sync that calls this must not fail over it. The
    messages stay pending (``mails.store.PENDING_FIELD``) and ``reconcile_pending`` queues them
    once the broker is back.
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


@app.task(bind=True, base=RetryingTask, name="analysis.tasks.analyze_messages")
def analyze_messages(
    self: Task[Any, Any], user_id: str, gmail_ids: list[str], force: bool = False
) -> str:
    """Analyse one batch of a user's messages; return a short summary."""
    user = _active_user(user_id)
    if user is None:
        return "no such user"
    outcome = service.Outcome()
    try:
        service.run(user, gmail_ids, force=force, outcome=outcome)
    except SoftTimeLimitExceeded:
        # Slow classification (an LLM engine): keep what is stored, queue the rest anew.
        rest = service.unfinished(outcome, gmail_ids)
        enqueue(user, rest, force=force)
        return f"{outcome.summary()}; time limit: {len(rest)} re-queued"
    return outcome.summary()


@app.task(base=RetryingTask, name="analysis.tasks.analyze_mailbox")
def analyze_mailbox(user_id: str, force: bool = False) -> str:
    """Queue analysis of the user's whole mailbox (only the unanalysed unless ``force``)."""
    user = _active_user(user_id)
    if user is None:
        return "no such user"
    batches = 0
    for batch in service.mailbox_batches(user, force=force):
        batches += enqueue(user, batch, force=force)
    return f"{batches} batches queued"


def queue_pending(user_id: UserId, older_than: timedelta) -> int:
    """Queue the user's messages pending longer than ``older_than``; return how many.

    Queued ones start a new grace period, so the next run does not queue them again while
    they wait in a long queue; a broker outage leaves them as they were.
    """
    ids = service.pending(user_id, older_than, RECONCILE_LIMIT)
    queued = ids[: enqueue(user_id, ids) * settings.ANALYSIS_BATCH_SIZE]
    store.rearm_pending(user_id, queued)
    return len(queued)


@app.task(base=RetryingTask, name="analysis.tasks.reconcile_pending", ignore_result=True)
def reconcile_pending() -> str:
    """Queue the analysis of every message pending longer than ``ANALYSIS_PENDING_GRACE``.

    The safety net under the ``messages_stored`` announcement: a sync killed between writing
    and announcing, or a broker down when it announced, leaves messages pending; so does an
    analysis worker killed mid-batch. Inactive users are skipped (their tasks would do nothing).
    """
    grace = timedelta(seconds=settings.ANALYSIS_PENDING_GRACE)
    users = messages = 0
    for pk in User.objects.filter(is_active=True).values_list("pk", flat=True):
        user_id = as_user_id(pk)
        queued = queue_pending(user_id, grace)
        if queued:
            users += 1
            messages += queued
            logger.info("reconciliation queued %d pending messages of user %s", queued, user_id)
    return f"{messages} messages of {users} users queued"
