"""search(): results through the real sync path, page sizes, cursors and isolation."""

from __future__ import annotations

import datetime as dt

import pytest

from mails.search import InvalidRequest, SearchError
from mails.search.service import search
from mails.search.testing import Spec, deliver
from mails.tests.test_full_sync import run_until_partial

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.datetime(2031, 5, 1, 9, 0, tzinfo=dt.UTC)


def spec(minutes: int, **fields) -> Spec:
    fields.setdefault("subject", "Plain subject")
    fields.setdefault("from_name", "Ana López")
    fields.setdefault("from_address", "ana@example.com")
    fields.setdefault("labels", ["INBOX"])
    return Spec(internal_date=START + dt.timedelta(minutes=minutes), **fields)


class DeliverAndSync:
    """Deliver specs to the owner's emulator mailbox and sync them; calling returns their ids."""

    def __init__(self, user, google) -> None:
        self.user, self.google = user, google

    def __call__(self, *specs: Spec) -> list[str]:
        ids = [deliver(self.google.emulator, self.user.email, s) for s in specs]
        run_until_partial(self.user)
        return ids


@pytest.fixture
def deliver_and_sync(mailbox_owner, google) -> DeliverAndSync:
    return DeliverAndSync(mailbox_owner, google)


def gmail_ids(page) -> list[str]:
    return [m.gmail_id for m in page.messages]


def test_a_bare_word_finds_its_messages_newest_first_with_accents_folded(deliver_and_sync) -> None:
    old, new, _ = deliver_and_sync(
        spec(1, subject="Le Café du coin"),
        spec(2, subject="cafe tomorrow?"),
        spec(3, subject="Nothing here"),
    )
    page = search(deliver_and_sync.user, "CAFÉ")
    assert gmail_ids(page) == [new, old]
    assert page.query == "cafe"
    assert page.highlights == ["cafe"]
    assert page.next_cursor is None
    assert page.prev_cursor is None


def test_the_body_is_deferred_unless_asked_for(deliver_and_sync) -> None:
    deliver_and_sync(spec(1, subject="Quince", body="the body of quince"))
    lean = search(deliver_and_sync.user, "quince").messages[0]
    assert "body_text" in lean.get_deferred_fields()
    full = search(deliver_and_sync.user, "quince", include_body=True).messages[0]
    assert "body_text" not in full.get_deferred_fields()
    assert full.body_text.strip() == "the body of quince"


@pytest.mark.parametrize("size", [0, -1, 101, True])
def test_a_page_size_out_of_range_is_refused(deliver_and_sync, size) -> None:
    with pytest.raises(InvalidRequest) as error:
        search(deliver_and_sync.user, "", page_size=size)
    assert error.value.code == "bad_page_size"


def test_a_malformed_query_is_a_search_error_naming_the_position(deliver_and_sync) -> None:
    with pytest.raises(SearchError) as error:
        search(deliver_and_sync.user, "offer after:2024/02/30")
    assert error.value.code == "bad_query"
    assert error.value.position == 7
    assert "position 7" in error.value.message
