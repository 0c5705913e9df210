"""The query plan and scan: the rarest term leads, whatever order the query had."""

from __future__ import annotations

import datetime as dt

import pytest
from bson import ObjectId

from mailbox_project.mongo import get_database
from mails.search import compile_query, parse, scan
from mails.search.plan import NEWEST_INDEX, TERM_INDEX, plan, walks
from mails.search.service import search
from mails.search.testing import Spec, insert

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


@pytest.fixture
def search_corpus_specs() -> list[Spec]:
    """200 messages with "common", one in 20 also "rare"."""
    return [
        Spec(
            subject="common words" + (" rare" if n % 20 == 0 else ""),
            from_name="Ana",
            from_address="ana@example.com",
            internal_date=START + dt.timedelta(minutes=n),
            labels=["INBOX"],
        )
        for n in range(200)
    ]


@pytest.mark.parametrize("query", ["common rare", "rare common", '"words rare"', "in:inbox rare"])
def test_the_rarest_term_leads(search_corpus, monkeypatch, query) -> None:
    # A first chunk of 16 keys per term: "rare" (10 messages) is read whole, "common" (200)
    # only that far; the rest is rare's 10 messages checked, not common's 200 keys read.
    monkeypatch.setattr(scan, "FIRST_CHUNK", 16)
    chunk = scan._lead_chunk
    read: list[tuple[str, int]] = []

    def counted(collection, term, user_id, anchor, size):
        raw, beyond = chunk(collection, term, user_id, anchor, size)
        read.append((term, len(raw)))
        return raw, beyond

    monkeypatch.setattr(scan, "_lead_chunk", counted)
    assert len(search(search_corpus, query).messages) == 10
    assert sorted(n for _term, n in read) == [10, 16], read


def test_a_filter_without_terms_is_left_to_the_planner(search_corpus) -> None:
    query_filter = compile_query(parse("larger:10 in:anywhere"), search_corpus)
    how = plan(query_filter)
    assert (how.filter, how.index, how.terms) == (query_filter, None, [])
    # Common words with a size: the size's own index may serve better.
    assert plan(compile_query(parse("the larger:10"), search_corpus)).index is None


def test_common_words_alone_walk_the_mailbox_newest_first(search_corpus) -> None:
    how = plan(compile_query(parse('"of the" in:anywhere'), search_corpus))
    assert (how.index, how.terms) == (NEWEST_INDEX, [])
    assert how.marks is not None
    assert set(how.marks) == {"common_marks"}
    # Beside a term, the term leads and the marks are checked on its messages.
    how = plan(compile_query(parse("the rare"), search_corpus))
    assert (how.index, how.terms, how.marks) == (TERM_INDEX, ["rare"], None)


def test_the_required_terms_of_the_top_conjunction_are_planned(search_corpus) -> None:
    # An OR at the top has no required term; "rare -common OR x" is rare AND (-common OR x).
    query_filter = compile_query(parse("(rare -common) OR x"), search_corpus)
    assert plan(query_filter).index is None
    query_filter = compile_query(parse("rare -common OR x"), search_corpus)
    assert plan(query_filter).terms == ["rare"]
    query_filter = compile_query(parse("rare -common"), search_corpus)
    assert plan(query_filter).index == TERM_INDEX
    query_filter = compile_query(parse("common rare"), search_corpus)
    assert plan(query_filter).terms == ["common", "rare"]


@pytest.mark.parametrize(
    ("query", "walk"),
    [
        ("", True),
        ("rare", True),
        ("subject:rare", True),
        ("in:inbox", True),
        ("in:trash", True),
        ("rare after:2024/01/01 before:2024/02/01", True),
        ("after:2024/01/01", True),
        ("rare common", False),  # two terms: an intersection
        ("rare -common", False),  # each fetched message is checked, the walk may go far
        ('"rare words"', False),  # a phrase: its regex
        ("rare OR common", False),
        ("larger:10", False),
        ("label:nosuchlabel", False),  # matches nothing, but not by walking one term
    ],
)
def test_a_page_is_a_walk_when_one_term_and_dates_bound_it(search_corpus, query, walk) -> None:
    assert walks(plan(compile_query(parse(query), search_corpus, now=NOW))) is walk


QUERIES = [
    "common rare",
    "words common -rare",
    '"common words" in:inbox',
    "from:ana common words rare",
    "common (words OR rare) in:inbox",
    "common in:inbox -in:trash",
    "rare is:unread",
    '"common words" in:inbox -rare',
    '"words common" is:unread',
    "common AROUND 1 rare",
    "rare AROUND 0 words -is:unread",
    # Common words (common_marks): alone they lead a walk of the whole mailbox.
    "the",
    '"of the"',
    '"words of the"',
    '"words the"',
    "the -rare",
    "the OR rare",
    "-of in:inbox",
    "of AROUND 1 words",
    '"of the" is:unread',
]


@pytest.fixture
def varied(owner):
    specs = [
        Spec(
            subject=("common words" if n % 4 else "words common")
            + (" rare" if n % 7 == 0 else "")
            + (" of the" if n % 3 else " the"),
            from_name="Ana" if n % 5 else "Bob",
            from_address="ana@example.com",
            internal_date=START + dt.timedelta(minutes=n // 2),  # pairs share a date
            labels=["INBOX", "UNREAD"] if n % 3 else (["TRASH"] if n % 9 == 0 else ["INBOX"]),
        )
        for n in range(160)
    ]
    insert(owner.pk, specs)
    return owner


@pytest.mark.parametrize("few_texts", [scan.FEW_TEXTS, 0])
@pytest.mark.parametrize("query", QUERIES)
def test_intersecting_terms_in_small_chunks_finds_what_mongodb_finds(
    varied, monkeypatch, query, few_texts
) -> None:
    # Tiny chunks make every page cross many chunk and window boundaries; with no
    # FEW_TEXTS, phrases and AROUND are checked by Python's re, a text at a time.
    monkeypatch.setattr(scan, "FIRST_CHUNK", 3)
    monkeypatch.setattr(scan, "MAX_CHUNK", 8)
    monkeypatch.setattr(scan, "FEW_TEXTS", few_texts)
    monkeypatch.setattr(scan, "TEXT_BATCH", 1)
    monkeypatch.setattr(scan, "WALK_ALONE", 0)  # intersect even when the lead is rare
    collection = get_database()["messages"]
    query_filter = compile_query(parse(query), varied)
    order = [("internal_date", -1), ("_id", -1)]
    expected = [d["_id"] for d in collection.find(query_filter, {"_id": 1}).sort(order)]
    walked: list[ObjectId] = []
    cursor = None
    while True:
        page = search(varied, query, cursor=cursor, page_size=4, now=NOW)
        walked.extend(m.pk for m in page.messages)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert walked == expected
    back: list[ObjectId] = []
    cursor = page.prev_cursor
    while cursor is not None:
        previous = search(varied, query, cursor=cursor, page_size=4, now=NOW)
        back = [m.pk for m in previous.messages] + back
        cursor = previous.prev_cursor
    assert back + [m.pk for m in page.messages] == expected
    assert expected  # every query of the table selects something


@pytest.mark.parametrize("query", ["crowded second", '"of the"'])
def test_many_messages_on_one_date_are_paged_through_without_loss(
    owner, monkeypatch, query
) -> None:
    # More messages share one date than a chunk holds: the keyset must still move on.
    monkeypatch.setattr(scan, "FIRST_CHUNK", 3)
    monkeypatch.setattr(scan, "MAX_CHUNK", 3)
    specs = [
        Spec(
            subject="crowded of the same second" + (" odd" if n % 2 else ""),
            from_name="Ana",
            from_address="ana@example.com",
            internal_date=START,
            labels=["INBOX"],
        )
        for n in range(20)
    ]
    insert(owner.pk, specs)
    walked: list[ObjectId] = []
    cursor = None
    while True:
        page = search(owner, query, cursor=cursor, page_size=2, now=NOW)
        walked.extend(m.pk for m in page.messages)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert walked == sorted(walked, reverse=True)
    assert len(set(walked)) == len(walked) == 20
