"""Redis lost mid-sync, with everything it held: the pipeline still syncs and analyses it all.

The harshest Redis fault: a real worker and a real beat run on a private redis-server (broker,
results and cache), which is stopped mid-sync and started again EMPTY — as the machine's Redis
that keeps nothing on disk comes back after a restart. Queued and held tasks, the sync chain's
keys, the quota bucket and every cached entry are gone. Beat's dispatcher must restart the
chain from its MongoDB checkpoint, and the pending-analysis reconciliation must queue what the
lost tasks would have analysed, so that in the end Gmail = stored = analysed = placed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import User
from google_emulator.testing import EmulatorServer
from mailbox_project.mongo import get_database
from mailbox_project.redis_server import PrivateRedis
from mailbox_project.testing import (
    WorkerProcess,
    process_environment,
    start_worker,
    wait_until,
)
from mailbox_project.tests.test_worker_redis_outage import broker_app
from mails.models import SyncState

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MESSAGES = 300
OUTAGE_SECONDS = 8


def _environment(server: PrivateRedis, google: EmulatorServer) -> dict[str, str]:
    return {
        "REDIS_URL": server.url(1),
        "CELERY_BROKER_URL": server.url(2),
        "CELERY_RESULT_BACKEND": server.url(2),
        "GOOGLE_EMULATOR_URL": google.url,
        "GMAIL_QUOTA_UNITS_PER_SECOND": "0",
        "SYNC_PAGE_SIZE": "50",
        "ANALYSIS_BATCH_SIZE": "25",
        # Reconciliation soon after the restart, not after the production five minutes.
        "ANALYSIS_PENDING_GRACE": "5",
        "ANALYSIS_RECONCILE_EVERY": "10",  # the least the settings accept
    }


@pytest.fixture
def beat(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        process.terminate()
        process.wait(timeout=15)


def _start_beat(env: dict[str, str], tmp_path: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "celery", "-A", "mailbox_project", "beat",
        "--schedule", str(tmp_path / "beat-schedule"), "--loglevel", "INFO",
    ]  # fmt: skip
    log = (tmp_path / "beat.log").open("wb")
    return subprocess.Popen(
        command, env=process_environment(**env), stdout=log, stderr=subprocess.STDOUT
    )


def _counts(user: User) -> dict[str, int]:
    db = get_database()
    mine = {"user_id": user.pk}
    # The person's own (SENT) mail is analysed but is no event of an application.
    sent = db["messages"].distinct("gmail_id", {**mine, "label_ids": "SENT"})
    return {
        "stored": db["messages"].count_documents(mine),
        "analysed": db["email_analysis_cache"].count_documents(mine),
        "jobs": db["email_analysis_cache"].count_documents(
            {**mine, "result.status": {"$ne": "not_job_related"}, "message_id": {"$nin": sent}}
        ),
        "pending": db["messages"].count_documents(
            {**mine, "analysis_pending_since": {"$exists": True}}
        ),
        "placed": db["job_application_emails"].count_documents(mine),
    }


def test_redis_lost_with_its_data_mid_sync_loses_and_skips_nothing(
    mailbox_owner: User,
    google: EmulatorServer,
    private_redis: PrivateRedis,
    beat: list[subprocess.Popen[bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = mailbox_owner
    email = user.email
    have = len(list(google.emulator.mailbox(email).newest_first()))
    for _ in range(MESSAGES - have):
        google.emulator.deliver(email, kind="job")
    google.emulator.set_faults(email, 0.0, latency_ms=40)  # a sync of some seconds
    User.objects.filter(pk=user.pk).update(last_seen_at=timezone.now())
    env = _environment(private_redis, google)
    app = broker_app(private_redis, monkeypatch)  # to ping the worker through
    worker: WorkerProcess = start_worker(
        "drill", tmp_path, env=env, app=app, concurrency=2, timeout=60
    )
    try:
        beat.append(_start_beat(env, tmp_path))  # its dispatcher starts the chain
        wait_until(lambda: _counts(user)["stored"] >= 60, 90, "the sync to be under way")

        private_redis.stop()
        shutil.rmtree(private_redis.directory)  # it comes back empty
        time.sleep(OUTAGE_SECONDS)  # the outage itself, not a wait for a condition
        private_redis.start()
        back = time.monotonic()
        assert worker.alive(), worker.log()[-3000:]

        def synced() -> bool:
            return SyncState.objects.filter(user=user, phase=SyncState.Phase.PARTIAL).exists()

        wait_until(synced, 120, "the sync to finish after Redis came back")
        resumed = time.monotonic() - back
        total = len(list(google.emulator.mailbox(email).newest_first()))

        def settled() -> bool:
            counts = _counts(user)
            return counts["analysed"] == counts["stored"] == total and counts["pending"] == 0

        wait_until(settled, 120, "every stored message to be analysed")
        analysed = time.monotonic() - back
        assert worker.alive()
    except BaseException:
        # What the worker and beat did is the only trace of a failure: the suite's temporary
        # directory is removed after the run (one run of stop 38 stalled here, unexplained).
        print(f"--- worker log ---\n{worker.log()[-6000:]}")
        beat_log = tmp_path / "beat.log"
        print(f"--- beat log ---\n{beat_log.read_text(errors='replace')[-4000:]}")
        raise
    finally:
        counts = _counts(user)
        print(f"redis drill: {counts}")
        worker.stop()
    print(f"after Redis came back empty: synced in {resumed:.1f}s, all analysed in {analysed:.1f}s")
    assert counts["stored"] == counts["analysed"] == total
    assert counts["pending"] == 0
    # Every job email of the mailbox sits in the tracker.
    assert counts["placed"] == counts["jobs"] > 0
