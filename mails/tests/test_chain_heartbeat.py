"""A killed worker's sync chain is found dead by its heartbeat and resumes within a minute.

Production lease settings (no FAST overrides): the interval, task time limit and grace that
once made a dead chain wait 450 s for its lease to run out.
"""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from accounts.models import User
from mailbox_project.testing import wait_until
from mails import scheduling, tasks
from mails.models import SyncState
from mails.tests.mirror import duplicates, emulator_view, local_view

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# What beat does: run the dispatcher every 15 s (settings.CELERY_BEAT_SCHEDULE).
DISPATCH_EVERY = 15.0


class Beat:
    """Runs ``dispatch_syncs`` on beat's schedule from the test's polling loop."""

    def __init__(self) -> None:
        self.next_run = time.monotonic()

    def tick(self) -> None:
        if time.monotonic() >= self.next_run:
            tasks.dispatch_syncs()
            self.next_run = time.monotonic() + DISPATCH_EVERY


def messages_done(user: User) -> int:
    done = SyncState.objects.filter(user=user).values_list("messages_done", flat=True).first()
    return int(done or 0)


def test_a_chain_killed_mid_full_sync_resumes_within_a_minute(
    mailbox_owner, google, celery_workers, settings
) -> None:
    assert scheduling.chain_ttl() >= 400  # the old lease: what a dead chain used to wait out
    env = {"GOOGLE_EMULATOR_URL": google.url, "SYNC_PAGE_SIZE": "20"}
    User.objects.filter(pk=mailbox_owner.pk).update(last_seen_at=timezone.now())
    user = mailbox_owner
    for _ in range(140):
        google.emulator.deliver(user.email, kind="newsletter")
    google.emulator.set_faults(user.email, 0.0, latency_ms=60)  # each page takes a while
    doomed = celery_workers("doomed", env=env)
    tasks.start_sync(user.pk)

    def mid_step() -> bool:
        # Killed while a step runs: its task is then held, unacknowledged, by a dead worker.
        return messages_done(user) >= 40 and scheduling.step_lock(user.pk).locked()

    wait_until(mid_step, 60, "two pages synced and a third one running")
    doomed.kill()  # SIGKILL mid full sync: no task finishes, nothing is acknowledged
    killed = time.monotonic()
    assert SyncState.objects.get(user=user).phase == SyncState.Phase.FULL
    done_at_kill = messages_done(user)

    celery_workers("survivor", env=env)
    available = time.monotonic()
    beat = Beat()

    def resumed() -> bool:
        beat.tick()
        return messages_done(user) > done_at_kill

    wait_until(resumed, 120, "the chain to resume")
    resumed_after = time.monotonic() - available
    print(
        f"chain resumed {resumed_after:.1f}s after a worker was available, "
        f"{time.monotonic() - killed:.1f}s after the kill"
    )
    assert resumed_after <= 60

    def finished() -> bool:
        beat.tick()
        return SyncState.objects.get(user=user).phase == SyncState.Phase.PARTIAL

    wait_until(finished, 120, "the full sync to finish")
    assert local_view(user) == emulator_view(google, user.email)
    assert duplicates(user) == 0
