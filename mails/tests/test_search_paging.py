"""Keyset pages: walked both ways without gaps or duplicates, ties broken by id, and
cursors that are opaque, tamper-proof and bound to their user and query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from mails.search import InvalidRequest
from mails.search.service import SearchPage, search
from mails.search.testing import Spec, random_specs

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def search_corpus_specs() -> list[Spec]:
    # Every 7th message shares its timestamp with the one before: ties on internal_date.
    return random_specs(3, 95, START)


def forwards(user, query: str, size: int) -> list[SearchPage]:
    pages, cursor = [], None
    while True:
        page = search(user, query, cursor=cursor, page_size=size)
        pages.append(page)
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def keys(page: SearchPage) -> list[tuple[object, object]]:
    return [(m.internal_date, m.pk) for m in page.messages]


@pytest.mark.parametrize("size", [1, 6, 7, 50, 100])
def test_walking_forwards_then_back_sees_every_message_once_in_order(search_corpus, size) -> None:
    everything = sorted(
        (
            (m.internal_date, m.pk)
            for m in search(search_corpus, "in:anywhere", page_size=100).messages
        ),
        reverse=True,
    )
    pages = forwards(search_corpus, "in:anywhere", size)
    walked = [k for page in pages for k in keys(page)]
    assert walked == everything
    assert len(set(walked)) == 95
    assert pages[0].prev_cursor is None
    assert all(len(page.messages) == size for page in pages[:-1])
    # Back from the last page, by prev cursors: the same pages in reverse.
    back, cursor = [pages[-1]], pages[-1].prev_cursor
    while cursor is not None:
        page = search(search_corpus, "in:anywhere", cursor=cursor, page_size=size)
        back.append(page)
        cursor = page.prev_cursor
    assert [keys(p) for p in reversed(back)] == [keys(p) for p in pages]


def test_ties_on_the_date_are_ordered_by_id(search_corpus) -> None:
    found = [k for page in forwards(search_corpus, "in:anywhere", 4) for k in keys(page)]
    dates = [d for d, _ in found]
    assert len(dates) != len(set(dates))  # the data has ties
    assert found == sorted(found, reverse=True)


def test_a_page_reached_back_has_a_next_cursor_to_where_it_came_from(search_corpus) -> None:
    first = search(search_corpus, "", page_size=10)
    second = search(search_corpus, "", cursor=first.next_cursor, page_size=10)
    again = search(search_corpus, "", cursor=second.prev_cursor, page_size=10)
    assert keys(again) == keys(first)
    assert again.prev_cursor is None
    assert keys(search(search_corpus, "", cursor=again.next_cursor, page_size=10)) == keys(second)


def test_a_message_deleted_between_pages_leaves_no_gap(search_corpus) -> None:
    first = search(search_corpus, "", page_size=5)
    first.messages[-1].delete()
    second = search(search_corpus, "", cursor=first.next_cursor, page_size=5)
    everything = [k for page in forwards(search_corpus, "", 100) for k in keys(page)]
    assert keys(second) == everything[4:9]


@pytest.mark.parametrize(
    "cursor", ["", "garbage", "a:b:c", "W1s=", "é" * 30, "x" * 5000, "Zm9v:1abc:def"]
)
def test_a_damaged_cursor_is_refused(search_corpus, cursor) -> None:
    with pytest.raises(InvalidRequest) as error:
        search(search_corpus, "", cursor=cursor or "  ")
    assert error.value.code == "bad_cursor"


def test_an_edited_cursor_is_refused(search_corpus) -> None:
    cursor = search(search_corpus, "", page_size=5).next_cursor
    payload, _, signature = cursor.rpartition(":")
    for edited in (payload[:-1] + ("A" if payload[-1] != "A" else "B") + ":" + signature,
                   cursor[:-2] + "xx"):  # fmt: skip
        with pytest.raises(InvalidRequest) as error:
            search(search_corpus, "", cursor=edited)
        assert error.value.code == "bad_cursor"


def test_a_forged_cursor_with_the_wrong_key_is_refused(search_corpus, settings) -> None:
    good = search(search_corpus, "", page_size=5).next_cursor
    payload = signing.loads(good, salt="mails.search.cursor")
    forged = signing.dumps(payload, key="not-the-secret", salt="mails.search.cursor")
    with pytest.raises(InvalidRequest):
        search(search_corpus, "", cursor=forged)


def test_a_cursor_belongs_to_its_query_and_its_user(search_corpus, other_user) -> None:
    cursor = search(search_corpus, "in:anywhere", page_size=5).next_cursor
    with pytest.raises(InvalidRequest) as error:
        search(search_corpus, "invoice", cursor=cursor)
    assert error.value.code == "bad_cursor"
    with pytest.raises(InvalidRequest) as error:
        search(other_user, "in:anywhere", cursor=cursor)
    assert error.value.code == "bad_cursor"
    # The same query written differently is the same search.
    assert search(search_corpus, "IN:anywhere  ", cursor=cursor, page_size=5).messages


def test_the_default_page_size_comes_from_settings(search_corpus, settings) -> None:
    settings.SEARCH_PAGE_SIZE = 9
    assert len(search(search_corpus, "in:anywhere").messages) == 9
    settings.SEARCH_MAX_PAGE_SIZE = 20
    with pytest.raises(InvalidRequest):
        search(search_corpus, "", page_size=21)
