"""Unit tests of the small parsers: search queries, fields masks, MIME payloads, tokens."""

from __future__ import annotations

import base64

import pytest

from google_emulator.fields import FieldsError, apply_fields, parse_fields
from google_emulator.mailbox import Mailbox, StoredMessage
from google_emulator.mime import ATTACHMENT_INLINE_LIMIT, parse_message
from google_emulator.query import QueryError, compile_query
from google_emulator.render import decode_token, encode_token


def message(raw: bytes, labels: list[str], date: int = 1_700_000_000_000) -> StoredMessage:
    return StoredMessage("18" + "0" * 14, "t", date, labels, 1, raw, parse_message(raw))


def test_query_operators_combine() -> None:
    box = Mailbox("me@example.com", "Me", "1", 10)
    box.add_user_label("Job search")
    m = message(
        b"From: Ann <ann@corp.example>\r\nSubject: Big news\r\n\r\nWe got the offer!",
        ["INBOX", "UNREAD", "Label_1"],
    )
    cases = {
        "offer": True,
        "OFFER": True,
        "off": False,
        '"got the offer"': True,
        "from:ann@corp": True,
        "-from:ann": False,
        "subject:(big news)": True,
        "is:unread label:job-search": True,
        "is:read OR is:starred": False,
        "is:read OR offer": True,
        "(is:read OR is:unread) -is:starred": True,
        "{nothing offer}": True,
        "in:inbox category:primary": False,
        "after:2023/11/01 before:2023/11/30": True,
        "larger:10 smaller:1M": True,
        # Gmail precedence: OR binds tighter than the implicit or explicit AND
        "nothing offer OR big": False,
        "(nothing offer) OR big": True,
        "offer OR nothing is:starred": False,
        "nothing AND offer OR news": False,
        "offer AND news": True,
        "offer OR big -from:ann": False,
        "-(nothing OR big)": False,
        "-{nothing zzz}": True,
        '-"big news"': False,
        # AROUND n: words within n words, either order (the text: "We got the offer!")
        "got AROUND 1 offer": True,
        "offer AROUND 0 got": False,
        "offer AROUND 1 got": True,
        "we AROUND offer": True,
        '"we got" AROUND 0 the': True,
        "nothing OR we AROUND 0 offer": False,
        "we AROUND 0 got AROUND 0 the": True,
    }
    for q, expected in cases.items():
        assert compile_query(q, box).match(m) is expected, q
    assert compile_query("in:spam", box).includes_spam_trash
    assert not compile_query("in:inbox", box).includes_spam_trash


@pytest.mark.parametrize(
    "q",
    [
        *("bogus:1", "(", "is:purple", "after:yesterday", "a OR", "{}", "a OR AND b", "(a OR)"),
        *("AROUND a", "a AROUND", "a AROUND from:x", "from:(a AROUND b)", "a AROUND 101 b"),
        "a AROUND 99999999999 b",
    ],
)
def test_unsupported_queries_raise(q: str) -> None:
    with pytest.raises(QueryError):
        compile_query(q, Mailbox("me@example.com", "Me", "1", 10))


def test_fields_masks() -> None:
    data = {"a": 1, "b": {"c": 2, "d": 3}, "e": [{"f": 1, "g": 2}, {"f": 3}]}
    assert apply_fields(data, parse_fields("a,b/c")) == {"a": 1, "b": {"c": 2}}
    assert apply_fields(data, parse_fields("e(f)")) == {"e": [{"f": 1}, {"f": 3}]}
    assert apply_fields(data, parse_fields("b(c,d),b/c")) == {"b": {"c": 2, "d": 3}}
    assert apply_fields(data, parse_fields("*")) == data
    for bad in ("", "a,", "a(b", "a)", "a(b))"):
        with pytest.raises(FieldsError):
            parse_fields(bad)


def test_mime_payload_shape() -> None:
    big = base64.encodebytes(b"%PDF" + b"x" * (ATTACHMENT_INLINE_LIMIT + 10)).decode()
    raw = (
        "From: =?utf-8?q?Zo=C3=AB?= <z@example.de>\r\nSubject: =?utf-8?b?5Lya6K2w?=\r\n"
        'Content-Type: multipart/mixed; boundary="X"\r\n\r\n--X\r\n'
        "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: "
        "quoted-printable\r\n\r\nIt's caf=E9 & <b>\r\n--X\r\nContent-Type: text/calendar\r\n"
        'Content-Disposition: attachment; filename="a.ics"\r\n\r\nBEGIN:VCALENDAR\r\n--X\r\n'
        'Content-Type: application/pdf; name="b.pdf"\r\nContent-Transfer-Encoding: base64\r\n'
        f"\r\n{big}\r\n--X--\r\n"
    ).encode("latin-1")
    parsed = parse_message(raw)
    assert parsed.subject == "会議"
    assert parsed.sender == "Zoë <z@example.de>"
    assert parsed.snippet == "It&#39;s café &amp; &lt;b&gt;"
    text, ics, pdf = parsed.payload["parts"]
    assert (text["partId"], ics["partId"], pdf["partId"]) == ("0", "1", "2")
    assert base64.urlsafe_b64decode(text["body"]["data"]) == "It's café & <b>".encode()
    assert ics["filename"] == "a.ics"
    assert "data" in ics["body"]
    assert set(pdf["body"]) == {"attachmentId", "size"}
    assert parsed.filenames == ["a.ics", "b.pdf"]


def test_broken_messages_fall_back_to_one_text_part() -> None:
    for raw in (b"", b"\xff\xfe garbage", b"Subject: \xff\r\n\r\n\xc3"):
        parsed = parse_message(raw)
        assert parsed.payload["mimeType"].startswith("text/")


def test_page_tokens_are_bound_to_their_query() -> None:
    token = encode_token((123, 456), 7)
    assert decode_token(token, 7) == (123, 456)
    assert decode_token(token, 8) is None
    assert decode_token("x" + token[1:], 7) is None
