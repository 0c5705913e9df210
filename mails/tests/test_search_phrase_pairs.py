"""Phrases through adjacent-pair terms (in a field) and marks (anywhere): what is indexed,
and that phrase search still finds exactly the messages whose one field value holds the words
in order (checked against a plain reference over the specs' own text), including mail indexed
before marks existed, once reindexed."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from mailbox_project.mongo import get_database
from mails import store
from mails.search import scan
from mails.search.folding import words
from mails.search.index import COMMON_WORD_BITS, PAIR_JOINER, pair_bits, search_fields
from mails.search.reindex import reindex
from mails.search.service import search
from mails.search.testing import Spec, document, insert, random_specs

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def terms_of(**fields: object) -> list[str]:
    return list(search_fields(fields)["search_terms"])


def marks_of(**fields: object) -> set[int]:
    value = int.from_bytes(search_fields(fields)["common_marks"], "little")
    return {bit for bit in range(value.bit_length()) if value >> bit & 1}


def test_adjacent_frequent_words_of_one_value_are_pair_terms_in_their_field() -> None:
    fields = {"subject": "Out of the Office", "body_text": "the report is in the\nmail"}
    terms = set(terms_of(**fields))
    assert {"subject:out_of", "subject:of_the", "subject:the", "office"} <= terms
    # A pair with a less frequent word is not indexed: that word leads the scan instead.
    assert not {"subject:the_office", "the_report", "report_is", "the_mail"} & terms
    # Body pairs are not prefixed, as body words are not; words of two values never pair up.
    assert not {"body:is_in", "subject:office_the"} & terms


def test_frequent_words_and_pairs_anywhere_are_marks_not_terms() -> None:
    fields = {"subject": "Out of the Office", "body_text": "the report is in the\nmail"}
    terms = set(terms_of(**fields))
    assert not {"out", "of", "the", "is", "in", "out_of", "of_the", "is_in", "in_the"} & terms
    pairs = [pair_bits(*pair) for pair in (("out", "of"), ("of", "the"), ("is", "in"))]
    words_bits = {COMMON_WORD_BITS[w] for w in ("out", "of", "the", "is", "in")}
    assert words_bits | {bit for pair in pairs for bit in pair} <= marks_of(**fields)
    # Every bit set is a word's or a pair's of the mail: nothing else.
    pairs += [pair_bits("in", "the")]
    assert marks_of(**fields) == words_bits | {bit for pair in pairs for bit in pair}


def test_delivered_to_pairs_are_prefixed_only() -> None:
    terms = terms_of(delivered_to=["me.and.you@example.com"])
    assert "deliveredto:and_you" in terms
    assert "and_you" not in terms
    assert marks_of(delivered_to=["me.and.you@example.com"]) == set()


def test_the_joiner_is_never_part_of_a_word() -> None:
    assert words(f"a{PAIR_JOINER}b") == ["a", "b"]


def field_values(spec: Spec) -> list[str]:
    """Every searchable value of a spec, one string each (the reference's view of it)."""
    values = [spec.subject, spec.from_name, spec.from_address, spec.body, spec.body[:100]]
    return [*values, *spec.to, *spec.cc, *spec.bcc, *spec.filenames, spec.list_id]


def holds(value: str, phrase: list[str]) -> bool:
    found = words(value)
    return any(found[i : i + len(phrase)] == phrase for i in range(len(found)))


def expected(specs: list[Spec], ids: list[str], phrase: list[str]) -> set[str]:
    return {
        gmail_id
        for gmail_id, spec in zip(ids, specs, strict=True)
        if "TRASH" not in spec.labels and "SPAM" not in spec.labels
        if any(holds(value, phrase) for value in field_values(spec))
    }


def found_ids(user, query: str) -> set[str]:
    found: set[str] = set()
    cursor = None
    while True:
        page = search(user, query, cursor=cursor, page_size=100)
        found |= {message.gmail_id for message in page.messages}
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


def phrases(specs: list[Spec], rng: random.Random) -> list[list[str]]:
    """Phrases of 2-4 words: taken from the mail (present) and made of its words (mostly not)."""
    vocabulary = sorted({w for spec in specs for w in words(spec.body)} | set(FREQUENT))
    chosen = []
    for spec in rng.sample(specs, 12):
        found = words(spec.body)
        length = rng.randint(2, 4)
        if len(found) > length:
            start = rng.randrange(len(found) - length)
            chosen.append(found[start : start + length])
        chosen.append(rng.sample(vocabulary, rng.randint(2, 3)))
        chosen.append(rng.sample(FREQUENT, 2))  # one pair term, present or not
    return chosen


FREQUENT = ("of", "the", "to", "in", "is", "a", "on")


def with_frequent_words(specs: list[Spec], rng: random.Random) -> list[Spec]:
    """The specs with frequent words mixed into subject and body: pairs of them get indexed."""
    for spec in specs:
        for name in ("subject", "body"):
            mixed = [
                w for word in getattr(spec, name).split() for w in (rng.choice(FREQUENT), word)
            ]
            setattr(spec, name, " ".join(mixed[: len(mixed) - rng.randint(0, 1)]))
    return specs


def test_phrases_find_exactly_the_reference_matches(owner) -> None:
    specs = with_frequent_words(random_specs(31, 120, START), random.Random(8))
    ids = [f"m{n}" for n in range(len(specs))]
    get_database()["messages"].insert_many(
        [document(owner.pk, spec, gmail_id) for spec, gmail_id in zip(specs, ids, strict=True)]
    )
    rng = random.Random(4)
    checked = 0
    for phrase in phrases(specs, rng):
        want = expected(specs, ids, phrase)
        assert found_ids(owner, '"' + " ".join(phrase) + '"') == want, phrase
        checked += bool(want)
    assert checked >= 10  # most phrases taken from the mail are found: the test can fail


def test_mail_indexed_before_pairs_is_found_once_reindexed(owner) -> None:
    spec = Spec("Out of the office", "Ana", "ana@example.com", START, body="it is on the way")
    insert(owner.pk, [spec])
    messages = get_database()["messages"]
    # As stored before pair terms and marks existed: the words only.
    messages.update_many(
        {"user_id": owner.pk},
        {
            "$pull": {"search_terms": {"$regex": f"^(?!label:).*{PAIR_JOINER}"}},
            "$unset": {"common_marks": ""},
        },
    )
    assert found_ids(owner, '"on the"') == set()
    assert found_ids(owner, "the") == set()
    assert reindex(user_id=owner.pk) == 1
    store.mailbox_changed([owner.pk])  # as the migration and reindex_search do
    assert len(found_ids(owner, '"on the"')) == 1
    assert len(found_ids(owner, "the")) == 1
    assert len(found_ids(owner, 'subject:"of the"')) == 1
    assert found_ids(owner, '"the on"') == set()


def test_a_rare_lead_is_walked_alone_with_the_same_answer(owner, monkeypatch) -> None:
    """A phrase of two rare words: read whole in the first chunks and intersected there, or,
    with tiny chunks, the rarer word's last messages fetched and checked (no intersection
    round trips), or intersected to the end: the same answer each way."""
    specs = with_frequent_words(random_specs(32, 90, START), random.Random(9))
    for n, spec in enumerate(specs[::9]):
        spec.body += " zyxt qwvo" if n % 2 else " qwvo zyxt"
    ids = [f"r{n}" for n in range(len(specs))]
    get_database()["messages"].insert_many(
        [document(owner.pk, spec, gmail_id) for spec, gmail_id in zip(specs, ids, strict=True)]
    )
    for query in ('"zyxt qwvo"', '"qwvo zyxt"', "zyxt qwvo", "zyxt -qwvo"):
        whole = found_ids(owner, query)
        for walk_alone in (64, 0):
            monkeypatch.setattr(scan, "FIRST_CHUNK", 2)
            monkeypatch.setattr(scan, "WALK_ALONE", walk_alone)
            store.mailbox_changed([owner.pk])
            assert found_ids(owner, query) == whole, (query, walk_alone)
            monkeypatch.undo()
        store.mailbox_changed([owner.pk])
    assert found_ids(owner, '"zyxt qwvo"') == expected(specs, ids, ["zyxt", "qwvo"])
    assert len(found_ids(owner, '"zyxt qwvo"')) == 5
