"""Celery tasks of the sync: thin wrappers that load by id, call the services, map errors.

``UnrecoverableError`` ends the chain (and asks the person to reconnect where consent is the
problem); ``TransientError``/``RateLimited`` retry with capped, jittered backoff, and so does a
MongoDB or Redis outage (``mailbox_project.faults``), whatever error class it is wrapped in;
anything else is a bug and is recorded on the sync state before Celery records the failure.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bson import ObjectId
from celery import Task
from celery.exceptions import Retry
from django.conf import settings
from django.utils import timezone
from pymongo.errors import PyMongoError

from accounts import google as google_oauth
from accounts.errors import TransientError, UnrecoverableError
from accounts.models import User
from mailbox_project import redis_outage
from mailbox_project.celery import app
from mailbox_project.faults import RetryingTask
from mailbox_project.ids import UserId
from mailbox_project.ids import user_id as to_user_id
from mails import compaction, refetch, scheduling, sync, watching
from mails.gmail import RateLimited
from mails.models import SyncState

logger = logging.getLogger(__name__)

MAX_RETRIES = 8
RETRY_BACKOFF_CAP = 600


def start_sync(user_id: UserId) -> bool:
    """Start the user's sync chain unless one is live; return whether one was started."""
    chain_id = scheduling.claim_chain(user_id)
    if chain_id is None:
        return False
    sync_mailbox.apply_async((str(user_id), chain_id))
    return True


def wake(user_id: UserId) -> None:
    """Sync the user's mailbox soon: start a chain, or queue one extra step.

    The mailbox is marked dirty first, so a step already running runs again when it ends; at
    most one extra step is queued per user, so a storm of pushes costs one task.
    """
    scheduling.mark_dirty(user_id)
    if start_sync(user_id):
        return
    if scheduling.claim_pending(user_id):
        sync_mailbox.apply_async((str(user_id), None))


def _active(user: User) -> bool:
    window = timedelta(seconds=settings.SYNC_ACTIVE_WINDOW)
    return user.last_seen_at is not None and timezone.now() - user.last_seen_at <= window


def _record_error(user_id: UserId, message: str) -> None:
    SyncState.objects.filter(user_id=user_id).update(
        last_error=message[:1000], last_error_at=timezone.now()
    )


@app.task(
    bind=True,
    # Gmail's transient errors by class; MongoDB's and Redis's by cause (RetryingTask): a
    # chain must retry through a database outage, not die and wait out its lease.
    base=RetryingTask,
    name="mails.tasks.sync_mailbox",
    autoretry_for=(TransientError,),
    retry_backoff=5,
    retry_backoff_max=RETRY_BACKOFF_CAP,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def sync_mailbox(
    self: Task[Any, Any], user_id: str, chain_id: str | None, full: bool = False
) -> str:
    """Run one sync step for a user; a chain task (``chain_id``) then reschedules itself."""
    pk = to_user_id(user_id)  # the task carries the id as text; converted once, here
    if chain_id is None:
        # Changes from now on need another wake-up task; this one may already be too late.
        scheduling.release_pending(pk)
    elif not scheduling.keep_chain_alive(pk, chain_id):
        return "stale chain: exit"
    try:
        return _step(self, pk, chain_id, full)
    except Exception as exc:
        if chain_id:
            # Live through the wait for the retry, and no longer: then beat restarts it. From
            # wherever the step failed: the user's row is read from MongoDB too, and a chain
            # whose retry waited longer than a heartbeat's lease died in an outage.
            ttl = scheduling.due_ttl(_retry_delay(self, exc))
            scheduling.keep_chain_alive(pk, chain_id, ttl)
        raise


def _step(task: Task[Any, Any], pk: UserId, chain_id: str | None, full: bool) -> str:
    """One step of ``sync_mailbox`` for a live chain (or a one-off wake-up)."""
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or user.needs_reconnect:
        if chain_id:
            scheduling.end_chain(pk, chain_id)
        return "user gone or disconnected: chain ended"
    lock = scheduling.step_lock(pk, chain_id)
    if not lock.acquire():
        # Another step runs; it sees the dirty mark. A chain must not vanish here, so it
        # comes back shortly; a one-off wake-up has nothing more to do.
        if chain_id and scheduling.keep_chain_alive(pk, chain_id, scheduling.due_ttl(2)):
            sync_mailbox.apply_async((str(pk), chain_id), countdown=2)
        return "busy"
    with lock:
        result = _run_step(task, user, chain_id, full)
    logger.info(
        "sync step user=%s chain=%s: %s", pk, chain_id, result.summary() if result else "ended"
    )
    if chain_id is not None:
        _reschedule(user, chain_id, result)
    elif result is not None and scheduling.take_dirty(pk):
        wake(pk)  # a push arrived while this step ran
    if result is not None and not result.more:
        start_refetch(pk)  # the mailbox is up to date: mail an older parser stored is next
    return result.summary() if result else "ended"


def _retry_delay(task: Task[Any, Any], error: Exception) -> float:
    """Return the longest Celery may wait before retrying after ``error``."""
    if isinstance(error, Retry) and isinstance(error.when, int | float):
        return float(error.when)
    backoff = float(getattr(task, "retry_backoff", 0) or 0)
    cap = float(getattr(task, "retry_backoff_max", RETRY_BACKOFF_CAP) or RETRY_BACKOFF_CAP)
    retries = int(task.request.retries or 0)
    return min(cap, backoff * float(2**retries))


def _run_step(
    task: Task[Any, Any], user: User, chain_id: str | None, full: bool
) -> sync.StepResult | None:
    scheduling.take_dirty(user.pk)
    try:
        result = sync.sync_step(user, full=full)
    except UnrecoverableError as exc:
        logger.warning("sync of user %s stopped: %s", user.pk, exc.reason)
        _record_error(user.pk, exc.reason)
        if exc.needs_reconnect and not user.needs_reconnect:
            google_oauth.mark_needs_reconnect(user)
        if chain_id:
            scheduling.end_chain(user.pk, chain_id)
        return None
    except TransientError as exc:
        _record_error(user.pk, f"temporary: {exc}")
        if isinstance(exc, RateLimited) and exc.retry_after:
            raise task.retry(exc=exc, countdown=exc.retry_after) from exc
        raise
    User.objects.filter(pk=user.pk).update(last_sync_time=timezone.now())
    SyncState.objects.filter(user=user).update(last_error="")
    return result


def _reschedule(user: User, chain_id: str, result: sync.StepResult | None) -> None:
    if result is None:
        return
    if result.more or scheduling.take_dirty(user.pk):
        countdown = 0
    elif _active(user):
        countdown = settings.SYNC_INTERVAL
    else:
        # The person has not been seen for a while: stop until they come back.
        scheduling.end_chain(user.pk, chain_id)
        return
    # Live until the next step is due (and a little longer); unless replaced meanwhile.
    if scheduling.keep_chain_alive(user.pk, chain_id, scheduling.due_ttl(countdown)):
        sync_mailbox.apply_async((str(user.pk), chain_id), countdown=countdown)


_OPTIONAL_WORK_ERRORS: tuple[type[Exception], ...] = (*redis_outage.ERRORS, PyMongoError)


def start_refetch(user_id: UserId) -> bool:
    """Start a refetch pass if the user has messages an older parser stored (``mails.refetch``).

    Optional work after a step that succeeded: an outage here is logged, never a failed step.
    """
    try:
        pass_id = refetch.should_start(user_id)
        if pass_id is not None:
            refetch_mail.apply_async((str(user_id), pass_id, None))
    except _OPTIONAL_WORK_ERRORS as exc:
        logger.warning("refetch of user %s not started: %s", user_id, type(exc).__name__)
        return False
    return pass_id is not None


@app.task(
    bind=True,
    base=RetryingTask,
    name="mails.tasks.refetch_mail",
    autoretry_for=(TransientError,),
    retry_backoff=5,
    retry_backoff_max=RETRY_BACKOFF_CAP,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def refetch_mail(self: Task[Any, Any], user_id: str, pass_id: str, after: str | None) -> str:
    """Fetch one batch of a user's stale messages again, then queue the pass's next run."""
    pk = to_user_id(user_id)
    if not refetch.keep_pass(pk, pass_id, settings.SYNC_HEARTBEAT_TTL):
        return "stale pass: exit"
    user = User.objects.filter(pk=pk, is_active=True, needs_reconnect=False).first()
    if user is None:
        refetch.end_pass(pk, pass_id)
        return "user gone or disconnected: pass ended"
    lock = refetch.sync_lock(pk, pass_id)
    if not lock.acquire():  # a sync step runs: it goes first
        _next_refetch(pk, pass_id, after, countdown=2)
        return "busy"
    try:
        with lock:
            result = refetch.refetch_batch(pk, after=ObjectId(after) if after else None)
    except UnrecoverableError as exc:
        refetch.end_pass(pk, pass_id)  # the sync records it and asks for a reconnect
        return f"stopped: {exc.reason}"
    except Exception as exc:
        refetch.keep_pass(pk, pass_id, refetch.pass_ttl(_retry_delay(self, exc)))
        raise
    if result.next_after is None:
        refetch.end_pass(pk, pass_id)
    else:
        _next_refetch(pk, pass_id, result.next_after, countdown=refetch.REFETCH_PAUSE)
    return result.summary()


def _next_refetch(pk: UserId, pass_id: str, after: str | None, countdown: float) -> None:
    if refetch.keep_pass(pk, pass_id, refetch.pass_ttl(countdown)):
        refetch_mail.apply_async((str(pk), pass_id, after), countdown=countdown)


@app.task(base=RetryingTask, name="mails.tasks.dispatch_syncs", ignore_result=True, max_retries=3)
def dispatch_syncs() -> int:
    """Restart the chains of active users whose chain died; return how many were started."""
    window = timedelta(seconds=settings.SYNC_ACTIVE_WINDOW)
    users = User.objects.active_since(window).filter(needs_reconnect=False).only("pk")
    # An account without Google (a staff login made with createsuperuser) has nothing to
    # sync: a chain would only fail and flag it as having lost access.
    connected = [user.pk for user in users if google_oauth.has_credentials(user)]
    return sum(start_sync(to_user_id(pk)) for pk in connected)


@app.task(
    base=RetryingTask,
    name="mails.tasks.renew_watches",
    ignore_result=True,
    autoretry_for=(TransientError,),
    retry_backoff=30,
)
def renew_watches() -> int:
    """Renew push notifications (Gmail's watch lasts 7 days) for connected users."""
    return watching.renew_all()


@app.task(
    base=RetryingTask,
    name="mails.tasks.watch_mailbox",
    ignore_result=True,
    autoretry_for=(TransientError,),
    retry_backoff=30,
)
def watch_mailbox(user_id: str) -> str:
    """Start push notifications for one user (after sign-in)."""
    user = User.objects.filter(pk=user_id, is_active=True, needs_reconnect=False).first()
    if user is None:
        return "no such user"
    return watching.watch(user)


@app.task(
    base=RetryingTask,
    name="mails.tasks.compact_mail_store",
    ignore_result=True,
    # A large store takes minutes (~0.4 ms a message): past the default limit of a sync step.
    soft_time_limit=3600,
    time_limit=3660,
)
def compact_mail_store() -> str:
    """Give the disk back the free blocks of the mail store's files, when worth it."""
    done = compaction.compact()
    if done is None:
        return "not compacted"
    return f"compacted in {done.seconds:.0f} s: {done.before.size:,} -> {done.after.size:,} bytes"
