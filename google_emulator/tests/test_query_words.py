"""The emulator's ``q`` matches words as Mailbox's search (and Gmail) do: names and
delivery headers, CJK runs, accents of Latin/Greek/Cyrillic only, links, AROUND within one
field, Gmail help's MM/DD/YYYY dates."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from google_emulator.mailbox import Mailbox, StoredMessage
from google_emulator.mime import parse_message
from google_emulator.query import QueryError, compile_query
from google_emulator.wordmatch import fold, words

JAN_17_2024 = 1_705_449_600_000  # 2024-01-17 00:00 UTC


def message(headers: str, body: str, *, html: str = "", date: int = JAN_17_2024) -> StoredMessage:
    head = headers.replace("\n", "\r\n").encode()
    if html:
        raw = (
            head + b'\r\nContent-Type: multipart/alternative; boundary="A"\r\n\r\n'
            b"--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body.encode() + b"\r\n"
            b"--A\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode() + b"\r\n"
            b"--A--\r\n"
        )
    else:
        raw = head + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body.encode()
    return StoredMessage("18" + "0" * 14, "t", date, ["INBOX"], 1, raw, parse_message(raw))


def matches(query: str, m: StoredMessage) -> bool:
    return compile_query(query, Mailbox("me@example.com", "Me", "1", 10)).match(m)


PEOPLE = message(
    "From: First Last <first.last@corp.example>\n"
    "To: Sam Garcia <sam.g@example.org>, me@example.com\n"
    'Cc: "Lee, Ann" <ann@mail.example.net>\n'
    "Delivered-To: inbox@alias.example\nX-Original-To: orig@forward.example\n"
    "Subject: Quarterly numbers",
    "Budget review next week.",
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("to:garcia", True),
        ('to:"sam garcia"', True),
        ('to:"garcia sam"', False),  # a phrase keeps its order
        ("to:sam.g@example.org", True),
        ("to:example.org", True),
        ("to:me", True),
        ('from:"First Last"', True),
        ("from:last", True),
        ("from:corp.example", True),
        ("from:first.last", True),  # a dotted local part
        ("from:garcia", False),
        ("cc:ann", True),
        ("cc:lee", True),
        ("bcc:ann", False),
        ("deliveredto:inbox@alias.example", True),
        ("deliveredto:orig@forward.example", True),
        ("deliveredto:alias.example", True),
        ("deliveredto:inbox", True),
        ("deliveredto:sam.g@example.org", False),
        ("alias", False),  # delivery headers are not searched by bare words
        ("garcia", True),
    ],
)
def test_addresses_match_names_and_delivery_headers(query: str, expected: bool) -> None:
    assert matches(query, PEOPLE) is expected


CJK = message(
    "From: a@example.jp\nSubject: =?utf-8?b?5p2x5Lqs6YO95bqB44Gu5Lya6K2w?=",  # 東京都庁の会議
    "東京タワーで会いましょう。バスで行きます。",
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("京都", True),  # inside 東京都庁: a word inside a longer run
        ("都庁", True),
        ("subject:会議", True),
        ("東", True),  # one character alone
        ("タワー", True),
        ("バス", True),
        ("ハス", False),  # voiced kana are distinct letters
        ("京タ", True),  # bigrams run across script changes, as the app indexes them
        ("東都", False),
    ],
)
def test_cjk_runs_are_found_inside_longer_runs(query: str, expected: bool) -> None:
    assert matches(query, CJK) is expected


ACCENTS = message(
    "From: a@example.com\nSubject: =?utf-8?q?Cr=C3=A8me_br=C3=BBl=C3=A9e_=C3=A0_Z=C3=BCrich?=",
    "Καλημέρα σας. Новогодняя ёлка.",
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("creme brulee", True),
        ('"creme brulee"', True),
        ("zürich", True),
        ("ZURICH", True),
        ("καλημερα", True),
        ("елка", True),
        ("subject:zurich", True),
    ],
)
def test_latin_greek_and_cyrillic_accents_fold(query: str, expected: bool) -> None:
    assert matches(query, ACCENTS) is expected


def test_only_latin_greek_and_cyrillic_marks_are_dropped() -> None:
    assert fold("Crème ÉCOLE ёлка Καλημέρα") == "creme ecole елка καλημερα"
    assert fold("バス") != fold("ハス")
    assert words("東京都") == ["東京", "京都"]
    assert words("e-mail_x") == ["e", "mail", "x"]


LINKS = message(
    "From: a@example.com\nSubject: files",
    "Notes: https://docs.google.com/document/d/abc/edit and https://sheets.example.com/",
    html='<p>Notes: <a href="https://docs.google.com/document/d/abc/edit">doc</a>'
    "<a href=' https://www.youtube.com/watch?v=x '>watch this</a></p>",
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("has:document", True),
        ("has:drive", True),  # Docs live in Drive
        ("has:youtube", True),  # only the HTML alternative's href holds it
        ("has:spreadsheet", False),
        ("has:presentation", False),
    ],
)
def test_has_link_kinds_read_the_text_and_the_html_hrefs(query: str, expected: bool) -> None:
    assert matches(query, LINKS) is expected


FIELDS = message("From: a@example.com\nSubject: alpha beta", "gamma delta epsilon")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alpha AROUND 1 beta", True),
        ("gamma AROUND 1 epsilon", True),
        ("gamma AROUND 0 epsilon", False),
        ("beta AROUND 5 gamma", False),  # subject's end and body's start: two fields
        ('"beta gamma"', False),
    ],
)
def test_around_and_phrases_stay_within_one_field(query: str, expected: bool) -> None:
    assert matches(query, FIELDS) is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("after:01/15/2024 before:01/20/2024", True),
        ("after:2024-01-17 before:2024/01/18", True),
        ("before:1/17/2024", False),
        ("after:01/18/2024", False),
    ],
)
def test_dates_take_gmail_helps_month_first_form(query: str, expected: bool) -> None:
    assert matches(query, FIELDS) is expected


@pytest.mark.parametrize("query", ["after:13/01/2024", "has:dropbox", "to:!!!", "after:2024/02/30"])
def test_bad_values_are_refused(query: str) -> None:
    with pytest.raises(QueryError):
        matches(query, FIELDS)


def test_labels_are_named_folded_with_dashes_for_blanks() -> None:
    box = Mailbox("me@example.com", "Me", "1", 10)
    label = box.add_user_label("Über uns/Team")
    labelled = StoredMessage("18" + "0" * 14, "t", JAN_17_2024, [label], 1, b"", parse_message(b""))
    for query in ("label:uber-uns-team", "label:Über-Uns-Team", f"label:{label}"):
        assert compile_query(query, box).match(labelled), query
    assert not compile_query("label:uber", box).match(labelled)


@pytest.mark.parametrize(
    ("now", "value", "cutoff"),
    [
        ("2026-12-04T10:00", "1y", "2025-12-04T10:00"),
        ("2026-12-04T10:00", "2m", "2026-10-04T10:00"),
        ("2024-03-31T10:00", "1m", "2024-02-29T10:00"),  # clamped to February's length
        ("2026-01-15T10:00", "3d", "2026-01-12T10:00"),
    ],
)
def test_ages_count_calendar_months_and_years(now: str, value: str, cutoff: str) -> None:
    now_ms = int(dt.datetime.fromisoformat(now).replace(tzinfo=dt.UTC).timestamp() * 1000)
    edge = int(dt.datetime.fromisoformat(cutoff).replace(tzinfo=dt.UTC).timestamp() * 1000)
    box = Mailbox("me@example.com", "Me", "1", 10)
    older = compile_query(f"older_than:{value}", box, now_ms=now_ms).match
    newer = compile_query(f"newer_than:{value}", box, now_ms=now_ms).match
    at_edge, after_edge = (
        message("Subject: a", "x", date=edge),
        message("Subject: b", "x", date=edge + 1),
    )
    assert (older(at_edge), newer(at_edge)) == (True, False)
    assert (older(after_edge), newer(after_edge)) == (False, True)


_ATOMS = (
    *("a", "b", "OR", "AND", "AROUND", "-", "(", ")", "{", "}", '"', '"x y"', "from:", "to:x"),
    *("deliveredto:@", "has:drive", "after:01/02/2024", "after:0000-00-00", "99999999999"),
    *("AROUND 100", "larger:999999999999999m", "older_than:999999y", "label:", "東京", "é"),
    *("subject:()", "list:@", "from:me", 'cc:""', "rfc822msgid:<>", ":", "from::", "is:"),
    *("²", "after:²", "before:١٢٣", "larger:²k", "AROUND ٣"),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ATOMS), min_size=1, max_size=8))
def test_any_query_is_answered_or_refused_with_a_query_error(atoms: list[str]) -> None:
    """Whatever is typed, the emulator answers or says 400 (QueryError), never a 500."""
    with contextlib.suppress(QueryError):
        matches(" ".join(atoms), FIELDS)
