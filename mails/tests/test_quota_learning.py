"""How the bucket learns Google's rate from the 429s, driven by a fake clock (no sleeping).

Each test uses a bucket of its own (a fresh user id) and a clock it moves by hand: the scripts
read it instead of Redis's, so the figures are exact, not timed.
"""

from __future__ import annotations

import itertools
import uuid

import pytest

from mails import quota
from mails.quota import QuotaBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def bucket(settings, clock: FakeClock) -> QuotaBucket:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250
    settings.GMAIL_QUOTA_MIN_UNITS_PER_SECOND = 10
    return QuotaBucket(f"learning-{uuid.uuid4().hex}", clock=clock)


def refuse(bucket: QuotaBucket, *, ok: int, refused: int) -> float:
    bucket.report(bucket.epoch(), ok=ok, refused=refused)
    return bucket.limit()


def clean_seconds_until_the_limit_moves(bucket: QuotaBucket, clock: FakeClock) -> float:
    """Send clean calls at the limit, one call (5 units) a report; return the seconds taken."""
    start, limit = clock.now, bucket.limit()
    while bucket.limit() == limit:
        assert clock.now - start < 600, "the limit never moved"
        clock.now += 5 / bucket.limit()
        bucket.report(bucket.epoch(), ok=1, refused=0)
    return clock.now - start


def test_after_a_refusal_bursts_start_small_and_double_back_to_full(bucket, clock) -> None:
    assert bucket.max_batch(5) == 25  # half a second at 250 units/s
    limit = refuse(bucket, ok=20, refused=5)
    assert limit == 200
    full = int(200 * quota.BURST_SHARE // 5)
    assert bucket.max_batch(5, full=True) == full  # the size chunks of work are cut to
    sizes = [bucket.max_batch(5)]
    for _ in range(4):
        bucket.report(bucket.epoch(), ok=1, refused=0)
        sizes.append(bucket.max_batch(5))
    assert sizes == [4, 8, 16, full, full]


def test_the_rate_is_measured_from_one_refusal_to_the_next(bucket, clock) -> None:
    assert refuse(bucket, ok=20, refused=5) == 200  # the share refused: 4/5 of 250
    clock.now += 1.0
    bucket.report(bucket.epoch(), ok=10, refused=0)
    # 2 of 4 refused, weighed as the full burst of 20 at 200 units/s, reads 180 units/s; but
    # Google, empty at both refusals, granted 60 units in the second between: 60 units/s.
    assert refuse(bucket, ok=2, refused=2) == pytest.approx(60)


def test_an_idle_spell_between_refusals_is_not_read_as_a_low_rate(bucket, clock) -> None:
    assert refuse(bucket, ok=20, refused=5) == 200
    clock.now += 5.0  # nothing sent for seconds: Google's bucket overflowed meanwhile
    assert bucket.reserve(10) == 0
    bucket.report(bucket.epoch(), ok=2, refused=0)
    # Only the share refused counts: 18 of 20 granted.
    assert refuse(bucket, ok=2, refused=2) == pytest.approx(180)


def test_probes_step_further_once_clean_long_enough_to_find_a_raised_quota(bucket, clock) -> None:
    assert refuse(bucket, ok=10, refused=15) == 100  # a large share: the grant is lower
    waits, limits = [], [100.0]
    while bucket.limit() < 250:
        waits.append(clean_seconds_until_the_limit_moves(bucket, clock))
        limits.append(bucket.limit())
    steps = [after / before for before, after in itertools.pairwise(limits)]
    # A probe every 5 s clean. Google's one-second bucket hides an excess of 5% for 20 s, so
    # the step doubles only once the sync has been clean that long (and a probe's wait) since
    # the refusal: 25 s at +5%, then 15 s at +10%, 10 s at +20%.
    assert waits == pytest.approx([5.0] * len(waits), abs=0.1)
    assert steps[:7] == pytest.approx([1.05, 1.05, 1.05, 1.05, 1.10, 1.20, 1.40])
    assert sum(waits) <= 40.1  # 100 -> 250 units/s; 5% steps alone would take 95 s


def test_a_refused_probe_falls_back_and_the_next_probe_waits_twice_as_long(bucket, clock) -> None:
    assert refuse(bucket, ok=10, refused=15) == 100
    assert clean_seconds_until_the_limit_moves(bucket, clock) == pytest.approx(5.0, abs=0.1)
    assert bucket.limit() == pytest.approx(105)
    clock.now += 1.0
    # Refused: back to the level the probe left, clean for 5 s (not a quick climb back to
    # the refused rate, nor the share of one burst below it); the next probe waits 10 s.
    assert refuse(bucket, ok=9, refused=1) == pytest.approx(100)
    assert clean_seconds_until_the_limit_moves(bucket, clock) == pytest.approx(10.0, abs=0.1)
    assert bucket.limit() == pytest.approx(105)
    clock.now += 1.0
    assert refuse(bucket, ok=9, refused=1) == pytest.approx(100)
    assert clean_seconds_until_the_limit_moves(bucket, clock) == pytest.approx(20.0, abs=0.2)


def test_a_large_share_refused_after_a_probe_is_a_lower_grant(bucket, clock) -> None:
    assert refuse(bucket, ok=10, refused=15) == 100
    clean_seconds_until_the_limit_moves(bucket, clock)
    clock.now += 10.0
    assert refuse(bucket, ok=5, refused=5) == pytest.approx(105 * 0.5)


def test_a_stray_refusal_at_a_trusted_rate_is_won_back_quickly(bucket, clock) -> None:
    clock.now += 30.0
    lowered = refuse(bucket, ok=24, refused=1)  # one of a full burst of 25 bunched up
    assert lowered == pytest.approx(240)
    assert clean_seconds_until_the_limit_moves(bucket, clock) <= quota.RECOVER_AFTER_SECONDS + 0.1
    assert bucket.limit() == 250
