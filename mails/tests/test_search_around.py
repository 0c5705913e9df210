"""``a AROUND n b``: Gmail's proximity operator, parsed, rendered and searched.

Gmail: both words (or phrases) in the message, in either order, with at most ``n`` words
between them; ``AROUND`` binds tighter than ``OR``. Mailbox also needs them in one field
(subject, a body, a name), and ``AROUND`` without a number means 5. The search results are
compared with an independent reference that reads the specs' own text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pytest

from mails.search import SearchError, highlight_terms, normalize_query, parse, render, scan
from mails.search.nodes import And, Near, Not, Or, Text
from mails.search.service import search
from mails.search.testing import Spec

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

PARSES = [
    ("a AROUND 3 b", Near(("a",), ("b",), 3)),
    ("A around 3 b", And((Text(("a",)), Text(("around",)), Text(("3",)), Text(("b",))))),
    ("a AROUND b", Near(("a",), ("b",), 5)),
    ("a AROUND 0 b", Near(("a",), ("b",), 0)),
    ('"a b" AROUND 2 "c d"', Near(("a", "b"), ("c", "d"), 2)),
    ("x a AROUND 1 b", And((Text(("x",)), Near(("a",), ("b",), 1)))),
    ("a AROUND 1 b OR c", Or((Near(("a",), ("b",), 1), Text(("c",))))),
    ("c OR a AROUND 1 b", Or((Text(("c",)), Near(("a",), ("b",), 1)))),
    ("-(a AROUND 2 b)", Not(Near(("a",), ("b",), 2))),
    ("a AROUND 2 b AROUND 3 c", And((Near(("a",), ("b",), 2), Near(("b",), ("c",), 3)))),
    ("a AROUND 3", Near(("a",), ("3",), 5)),
    ("a -AROUND b", And((Text(("a",)), Not(Text(("around",))), Text(("b",))))),
    ("Café AROUND 1 Zürich", Near(("cafe",), ("zurich",), 1)),
]

ERRORS = [
    ("AROUND a", 1, "AROUND needs a word or phrase before it"),
    ("a AROUND", 3, "AROUND needs a word or phrase on each side"),
    ("a AROUND 3 from:x", 3, "AROUND needs a word or phrase on each side"),
    ("(a b) AROUND c", 7, "AROUND needs a word or phrase on each side"),
    ("a AROUND 101 b", 10, "AROUND takes at most 100 words"),
    ("subject:(a AROUND b)", 12, "AROUND cannot be used inside subject:( )"),
    ("a OR AROUND b", 3, "OR needs a search term after it"),
]


@pytest.mark.parametrize(("query", "expected"), PARSES)
def test_around_parses_and_renders_back(query, expected) -> None:
    tree = parse(query)
    assert tree == expected
    assert parse(render(tree)) == tree
    assert normalize_query(normalize_query(query)) == normalize_query(query)


def test_the_canonical_form_spells_out_the_distance() -> None:
    assert normalize_query("A around b") == "a around b"
    assert normalize_query("Résumé AROUND  Zoë") == "resume AROUND 5 zoe"
    assert normalize_query("-(a AROUND 2 b) c") == "-(a AROUND 2 b) c"


@pytest.mark.parametrize(("query", "position", "message"), ERRORS)
def test_a_malformed_around_names_the_position(query, position, message) -> None:
    with pytest.raises(SearchError) as error:
        parse(query)
    assert error.value.position == position
    assert message in error.value.message


def test_around_words_are_highlighted() -> None:
    assert highlight_terms(parse('"offer letter" AROUND 3 signed')) == ["offer letter", "signed"]


# Subjects and bodies: the reference reads these, the search reads what the sync stored.
TEXTS = [
    ("offer letter attached", "please sign the offer and return the letter today"),
    ("letter of the month", "no offer here at all"),
    ("the offer", "letter"),
    ("interview schedule", "your interview is on monday the schedule follows"),
    ("schedule interview", "one two three four five six interview"),
    ("monday meeting", "interview one two three four five six seven schedule"),
    ("weekly digest", "schedule interview offer letter all in one line"),
    ("signed papers", "the offer is in the letter"),
    ("budget review", "review the budget"),
    ("review", "budget one two three four five six review"),
]
QUERIES = [
    "offer AROUND 1 letter",
    "offer AROUND 5 letter",
    "letter AROUND 0 offer",
    "interview AROUND 2 schedule",
    "interview AROUND schedule",
    "interview AROUND 7 schedule",
    '"offer letter" AROUND 3 line',
    '"offer letter" AROUND 2 line OR "the budget" AROUND 0 review',
    "budget AROUND 0 review",
    "budget AROUND 6 review",
    "budget AROUND 5 review",
    "-(budget AROUND 0 review) budget",
    "offer AROUND 1 letter OR budget AROUND 0 review",
]


@pytest.fixture
def search_corpus_specs() -> list[Spec]:
    return [
        Spec(
            subject=subject,
            from_name="Ana",
            from_address="ana@example.com",
            body=body,
            internal_date=START + dt.timedelta(hours=n),
            labels=["INBOX"],
        )
        for n, (subject, body) in enumerate(TEXTS)
    ]


def ref_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def ref_near(lines: Iterable[str], left: str, right: str, distance: int) -> bool:
    """Both word runs in one line, either order, at most ``distance`` words between."""
    a, b = ref_words(left), ref_words(right)
    for line in lines:
        found = ref_words(line)
        starts_a = [i for i in range(len(found)) if found[i : i + len(a)] == a]
        starts_b = [i for i in range(len(found)) if found[i : i + len(b)] == b]
        for i in starts_a:
            for j in starts_b:
                first, first_len, second = (i, len(a), j) if i <= j else (j, len(b), i)
                if first + first_len <= second <= first + first_len + distance:
                    return True
    return False


def ref_match(query: str, lines: list[str]) -> bool:
    """The reference for the queries above (a hand-written reading, not the parser)."""
    near = re.compile(r'("[^"]+"|\w+) AROUND (?:(\d+) )?("[^"]+"|\w+)')

    def one(text: str) -> bool:
        match = near.fullmatch(text.strip())
        assert match, text
        left, distance, right = match.group(1), int(match.group(2) or 5), match.group(3)
        return ref_near(lines, left.strip('"'), right.strip('"'), distance)

    if query.startswith("-("):
        inner, rest = query[2:].split(") ")
        return not one(inner) and rest in ref_words(" ".join(lines))
    return any(one(part) for part in query.split(" OR "))


@pytest.mark.django_db
@pytest.mark.parametrize("few_texts", [scan.FEW_TEXTS, 0])
def test_around_finds_what_the_reference_finds(search_corpus, monkeypatch, few_texts) -> None:
    # FEW_TEXTS 0: every AROUND of two words is checked by Python's re, not MongoDB's regex.
    monkeypatch.setattr(scan, "FEW_TEXTS", few_texts)
    by_subject = {subject: [subject, body] for subject, body in TEXTS}
    differences = {}
    for query in QUERIES:
        found = {m.subject for m in search(search_corpus, query, page_size=50).messages}
        expected = {s for s, lines in by_subject.items() if ref_match(query, lines)}
        if found != expected:
            differences[query] = (sorted(found - expected), sorted(expected - found))
        assert expected, query  # every query selects something...
        assert len(expected) < len(TEXTS), query  # ...and leaves something out
    assert not differences, differences
    # The table separates distances: each of these pairs answers differently.
    pairs = [
        ("offer AROUND 1 letter", "offer AROUND 5 letter"),
        ("interview AROUND 2 schedule", "interview AROUND 7 schedule"),
        ("budget AROUND 0 review", "budget AROUND 6 review"),
    ]
    for narrow, wide in pairs:
        assert {m.pk for m in search(search_corpus, narrow).messages} != {
            m.pk for m in search(search_corpus, wide).messages
        }
