"""Generated mailboxes are deterministic and look like real mail."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import itertools
from collections import Counter
from collections.abc import Iterator

import pytest

from google_emulator.config import EmulatorConfig
from google_emulator.jobmail import STATUSES
from google_emulator.state import Emulator

ANCHOR = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def big() -> Iterator[Emulator]:
    emulator = Emulator(EmulatorConfig(accounts=1, messages=600, seed=11, anchor_date=ANCHOR))
    yield emulator
    emulator.close()


def test_same_seed_and_counts_give_identical_mailboxes() -> None:
    config = EmulatorConfig(accounts=2, messages=40, seed=3, anchor_date=ANCHOR)
    first, second = Emulator(config), Emulator(config.replace())
    for address in first.emails:
        a = [(m.id, m.thread_id, m.raw, m.label_ids) for m in first.mailbox(address).newest_first()]
        b = [
            (m.id, m.thread_id, m.raw, m.label_ids) for m in second.mailbox(address).newest_first()
        ]
        assert a == b
    other = Emulator(config.replace(seed=4))
    assert [m.raw for m in other.mailbox(other.emails[0]).newest_first()] != [
        m.raw for m in first.mailbox(first.emails[0]).newest_first()
    ]
    later = Emulator(config.replace(anchor_date=dt.date(2026, 6, 1)))
    assert sorted(later.mailbox(later.emails[0]).messages) == sorted(
        first.mailbox(first.emails[0]).messages
    )
    for emulator in (first, second, other, later):
        emulator.close()


def test_ids_look_like_gmail_ids_and_dates_span_two_years(big: Emulator) -> None:
    messages = list(big.mailbox(big.emails[0]).newest_first())
    assert len(messages) == 600
    assert all(len(m.id) == 16 and int(m.id, 16) for m in messages)
    anchor_ms = int(dt.datetime(2026, 1, 15, tzinfo=dt.UTC).timestamp() * 1000)
    ages = [(anchor_ms - m.internal_date) / 86_400_000 for m in messages]
    assert min(ages) >= 0
    assert max(ages) > 365
    assert max(ages) <= 2 * 365 + 30


def test_date_headers_agree_with_internal_date(big: Emulator) -> None:
    for message in big.mailbox(big.emails[0]).messages.values():
        assert message.content.date_ms is not None
        assert 0 <= message.internal_date - message.content.date_ms <= 91_000


def test_threads_reply_with_in_reply_to_and_re_subjects(big: Emulator) -> None:
    mailbox = big.mailbox(big.emails[0])
    threads = [ids for ids in mailbox.threads.values() if len(ids) > 1]
    assert len(threads) > 20
    for ids in threads:
        ordered = sorted((mailbox.messages[i] for i in ids), key=lambda m: m.key)
        for parent, child in itertools.pairwise(ordered):
            assert child.content.header("In-Reply-To") == parent.content.header("Message-ID")
            assert parent.content.header("Message-ID") in child.content.header("References")
            assert child.content.subject.startswith("Re: ") or child.content.subject == (
                parent.content.subject
            )
        assert ordered[0].thread_id == ordered[0].id


def test_mime_variety_labels_and_encoded_headers(big: Emulator) -> None:
    messages = list(big.mailbox(big.emails[0]).messages.values())
    types = Counter(m.content.payload["mimeType"] for m in messages)
    assert types["multipart/alternative"] > 50
    assert types["multipart/mixed"] > 10
    inline = [
        p
        for m in messages
        for p in m.content.payload.get("parts", [])
        if p.get("filename") and "data" in p["body"]
    ]
    assert inline, "small attachments are inlined"
    assert sum(bool(m.content.attachments) for m in messages) > 5
    raw_headers = b"\n".join(m.raw.split(b"\r\n\r\n", 1)[0] for m in messages)
    assert b"=?utf-8?" in raw_headers.lower()
    decoded = " ".join(h["value"] for m in messages for h in m.content.headers)
    assert any(name in decoded for name in ("Zoë Müller", "山田太郎", "Søren Nørgaard"))
    assert any(m.content.header("List-Unsubscribe") for m in messages)
    assert any(m.content.header("List-Id") for m in messages)
    labels = Counter(label for m in messages for label in m.label_ids)
    for label in (
        "INBOX",
        "UNREAD",
        "STARRED",
        "IMPORTANT",
        "SENT",
        "CATEGORY_PERSONAL",
        "CATEGORY_SOCIAL",
        "CATEGORY_PROMOTIONS",
        "CATEGORY_UPDATES",
        "CATEGORY_FORUMS",
        "Label_1",
        "SPAM",
    ):
        assert labels[label] > 0, label
    for message in messages:
        parsed = email.message_from_bytes(message.raw, policy=email.policy.default)
        assert parsed["Message-ID"]
        assert parsed["Date"]
        assert parsed["From"]


def test_ground_truth_covers_every_status_with_varied_wording(big: Emulator) -> None:
    truth = big.truth(big.emails[0])
    statuses = Counter(row["status"] for row in truth)
    assert set(statuses) == set(STATUSES)
    senders = " ".join(row["from"] for row in truth)
    for domain in (
        "greenhouse",
        "hire.lever.co",
        "myworkday.com",
        "ashbyhq.com",
        "smartrecruiters.com",
        "icims.com",
        "jobs-noreply@linkedin.com",
    ):
        assert domain in senders, domain
    rejections = [row for row in truth if row["status"] == "rejection"]
    assert len({row["subject"] for row in rejections}) >= 6
    assert all(
        row["company"] and row["position"] for row in truth if row["status"] != "not_job_related"
    )
    received = [
        m for m in big.mailbox(big.emails[0]).messages.values() if "SENT" not in m.label_ids
    ]
    assert len(truth) == len(received)


def test_live_deliveries_continue_a_thread_and_its_application() -> None:
    emulator = Emulator(EmulatorConfig(accounts=1, messages=200, seed=5, anchor_date=ANCHOR))
    address = emulator.emails[0]
    mailbox = emulator.mailbox(address)
    row = next(r for r in emulator.truth(address) if r["status"] == "application_confirmation")
    reply = emulator.deliver(address, kind="rejection", thread_id=row["threadId"])
    message = mailbox.messages[reply]
    assert message.thread_id == row["threadId"]
    assert mailbox.truth[reply] == {
        "status": "rejection",
        "company": row["company"],
        "position": row["position"],
    }
    parent = mailbox.messages[mailbox.threads[row["threadId"]][-2]]
    assert message.content.header("In-Reply-To") == parent.content.header("Message-ID")
    # A raw reply is threaded by its headers.
    raw = (
        f"From: a@b.example\r\nTo: {address}\r\nSubject: Re: x\r\n"
        f"In-Reply-To: {message.content.header('Message-ID')}\r\n\r\nhello\r\n"
    ).encode()
    assert mailbox.messages[emulator.deliver(address, raw)].thread_id == row["threadId"]
    emulator.close()
