"""The shared quota bucket keeps a sync under Gmail's per-user limit."""

from __future__ import annotations

import pytest

from mails.quota import QuotaBucket
from mails.tests.mirror import emulator_view, local_view
from mails.tests.test_full_sync import run_until_partial

pytestmark = pytest.mark.django_db(transaction=True)


def test_at_250_units_per_second_at_most_one_percent_of_calls_are_refused(
    mailbox_owner, google
) -> None:
    emulator, email = google.emulator, mailbox_owner.email
    for _ in range(190):  # 250 messages: ten batches of 25, each half a second of quota
        emulator.deliver(email, kind="newsletter")
    emulator.set_quota(email, 250)
    run_until_partial(mailbox_owner)
    stats = emulator.stats(email)
    calls = sum(stats["calls"].values())
    assert stats["rate_limited"] <= 0.01 * calls, stats
    assert local_view(mailbox_owner) == emulator_view(google, email)


def test_workers_share_one_bucket_per_user(mailbox_owner, settings) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 100
    settings.GMAIL_QUOTA_HEADROOM = 1.0
    first, second = QuotaBucket(mailbox_owner.pk), QuotaBucket(mailbox_owner.pk)
    assert first.reserve(75) == 0  # a full bucket (3/4 of a second's quota)
    assert second.reserve(50) == pytest.approx(0.5, abs=0.05)  # queued behind the first
    assert first.reserve(50) == pytest.approx(1.0, abs=0.05)
    assert QuotaBucket("someone-else").reserve(75) == 0  # other users are unaffected


def test_a_batch_never_exceeds_what_one_burst_allows(mailbox_owner, settings) -> None:
    # Half a second's quota: the other half absorbs bursts that arrive bunched up.
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 100
    assert QuotaBucket(mailbox_owner.pk).max_batch(5) == 10
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250
    assert QuotaBucket(mailbox_owner.pk).max_batch(5) == 25
