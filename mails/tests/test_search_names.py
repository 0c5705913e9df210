"""Recipients' display names and Delivered-To are parsed, stored and indexed as terms."""

from __future__ import annotations

import base64

from mails.parsing.api_message import parse_raw_message
from mails.parsing.result import ParsedMessage
from mails.store import document_of

RAW = (
    b"Delivered-To: alex.jobs@example.net\r\n"
    b"X-Original-To: alex@example.com\r\n"
    b"From: Recruiting <jobs@lever.co>\r\n"
    b'To: "Sam Garcia" <sam@example.com>, team@example.com\r\n'
    b"Cc: =?utf-8?q?Zo=C3=AB_Brown?= <zoe@example.org>\r\n"
    b"Subject: Loop\r\n\r\nHello\r\n"
)


def _parsed() -> ParsedMessage:
    raw = base64.urlsafe_b64encode(RAW).decode()
    return parse_raw_message({"id": "m1", "raw": raw})


def test_names_and_delivery_addresses_are_parsed() -> None:
    parsed = _parsed()
    assert parsed.to_addresses == ["sam@example.com", "team@example.com"]
    assert parsed.to_names == ["Sam Garcia"]
    assert parsed.cc_names == ["Zoë Brown"]
    assert parsed.delivered_to == ["alex.jobs@example.net", "alex@example.com"]
    assert document_of(parsed)["to_names"] == ["Sam Garcia"]


def test_names_are_words_of_their_field_and_delivery_is_its_own_field() -> None:
    fields = document_of(_parsed())
    terms = set(fields["search_terms"])
    assert {"to:garcia", "to:sam", "cc:zoe", "garcia"} <= terms
    assert "to: sam garcia" in fields["search_text"]
    assert {"deliveredto:alex.jobs@example.net", "deliveredto:example.net"} <= terms
    assert {"deliveredto:alex.jobs", "deliveredto:alex"} <= terms
    # A bare word does not look in delivery headers.
    assert "net" not in terms


ALTERNATIVE = (
    b"From: a@example.com\r\nSubject: Agenda\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: text/plain\r\n\r\nSee the agenda.\r\n"
    b"--b\r\nContent-Type: text/html\r\n\r\n<p>See the agenda.</p>"
    b"<table><tr><td>Zeppelin hangar tour</td></tr></table>\r\n--b--\r\n"
)
HTML_ONLY = (
    b"From: a@example.com\r\nSubject: Only HTML\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/html\r\n\r\n<div>Quokka <b>sighting</b></div>\r\n"
)


def _parse(raw: bytes) -> ParsedMessage:
    return parse_raw_message({"id": "m2", "raw": base64.urlsafe_b64encode(raw).decode()})


def test_text_only_the_html_alternative_holds_is_searched_not_shown() -> None:
    parsed = _parse(ALTERNATIVE)
    assert parsed.body_text == "See the agenda."
    assert parsed.alternative_text == "Zeppelin hangar tour"
    fields = document_of(parsed)
    assert {"zeppelin", "hangar", "agenda"} <= set(fields["search_terms"])
    assert "body: zeppelin hangar tour" in fields["search_text"]


def test_an_html_only_body_is_its_text() -> None:
    parsed = _parse(HTML_ONLY)
    assert "Quokka sighting" in parsed.body_text
    assert parsed.alternative_text == ""
    assert "quokka" in document_of(parsed)["search_terms"]
