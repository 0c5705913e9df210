"""Fetched mail stored already (a retried step, a history replay) is updated, never doubled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mailbox_project.mongo import get_database
from mails import store
from mails.gmail import FetchResult
from mails.models import SyncState
from mails.signals import messages_stored
from mails.tests.test_parsing import gmail_full

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def announced() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(sender: Any, user_id: Any, gmail_ids: list[str], **_: Any) -> None:
        seen.extend(gmail_ids)

    messages_stored.connect(record, dispatch_uid="test-store-insert")
    yield seen
    messages_stored.disconnect(dispatch_uid="test-store-insert")


def _fetched(ids: list[str], labels: list[str]) -> FetchResult:
    raw = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n"
    return FetchResult(messages={i: {**gmail_full(raw), "id": i, "labelIds": labels} for i in ids})


def test_a_batch_mixing_stored_and_new_mail(owner, announced) -> None:
    state = SyncState.objects.create(user=owner)
    assert store.store_fetched(state, _fetched(["m1", "m2"], ["INBOX"])) == 2
    messages = get_database()["messages"]
    messages.update_one({"gmail_id": "m1"}, {"$unset": {store.PENDING_FIELD: ""}})  # analysed
    assert store.store_fetched(state, _fetched(["m1", "m3", "m2"], ["INBOX", "STARRED"])) == 3
    assert announced == ["m1", "m2", "m3"]  # only new mail is announced, once
    stored = {d["gmail_id"]: d for d in messages.find({"user_id": owner.pk})}
    assert sorted(stored) == ["m1", "m2", "m3"]
    assert all(d["label_ids"] == ["INBOX", "STARRED"] and d["is_starred"] for d in stored.values())
    assert store.PENDING_FIELD not in stored["m1"]  # an analysed message stays analysed
    assert store.PENDING_FIELD in stored["m3"]


def test_a_page_of_several_batches_is_announced_once_when_all_is_written(
    mailbox_owner, google, settings, announced
) -> None:
    from mails import sync
    from mails.models import Message

    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 0  # no quota: batches of 50
    calls: list[int] = []

    def count(sender: Any, gmail_ids: list[str], **_: Any) -> None:
        calls.append(len(gmail_ids))

    messages_stored.connect(count, dispatch_uid="test-store-insert-count")
    try:
        result = sync.sync_step(mailbox_owner)  # the first page: more than one batch
    finally:
        messages_stored.disconnect(dispatch_uid="test-store-insert-count")
    total = len(google.emulator.mailbox(mailbox_owner.email).messages)
    assert total > 50
    assert result.stored == total == Message.objects.filter(user=mailbox_owner).count()
    assert calls == [total]
    assert sorted(announced) == sorted(Message.objects.values_list("gmail_id", flat=True))
