"""After a refusal the sync leaves Google's bucket a cushion, and reads the rate net of it."""

from __future__ import annotations

import pytest

from mails import quota
from mails.quota import QuotaBucket

pytestmark = pytest.mark.django_db(transaction=True)


def test_after_a_refusal_sending_resumes_a_slack_later(mailbox_owner, settings) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 100
    bucket = QuotaBucket(mailbox_owner.pk)
    bucket.report(bucket.spend(50), ok=5, refused=5)  # half refused: 50 units/s
    assert bucket.limit() == 50
    # The next burst waits its own half second at 50 units/s and the slack once.
    assert bucket.reserve(25) == pytest.approx(0.5 + quota.SLACK_SECONDS, abs=0.05)
    assert bucket.reserve(25) == pytest.approx(1.0 + quota.SLACK_SECONDS, abs=0.05)


def test_the_burst_that_waited_out_the_slack_is_weighed_with_it(mailbox_owner, settings) -> None:
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 250
    bucket = QuotaBucket(mailbox_owner.pk)
    bucket.report(bucket.spend(125), ok=20, refused=5)  # Google's full bucket hid the rate
    # A rate that held, refused in large part: resume at half, not at the share granted.
    assert bucket.limit() == 125
    # The next burst of 20 calls (100 units) went out after its time + the slack at 125 u/s;
    # half of it granted means Google refilled 50 units in that time, not in the burst's alone.
    bucket.report(bucket.epoch(), ok=10, refused=10)
    owed = 125 * quota.SLACK_SECONDS
    assert bucket.limit() == pytest.approx(125 * 0.5 * 100 / (100 + owed))
