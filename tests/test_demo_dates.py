"""The demo never shows mail dated in the future: generated mailboxes (any seed, today's
anchor) and mail delivered while it runs are dated no later than now, in Gmail's internal date
and in the Date header alike."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

import pytest

from google_emulator.config import EmulatorConfig
from google_emulator.state import Emulator

# A second of slack: "now" is read before the messages are made.
SLACK_MS = 1000


def latest_ms(emulator: Emulator) -> tuple[int, int]:
    internal = header = 0
    for mailbox in emulator.mailboxes.values():
        for message in mailbox.messages.values():
            internal = max(internal, message.internal_date)
            date = parsedate_to_datetime(message.content.header("Date"))
            header = max(header, int(date.timestamp() * 1000))
    return internal, header


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_generated_and_delivered_mail_is_never_in_the_future(seed: int) -> None:
    emulator = Emulator(EmulatorConfig(accounts=2, messages=300, seed=seed))
    first = next(iter(emulator.mailboxes))
    for kind in ("job", "offer", "interview_invitation", "newsletter", "personal", "spam"):
        emulator.deliver(first, kind=kind)
    internal, header = latest_ms(emulator)
    now = int(time.time() * 1000) + SLACK_MS
    assert internal <= now
    assert header <= now
