"""The granted rate measured between two refusals, and probes that back off once refused.

Real Redis (the Lua scripts); the reports stand for bursts the Gmail client sent.
"""

from __future__ import annotations

import time

import pytest

from mails import quota
from mails.quota import QuotaBucket

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rate_that_held_refused_in_large_part_resumes_at_half(mailbox_owner, settings) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250
    bucket = QuotaBucket(mailbox_owner.pk)
    # Google lowered the grant while its bucket was full: the share granted (0.8) overstates it.
    bucket.report(bucket.spend(125), ok=20, refused=5)
    assert bucket.limit() == 125
    # The climb back goes fast towards the share's estimate, not slowly from half.
    for _ in range(4):
        bucket.report(bucket.epoch(), ok=50, refused=0)  # a second of clean traffic or more
    assert bucket.limit() > 190


def test_two_refusals_measure_the_rate_granted_between_them(mailbox_owner, settings) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250
    bucket = QuotaBucket(mailbox_owner.pk)
    bucket.report(bucket.spend(125), ok=20, refused=5)  # Google's bucket is empty now
    assert bucket.limit() == 125
    began = time.monotonic()
    time.sleep(1.0)
    epoch = bucket.epoch()
    bucket.report(epoch, ok=19, refused=0)  # 95 units granted ...
    bucket.report(epoch, ok=1, refused=2)  # ... and 5 more before it is empty again
    measured = 100 / (time.monotonic() - began)
    # The refill between the two empty moments, not the last burst's share (1/3 of 125).
    assert bucket.limit() == pytest.approx(measured, rel=0.05)
    # Known now: the next probe above it comes later (twice the clean traffic) and goes half
    # as far.
    held, units = bucket.limit(), 0
    while bucket.limit() <= held:
        bucket.report(bucket.epoch(), ok=1, refused=0)
        units += 5
    assert units >= 2 * quota.PROBE_AFTER_SECONDS * held
    assert bucket.limit() == pytest.approx(held * (1 + quota.PROBE_STEP / 2))


def test_refusals_too_close_together_measure_nothing(mailbox_owner, settings) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250
    bucket = QuotaBucket(mailbox_owner.pk)
    bucket.report(bucket.spend(125), ok=20, refused=5)
    share = quota.decrease_factor(9, 1, bucket.max_batch(5))  # weighed as a burst at 125 u/s
    bucket.report(bucket.epoch(), ok=9, refused=1)  # a call more or less: no measure
    assert bucket.limit() == pytest.approx(125 * share * 50 / (50 + 125 * quota.SLACK_SECONDS))


def test_a_refused_probe_returns_to_the_rate_that_held_and_backs_off(
    mailbox_owner, settings
) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250
    bucket = QuotaBucket(mailbox_owner.pk)
    bucket.report(bucket.spend(125), ok=20, refused=5)
    bucket.report(bucket.epoch(), ok=9, refused=1)  # settles on a rate, peak = itself
    held = bucket.limit()

    def clean_until_probe() -> float:
        """Report clean traffic until the limit is raised; return the units it took."""
        start, units = bucket.limit(), 0.0
        while bucket.limit() <= start:
            bucket.report(bucket.epoch(), ok=1, refused=0)
            units += quota.cost("messages.get")
        return units

    first_wait = clean_until_probe()
    probe = bucket.limit()
    assert probe == pytest.approx(held * (1 + quota.PROBE_STEP))
    bucket.report(bucket.epoch(), ok=9, refused=1)  # the probe is refused
    assert bucket.limit() == pytest.approx(held)  # back to what held, not below it
    second_wait = clean_until_probe()
    # Twice the clean traffic before the next probe, and half the step.
    assert second_wait >= 2 * first_wait - quota.cost("messages.get")
    assert bucket.limit() == pytest.approx(held * (1 + quota.PROBE_STEP / 2))
