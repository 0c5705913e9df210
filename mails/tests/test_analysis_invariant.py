"""Every stored message is eventually analysed and placed, whatever crashes or fails meanwhile.

The sync records the need for analysis with the write itself (``analysis_pending_since``, set
on insert in the same bulk upsert); the analysis clears it once the result is stored and the
tracker has placed it; ``reconcile_pending`` queues whatever stayed pending too long.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from analysis import cache
from analysis import tasks as analysis_tasks
from mailbox_project.mongo import get_database
from mailbox_project.testing import wait_until
from mails import gmail, sync
from mails.models import Message, SyncState
from mails.signals import messages_stored
from mails.tests.mirror import emulator_view

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_l1() -> Iterator[None]:
    cache.clear_local()
    yield
    cache.clear_local()


@pytest.fixture
def announced() -> Iterator[set[str]]:
    """The gmail ids the sync announced as stored (what the analysis is queued for)."""
    seen: set[str] = set()

    def record(sender: Any, user_id: Any, gmail_ids: list[str], **_: Any) -> None:
        seen.update(gmail_ids)

    messages_stored.connect(record, dispatch_uid="test-announced")
    yield seen
    messages_stored.disconnect(dispatch_uid="test-announced")


def stored_ids(user: Any) -> set[str]:
    return {d["gmail_id"] for d in get_database()["messages"].find({"user_id": user.pk})}


def pending_ids(user: Any) -> set[str]:
    query = {"user_id": user.pk, "analysis_pending_since": {"$exists": True}}
    return {d["gmail_id"] for d in get_database()["messages"].find(query)}


def analysed_ids(user: Any) -> set[str]:
    documents = get_database()["email_analysis_cache"].find({"user_id": user.pk})
    return {d["message_id"] for d in documents}


def fail_gmail_once_stored(google: Any, email: str) -> threading.Thread:
    """Make every Gmail call fail as soon as the sync's first batch is in MongoDB.

    Each call is slowed, so the next batch's request is already waiting in the emulator when
    the faults start: the fetch fails mid-page, after a batch was written.
    """

    def watch() -> None:
        messages = get_database()["messages"]
        while not messages.count_documents({}, limit=1):
            threading.Event().wait(0.01)
        google.emulator.set_faults(email, 1.0, latency_ms=400)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_a_fetch_failing_mid_page_leaves_no_stored_message_unanalysed(
    mailbox_owner, google, settings, monkeypatch, announced
) -> None:
    user = mailbox_owner
    settings.GMAIL_FETCH_THREADS = 1  # batches in order: the first is written before the second
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 0
    monkeypatch.setattr(gmail, "BACKOFF_BASE_SECONDS", 0.01)  # give up on Gmail quickly
    google.emulator.set_faults(user.email, 0.0, latency_ms=400)
    watcher = fail_gmail_once_stored(google, user.email)
    with pytest.raises(gmail.TransientError):
        sync.sync_step(user)
    watcher.join(5)
    written = stored_ids(user)
    assert 0 < len(written) < len(emulator_view(google, user.email))

    google.emulator.set_faults(user.email, 0.0)
    while SyncState.objects.get(user=user).phase != SyncState.Phase.PARTIAL:
        sync.sync_step(user)  # the retry skips what is stored already
    gmail_ids = set(emulator_view(google, user.email))
    assert stored_ids(user) == gmail_ids
    # Before the fix, the batches written before the failure were never announced (seen: 50
    # of 60 here), so they were never queued for analysis.
    unannounced = gmail_ids - announced
    assert not unannounced, f"{len(unannounced)} of {len(gmail_ids)} never announced"
    # And whatever was announced or not, each stored message carries the pending marker
    # until its analysis is stored.
    assert pending_ids(user) == gmail_ids

    call_command("analyze_mailbox", user.email, "--pending", "--older-than", "0")
    assert analysed_ids(user) == gmail_ids
    assert pending_ids(user) == set()


def test_reconciliation_queues_what_stayed_pending(mailbox_owner, google, settings) -> None:
    from mailbox_project.celery import app

    user = mailbox_owner
    app.control.purge()
    sync.sync_step(user)
    gmail_ids = set(emulator_view(google, user.email))
    assert pending_ids(user) == gmail_ids
    # Nothing is older than the grace period yet: the announced work is still in the queue.
    assert analysis_tasks.reconcile_pending() == "0 messages of 0 users queued"
    settings.ANALYSIS_PENDING_GRACE = 0
    assert analysis_tasks.reconcile_pending() == f"{len(gmail_ids)} messages of 1 users queued"
    # Queued now: not again until another grace period has passed.
    settings.ANALYSIS_PENDING_GRACE = 60
    assert analysis_tasks.reconcile_pending() == "0 messages of 0 users queued"


def test_a_cached_analysis_clears_the_marker_and_reaches_the_tracker(mailbox_owner, google) -> None:
    """A crash between storing the analysis and clearing the marker: the retry re-announces."""
    from analysis.service import analyze
    from tracker.models import ApplicationEmail

    user = mailbox_owner
    sync.sync_step(user)
    gmail_ids = sorted(stored_ids(user))
    analyze(user.pk, gmail_ids)
    placed = set(ApplicationEmail.objects.filter(user=user).values_list("message_id", flat=True))
    assert placed
    # As if the worker died after the analyses were stored, before the tracker placed them.
    ApplicationEmail.objects.filter(user=user).delete()
    get_database()["messages"].update_many(
        {"user_id": user.pk}, {"$set": {"analysis_pending_since": Message().synced_at}}
    )
    analyze(user.pk, gmail_ids)  # the reconciliation's retry: every result is cached
    again = set(ApplicationEmail.objects.filter(user=user).values_list("message_id", flat=True))
    assert again == placed
    assert pending_ids(user) == set()


# --- The kill drill ------------------------------------------------------------------------------

# Short limits so a killed chain is restarted in seconds; the same in both processes.
FAST = {
    "SYNC_INTERVAL": "1",
    "SYNC_CHAIN_GRACE": "2",
    "CELERY_TASK_TIME_LIMIT": "8",
    "CELERY_TASK_SOFT_TIME_LIMIT": "6",
    # One page of three batches fetched one after another: a batch stays written but not yet
    # announced while the next is fetched, and that is where the first kill lands.
    "SYNC_PAGE_SIZE": "150",
    "GMAIL_FETCH_THREADS": "1",
    "ANALYSIS_BATCH_SIZE": "25",
}


def placed_ids(user: Any) -> set[str]:
    documents = get_database()["job_application_emails"].find({"user_id": user.pk})
    return {d["message_id"] for d in documents}


def job_email_ids(user: Any) -> set[str]:
    """The stored messages the tracker must hold: those whose analysis is a job status, but
    the person's own (SENT) mail, which is no event of an application."""
    from tracker.models import TRACKED_STATUSES

    documents = get_database()["email_analysis_cache"].find({"user_id": user.pk})
    jobs = {d["message_id"] for d in documents if d["result"].get("status") in TRACKED_STATUSES}
    sent = get_database()["messages"].find(
        {"user_id": user.pk, "gmail_id": {"$in": sorted(jobs)}, "label_ids": "SENT"},
        {"gmail_id": 1},
    )
    return jobs - {d["gmail_id"] for d in sent}


def free_tracker_lock(user: Any) -> None:
    """Drop the tracker lock a killed worker may have held.

    Otherwise the next placement waits out the lock's expiry (``applications.LOCK_TTL``)
    and the drill would measure that wait, not whether anything is lost.
    """
    from mailbox_project.redis import connection, lock_key

    connection().delete(lock_key("tracker", user.pk))


def queue_drained(user: Any) -> Any:
    """A predicate: the analysed count stayed put for three seconds (the queue ran dry)."""
    seen = {"count": -1, "since": time.monotonic()}

    def drained() -> bool:
        count = len(analysed_ids(user))
        if count != seen["count"]:
            seen.update(count=count, since=time.monotonic())
        return time.monotonic() - seen["since"] >= 3

    return drained


@pytest.mark.slow
def test_killing_workers_mid_sync_and_mid_analysis_loses_no_analysis(
    mailbox_owner, google, settings, celery_workers
) -> None:
    from django.utils import timezone

    from accounts.models import User
    from mails import tasks as mail_tasks

    user = mailbox_owner
    for name, value in FAST.items():
        setattr(settings, name, int(value))
    env = {**FAST, "GOOGLE_EMULATOR_URL": google.url}
    User.objects.filter(pk=user.pk).update(last_seen_at=timezone.now())
    for _ in range(90):
        google.emulator.deliver(user.email, kind="job")
    google.emulator.set_faults(user.email, 0.0, latency_ms=300)
    gmail_ids = set(emulator_view(google, user.email))

    def syncing() -> bool:
        mail_tasks.dispatch_syncs()  # what beat does every minute: restart a dead chain
        return True

    # 1. Killed mid-sync: batches written, their announcement never sent.
    worker = celery_workers("mid-sync", env=env)
    mail_tasks.start_sync(user.pk)
    wait_until(lambda: stored_ids(user), 90, "a first batch stored")
    worker.kill()
    free_tracker_lock(user)
    after_sync_kill = (len(stored_ids(user)), len(analysed_ids(user)))

    # 2. Killed mid-analysis: a batch taken off the queue, never finished nor acknowledged.
    worker = celery_workers("mid-analysis", env=env)
    wait_until(
        lambda: syncing() and len(analysed_ids(user)) > after_sync_kill[1] + 10,
        90,
        "analysis to be under way",
    )
    worker.kill()
    free_tracker_lock(user)
    after_analysis_kill = (len(stored_ids(user)), len(analysed_ids(user)))

    # 3. A survivor finishes the sync; whatever the kills left pending is reconciled.
    celery_workers("survivor", env=env)
    wait_until(
        lambda: syncing() and SyncState.objects.get(user=user).phase == SyncState.Phase.PARTIAL,
        120,
        "the full sync to finish",
    )
    # What the kills left: stored, never to be analysed without the reconciliation.
    wait_until(queue_drained(user), 60, "the queued analyses to finish")
    stranded = len(stored_ids(user) - analysed_ids(user))
    settings.ANALYSIS_PENDING_GRACE = 0  # beat's reconciliation, without the few minutes' wait

    last_run = [0.0]

    def settled() -> bool:
        if time.monotonic() - last_run[0] > 5:  # beat's period, shortened
            analysis_tasks.reconcile_pending()
            last_run[0] = time.monotonic()
        return not pending_ids(user)

    wait_until(settled, 120, "nothing pending")
    stored = stored_ids(user)
    print(
        f"stored/analysed after the mid-sync kill: {after_sync_kill}, after the mid-analysis "
        f"kill: {after_analysis_kill}; left unanalysed by the kills: {stranded}; "
        f"in Gmail {len(gmail_ids)}, stored {len(stored)}, "
        f"analysed {len(analysed_ids(user))}, placed {len(placed_ids(user))}"
    )
    assert stored == gmail_ids
    assert analysed_ids(user) == stored
    jobs = job_email_ids(user)
    assert len(jobs) >= 90
    assert placed_ids(user) == jobs
