"""MIME that real mail carries is served the way Gmail structures it, not as raw source."""

from __future__ import annotations

import base64
from typing import Any

from google_emulator.mime import ATTACHMENT_INLINE_LIMIT, decode_header_value, parse_message


def _data(body: dict[str, Any]) -> bytes:
    return base64.urlsafe_b64decode(body["data"])


def _header(node: dict[str, Any], name: str) -> str:
    return str(next(h["value"] for h in node["headers"] if h["name"].lower() == name.lower()))


def test_an_8bit_content_disposition_parameter_keeps_the_part_tree() -> None:
    raw = (
        b"From: a@example.com\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n"
        b'--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        + "отчёт.pdf".encode()
        + b'"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + base64.b64encode(b"%PDF-1.4 tiny")
        + b"\r\n--XX--\r\n"
    )
    payload = parse_message(raw).payload
    assert payload["mimeType"] == "multipart/mixed"
    text, pdf = payload["parts"]
    assert _data(text["body"]) == b"See attached."
    assert pdf["filename"] == "отчёт.pdf"
    assert pdf["mimeType"] == "application/pdf"
    assert pdf["body"]["size"] == len(b"%PDF-1.4 tiny")
    assert _data(pdf["body"]) == b"%PDF-1.4 tiny"  # small attachments are inlined too


def test_a_boundary_folded_inside_its_quotes_is_unfolded() -> None:
    raw = (
        b"From: a@example.com\r\nContent-Type: multipart/alternative;\r\n"
        b' boundary="----=_Part_1\r\n _2"\r\n\r\n'
        b"------=_Part_1 _2\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
        b"------=_Part_1 _2\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"
        b"------=_Part_1 _2--\r\n"
    )
    payload = parse_message(raw).payload
    assert [p["mimeType"] for p in payload["parts"]] == ["text/plain", "text/html"]
    assert _header(payload, "Content-Type") == 'multipart/alternative; boundary="----=_Part_1 _2"'


def test_undecodable_header_bytes_become_the_replacement_character() -> None:
    raw = b"From: a@example.com\r\nSubject: =?utf-8?q?caf=C3=A9?= \xff\xfe price\r\n\r\nx"
    subject = parse_message(raw).subject
    assert subject == "café \ufffd\ufffd price"
    assert "\\u" not in subject


def test_8bit_text_beside_and_inside_encoded_words_keeps_its_letters() -> None:
    raw = "Subject: Grüße =?iso-8859-1?q?aus_K=F6ln?=\r\n\r\nx".encode()
    assert parse_message(raw).subject == "Grüße aus Köln"
    latin = b"Subject: =?iso-8859-1?Q?Fr\xf6sche?=\r\n\r\nx"
    assert parse_message(latin).subject == "Frösche"


def test_encoded_words_follow_rfc_2047_spacing() -> None:
    assert decode_header_value("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab"
    assert decode_header_value("=?utf-8?q?a?=\r\n =?utf-8?b?Yg==?=") == "ab"
    assert decode_header_value("x =?utf-8?q?a_b?= y") == "x a b y"
    assert decode_header_value("=?bogus-charset?q?caf=C3=A9?=") == "café"
    assert decode_header_value("=?utf-8*en?q?hi?=") == "hi"


def test_a_large_unnamed_text_part_is_inlined_and_a_large_binary_one_is_not() -> None:
    big = b"a" * (ATTACHMENT_INLINE_LIMIT + 10)
    raw = (
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
        b"Content-Type: text/plain\r\n\r\n" + big + b"\r\n--B\r\n"
        b"Content-Type: application/octet-stream\r\n\r\n" + big + b"\r\n--B--\r\n"
    )
    text, blob = parse_message(raw).payload["parts"]
    assert text["body"]["size"] == len(big)
    assert "data" in text["body"]
    assert blob["body"]["size"] == len(big)
    assert "attachmentId" in blob["body"]


def test_inline_html_tags_do_not_split_words_in_html_only_mail() -> None:
    raw = (
        b"Subject: s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Inter<b>view</b> on <span>Mon</span>day</p><p>next</p><br>line"
    )
    parsed = parse_message(raw)
    assert parsed.snippet == "Interview on Monday next line"
    assert "interview on monday" in parsed.search_text


def test_words_only_in_the_html_alternative_are_searchable() -> None:
    raw = (
        b'Subject: s\r\nContent-Type: multipart/alternative; boundary="A"\r\n\r\n'
        b"--A\r\nContent-Type: text/plain\r\n\r\nView this mail in a browser.\r\n"
        b"--A\r\nContent-Type: text/html\r\n\r\n<p>Your <i>interview</i> is on Friday</p>\r\n"
        b"--A--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.snippet == "View this mail in a browser."
    assert "your interview is on friday" in parsed.search_text
