"""A Gmail quota lower than configured: the sync adapts its rate and keeps what it fetched."""

from __future__ import annotations

import contextlib

import pytest

from accounts.errors import TransientError
from mails import sync
from mails.models import Message, SyncState
from mails.quota import QuotaBucket
from mails.tests.mirror import duplicates, emulator_view, local_view

pytestmark = pytest.mark.django_db(transaction=True)


def sync_like_the_task(user, steps: int) -> list[int]:
    """Run sync steps as the chain does, a transient error meaning "retry"; return progress.

    Progress is the number of stored messages after each step, successful or not.
    """
    stored = []
    for _ in range(steps):
        with contextlib.suppress(TransientError):  # the task retries it
            sync.sync_step(user)
        stored.append(Message.objects.filter(user=user).count())
        if SyncState.objects.get(user=user).phase == SyncState.Phase.PARTIAL:
            break
    return stored


def test_a_quota_below_the_configured_one_is_learned_and_the_full_sync_completes(
    mailbox_owner, google, settings
) -> None:
    email = google.emulator.emails[0]
    for _ in range(240):  # 300 messages: one page
        google.emulator.deliver(email, kind="newsletter")
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250  # what the app believes
    google.emulator.set_quota(email, 100)  # what Google grants (projects since May 2026)
    progress = sync_like_the_task(mailbox_owner, steps=4)
    assert SyncState.objects.get(user=mailbox_owner).phase == SyncState.Phase.PARTIAL, progress
    assert local_view(mailbox_owner) == emulator_view(google, email)
    assert duplicates(mailbox_owner) == 0
    # The first burst, sized for 250 units/s, is refused in part; the quota is learned from it.
    assert google.emulator.stats(email)["rate_limited"] <= 50
    learned = QuotaBucket(mailbox_owner.pk).limit()
    assert 50 <= learned <= 110, learned  # near the granted 100, remembered for every worker


def test_a_chunk_that_keeps_failing_does_not_throw_away_the_rest_of_the_page(
    mailbox_owner, google, settings
) -> None:
    email = google.emulator.emails[0]
    settings.GMAIL_FETCH_THREADS = 4
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 0
    # Half the calls fail: some chunk of the page fails all its attempts, most do not.
    google.emulator.set_faults(email, 0.5)
    progress = sync_like_the_task(mailbox_owner, steps=1)
    assert progress[0] > 0  # what was fetched is stored though the step failed
    google.emulator.set_faults(email, 0.0)
    fetched_before = google.emulator.stats(email)["calls"]["users.messages.get"]
    sync_like_the_task(mailbox_owner, steps=3)
    refetched = google.emulator.stats(email)["calls"]["users.messages.get"] - fetched_before
    total = len(emulator_view(google, email))
    assert refetched <= total - progress[0]  # stored messages are never fetched again
    assert local_view(mailbox_owner) == emulator_view(google, email)
    assert duplicates(mailbox_owner) == 0


def test_learned_rate_drops_on_refusals_and_probes_back_up_slowly(mailbox_owner, settings) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250
    bucket = QuotaBucket(mailbox_owner.pk)
    assert bucket.limit() == 250
    epoch = bucket.spend(5)
    bucket.report(epoch, ok=10, refused=40)  # a burst of 50 gets, 10 granted: ~50 units/s
    assert 40 <= bucket.limit() <= 70
    lowered = bucket.limit()
    bucket.report(epoch, ok=0, refused=50)  # sent before the drop: says nothing new
    assert bucket.limit() == lowered
    assert QuotaBucket(mailbox_owner.pk).max_batch(5) == int(lowered / 2 // 5)  # all workers
    for _ in range(100):
        bucket.report(bucket.epoch(), ok=10, refused=0)
    assert lowered < bucket.limit() <= 250
    for _ in range(10_000):
        bucket.report(bucket.epoch(), ok=10, refused=0)
    assert bucket.limit() == 250  # never above the configured rate
    for _ in range(50):
        bucket.report(bucket.epoch(), ok=0, refused=1)
    assert bucket.limit() == settings.GMAIL_QUOTA_MIN_UNITS_PER_SECOND  # never below the floor


def test_quota_costs_are_a_setting(mailbox_owner, settings) -> None:
    from mails import quota

    assert quota.cost("messages.get") == 5
    settings.GMAIL_QUOTA_COSTS = {**settings.GMAIL_QUOTA_COSTS, "messages.get": 10}
    assert quota.cost("messages.get") == 10
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 100
    assert QuotaBucket(mailbox_owner.pk).max_batch(quota.cost("messages.get")) == 5
