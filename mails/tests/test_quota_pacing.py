"""Pacing at the learned limit itself: the margin under Gmail's quota comes from the 429s seen.

The syncs here run against the emulator's own quota enforcement (a token bucket per account
that answers 429 with Retry-After), through the real Gmail client.
"""

from __future__ import annotations

import time

import pytest

from mails import quota
from mails.quota import QuotaBucket
from mails.tests.mirror import duplicates, emulator_view, local_view
from mails.tests.test_full_sync import run_until_partial

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bucket_paces_at_the_learned_limit_with_no_fixed_headroom(
    mailbox_owner, settings
) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 100
    bucket = QuotaBucket(mailbox_owner.pk)
    # Trusted (nothing refused yet), it holds 3/4 of a second: idle time (listing a page,
    # storing its tail) is caught up on afterwards.
    assert bucket.reserve(75) == 0
    # A second's worth queued behind it waits exactly a second at 100 units/s, not 1/0.95.
    assert bucket.reserve(100) == pytest.approx(1.0, abs=0.05)


def test_while_the_limit_is_learned_the_bucket_holds_one_burst(mailbox_owner, settings) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 100
    bucket = QuotaBucket(mailbox_owner.pk)
    bucket.report(bucket.spend(50), ok=5, refused=5)  # half refused: 50 units/s, not trusted
    assert bucket.limit() == 50
    time.sleep(1.0)  # idle: the bucket refills, but only to one burst (half a second)
    assert bucket.reserve(25) == 0
    assert bucket.reserve(25) == pytest.approx(0.5, abs=0.05)


def test_a_stray_refusal_costs_a_few_percent_and_the_probe_wins_it_back(
    mailbox_owner, settings
) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250
    bucket = QuotaBucket(mailbox_owner.pk)
    bucket.report(bucket.spend(125), ok=24, refused=1)  # one of a burst of 25 bunched up
    assert bucket.limit() == pytest.approx(250 * 24 / 25)
    clean_seconds = 0.0
    while bucket.limit() < 250 and clean_seconds < 60:
        bucket.report(bucket.epoch(), ok=25, refused=0)  # half a second of clean traffic
        clean_seconds += 0.5
    assert bucket.limit() == 250
    # Below the rate refused last, the climb back is fast: not PROBE_AFTER_SECONDS per 5%.
    assert clean_seconds <= quota.RECOVER_AFTER_SECONDS + 0.5


def test_a_quota_lowered_mid_sync_is_learned_and_nothing_is_lost(
    mailbox_owner, google, settings
) -> None:
    emulator, email = google.emulator, mailbox_owner.email
    for _ in range(240):  # 300 messages: three pages of 100
        emulator.deliver(email, kind="newsletter")
    settings.SYNC_PAGE_SIZE = 100
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250
    emulator.set_quota(email, 250)
    run_until_partial(mailbox_owner, steps=2)  # begin, then the first page at 250 units/s
    before = emulator.stats(email)
    emulator.set_quota(email, 100)  # Google lowers the limit while the sync runs
    run_until_partial(mailbox_owner)
    after = emulator.stats(email)
    learned = QuotaBucket(mailbox_owner.pk).limit()
    # At or under the 100 granted, learned from the 429s (a refused climb may end it lower).
    assert 40 <= learned <= 105, learned
    refused = after["rate_limited"] - before["rate_limited"]
    calls = sum(after["calls"].values()) - sum(before["calls"].values())
    # The first bursts after the drop, sized for 250, are refused in part; then it settles.
    assert refused <= 0.15 * calls, (refused, calls)
    assert local_view(mailbox_owner) == emulator_view(google, email)
    assert duplicates(mailbox_owner) == 0
