"""Gmail API messages (raw and full) → ParsedMessage: metadata, formats, failure policy.

The helpers here build Gmail API responses from RFC 822 bytes; the other parsing test
modules import them.
"""

from __future__ import annotations

import base64
import dataclasses
import html
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from typing import Any

import pytest

from mails.parsing import (
    MessageParseError,
    ParsedMessage,
    parse_full_message,
    parse_message,
    parse_raw_message,
)
from mails.parsing.body_text import BODY_TEXT_LIMIT

INLINE_LIMIT = 4096  # Gmail serves bigger attachment bodies by attachmentId only


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def email_bytes(*headers: str, body: str | bytes = "Hello.\r\n") -> bytes:
    """Return an RFC 822 message with CRLF line ends from header lines and a body."""
    head = "\r\n".join(headers).encode("utf-8")
    data = body.encode("utf-8") if isinstance(body, str) else body
    return head + b"\r\n\r\n" + data


def gmail_meta(**overrides: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "id": "18c0ffee",
        "threadId": "18c0ffee",
        "labelIds": ["INBOX", "UNREAD"],
        "snippet": "Hello.",
        "historyId": "4242",
        "internalDate": "1700000000123",
        "sizeEstimate": 1234,
    }
    meta.update(overrides)
    return meta


def gmail_raw(raw: bytes, **overrides: Any) -> dict[str, Any]:
    """Return a users.messages.get(format=raw) response for ``raw``."""
    return {**gmail_meta(**overrides), "raw": b64url(raw)}


def _header_value(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # noqa: BLE001 -- a test stand-in for Gmail: odd headers stay as sent
        return value


def _filename(part: Message) -> str:
    try:
        return _header_value(str(part.get_filename("")))
    except Exception:  # noqa: BLE001 -- broken RFC 2231 parameters: no name
        return ""


def _text_bytes(data: bytes, charset: str | None) -> bytes:
    try:
        return data.decode(charset or "ascii", "replace").encode("utf-8")
    except (LookupError, ValueError):  # unknown charset: Gmail serves the bytes as they are
        return data


def _render(part: Message, part_id: str, to_utf8: bool) -> dict[str, Any]:
    mime_type = part.get_content_type()
    node: dict[str, Any] = {
        "partId": part_id,
        "mimeType": mime_type,
        "filename": _filename(part),
        "headers": [{"name": k, "value": _header_value(str(v))} for k, v in part.items()],
    }
    if mime_type.startswith("multipart/") and part.is_multipart():
        prefix = f"{part_id}." if part_id else ""
        children = part.get_payload()
        assert isinstance(children, list)
        node["body"] = {"size": 0}
        node["parts"] = [_render(c, f"{prefix}{i}", to_utf8) for i, c in enumerate(children)]
        return node
    if part.is_multipart():  # message/rfc822: Gmail counts the attached message's bytes
        inner = part.get_payload()
        assert isinstance(inner, list)
        data = b"".join(m.as_bytes() for m in inner if isinstance(m, Message))
    else:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset()
    if to_utf8 and mime_type.startswith("text/") and charset:
        data = _text_bytes(data, charset)
    named = bool(node["filename"]) or not mime_type.startswith("text/")
    if named and len(data) > INLINE_LIMIT:
        node["body"] = {"attachmentId": f"ANGjdJ-{part_id}", "size": len(data)}
    else:
        node["body"] = {"size": len(data), "data": b64url(data)} if data else {"size": 0}
    return node


def gmail_full(raw: bytes, *, to_utf8: bool = True, **overrides: Any) -> dict[str, Any]:
    """Return a users.messages.get(format=full) response for ``raw``.

    Gmail decodes transfer encodings and header encoded-words; it was seen to convert text
    parts to UTF-8 while keeping their charset label (``to_utf8``), and its docs leave room
    for the original bytes, so both are tested.
    """
    message = BytesParser(policy=compat32).parsebytes(raw)
    return {**gmail_meta(**overrides), "payload": _render(message, "", to_utf8)}


def emulator_full(raw: bytes, **overrides: Any) -> dict[str, Any]:
    """Return the format=full response google_emulator would serve for ``raw``."""
    mime = pytest.importorskip("google_emulator.mime", reason="google_emulator is absent")
    return {**gmail_meta(**overrides), "payload": mime.parse_message(raw).payload}


def assert_storable(parsed: ParsedMessage) -> None:
    """Every text field is valid UTF-8 without NULs: MongoDB would refuse it otherwise."""
    texts = [parsed.subject, parsed.from_name, parsed.from_address, parsed.body_text]
    texts += [parsed.snippet, parsed.parse_error, parsed.rfc822_message_id, parsed.list_id]
    texts += parsed.to_addresses + parsed.cc_addresses + parsed.bcc_addresses
    texts += [attachment["filename"] for attachment in parsed.attachments]
    for text in texts:
        text.encode("utf-8")
        assert "\x00" not in text
    assert len(parsed.body_text.encode("utf-8")) <= BODY_TEXT_LIMIT
    assert parsed.internal_date.utcoffset() is not None


ALTERNATIVE = email_bytes(
    "From: =?utf-8?q?Ana_Mar=C3=ADa?= <Ana@Example.COM>",
    "To: bob@example.com, =?utf-8?b?RG9lLCBKYW5l?= <jane@example.com>",
    "Cc: Carol <carol@example.org>",
    "Subject: =?utf-8?b?SW50ZXJ2aWV3IOKAlCBuZXh0IHN0ZXBz?=",
    "Date: Tue, 14 Nov 2023 22:13:20 +0100",
    "Message-ID: <abc.123@mail.example.com>",
    "List-Id: Hiring news <hiring.example.com>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="outer"',
    body=(
        "--outer\r\n"
        'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        "--alt\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        "Caf=C3=A9 at 10:00?\r\n"
        "--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<p>Caf\xe9 at <b>10:00</b>?</p>\r\n"
        "--alt--\r\n"
        "--outer\r\n"
        "Content-Type: application/pdf\r\n"
        "Content-Disposition: attachment; filename*=utf-8''%E2%82%AC%20offer.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + b64url(b"%PDF" * 2000) + "\r\n"
        "--outer--\r\n"
    ),
)


def test_it_reads_every_stored_field_from_a_raw_message() -> None:
    parsed = parse_raw_message(gmail_raw(ALTERNATIVE, labelIds=["INBOX", "STARRED"]))

    assert parsed.gmail_id == "18c0ffee"
    assert parsed.history_id == 4242
    assert parsed.internal_date == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    assert (parsed.from_name, parsed.from_address) == ("Ana María", "ana@example.com")
    assert parsed.to_addresses == ["bob@example.com", "jane@example.com"]
    assert parsed.cc_addresses == ["carol@example.org"]
    assert parsed.bcc_addresses == []
    assert parsed.subject == "Interview — next steps"
    assert parsed.date_header == datetime(2023, 11, 14, 21, 13, 20, tzinfo=UTC)
    assert parsed.rfc822_message_id == "<abc.123@mail.example.com>"
    assert parsed.list_id == "hiring.example.com"
    assert parsed.body_text == "Café at 10:00?"
    assert parsed.attachments == [
        {"filename": "€ offer.pdf", "size": 8000, "mime_type": "application/pdf"}
    ]
    assert parsed.size_estimate == 1234
    assert (parsed.is_unread, parsed.is_starred) == (False, True)
    assert parsed.parse_error == ""


@pytest.mark.parametrize("render", [gmail_full, emulator_full], ids=["helper", "emulator"])
def test_raw_and_full_give_the_same_message(render: Any) -> None:
    from_raw = parse_raw_message(gmail_raw(ALTERNATIVE))
    from_full = parse_full_message(render(ALTERNATIVE))

    assert from_full == from_raw


@pytest.mark.parametrize("to_utf8", [True, False], ids=["gmail-utf8", "original-charset"])
def test_full_payload_text_decodes_whether_or_not_gmail_converted_it(to_utf8: bool) -> None:
    raw = email_bytes(
        "Subject: =?koi8-r?b?8NLJ18XU?=",
        "Content-Type: multipart/mixed; boundary=b",
        body=(
            b"--b\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n"
            + "Привет, мир".encode("koi8-r")
            + b"\r\n--b\r\nContent-Type: text/plain; charset=iso-2022-jp\r\n\r\n"
            + "すみません".encode("iso-2022-jp")
            + b"\r\n--b\r\nContent-Type: text/plain; charset=utf-16\r\n\r\n"
            + "Grüße".encode("utf-16")
            + b"\r\n--b--\r\n"
        ),
    )
    parsed = parse_full_message(gmail_full(raw, to_utf8=to_utf8))

    assert parsed.subject == "Привет"
    assert parsed.body_text == "Привет, мир\n\nすみません\n\nGrüße"
    assert parsed == parse_raw_message(gmail_raw(raw))


def test_full_attachments_served_by_id_keep_name_and_size() -> None:
    parsed = parse_full_message(gmail_full(ALTERNATIVE))

    assert parsed.attachments == [
        {"filename": "€ offer.pdf", "size": 8000, "mime_type": "application/pdf"}
    ]


def test_flags_follow_labels() -> None:
    def flags(labels: Any) -> tuple[bool, bool]:
        parsed = parse_raw_message(gmail_raw(ALTERNATIVE, labelIds=labels))
        return parsed.is_unread, parsed.is_starred

    assert flags(["UNREAD", "STARRED", "INBOX"]) == (True, True)
    assert flags(["INBOX"]) == (False, False)
    assert flags(None) == (False, False)
    assert flags(["UNREAD", 7, None]) == (True, False)


def test_snippet_is_unescaped() -> None:
    snippet = "Tom &amp; Jerry&#39;s &lt;offer&gt; &quot;now&quot;"
    parsed = parse_raw_message(gmail_raw(ALTERNATIVE, snippet=snippet))

    assert parsed.snippet == 'Tom & Jerry\'s <offer> "now"'


@pytest.mark.parametrize(
    ("internal_date", "expected"),
    [
        ("0", datetime(1970, 1, 1, tzinfo=UTC)),
        ("1700000000999", datetime(2023, 11, 14, 22, 13, 20, 999000, tzinfo=UTC)),
        (1700000000001, datetime(2023, 11, 14, 22, 13, 20, 1000, tzinfo=UTC)),
    ],
)
def test_internal_date_is_exact_utc_milliseconds(internal_date: Any, expected: datetime) -> None:
    parsed = parse_raw_message(gmail_raw(ALTERNATIVE, internalDate=internal_date))

    assert parsed.internal_date == expected
    assert parsed.internal_date.utcoffset() is not None


def test_bad_metadata_degrades_into_notes() -> None:
    api_message = gmail_raw(ALTERNATIVE, internalDate="soon", historyId="x", sizeEstimate=None)
    parsed = parse_raw_message(api_message)

    # No usable internalDate: the Date header is the best date left.
    assert parsed.internal_date == datetime(2023, 11, 14, 21, 13, 20, tzinfo=UTC)
    assert parsed.history_id == 0
    assert parsed.size_estimate == len(ALTERNATIVE)
    assert "internalDate" in parsed.parse_error
    assert "historyId" in parsed.parse_error
    assert parsed.subject == "Interview — next steps"


@pytest.mark.parametrize("api_message", [None, "raw", [], {}, {"id": ""}, {"id": None}])
def test_only_input_that_is_not_a_gmail_message_raises(api_message: Any) -> None:
    with pytest.raises(MessageParseError):
        parse_raw_message(api_message)
    with pytest.raises(MessageParseError):
        parse_full_message(api_message)


@pytest.mark.parametrize(
    "api_message",
    [
        {"id": "a"},
        {"id": "a", "raw": "!!!not base64!!!"},
        {"id": "a", "raw": ""},
        {"id": "a", "raw": 12},
        {"id": "a", "payload": "nope"},
        {"id": "a", "payload": {"parts": "x", "headers": [1, {"name": 2}], "body": []}},
        {"id": "a", "payload": {"mimeType": 5, "body": {"data": "***", "size": "big"}}},
        {"id": "a", "payload": {"mimeType": "multipart/mixed", "parts": [None, 3, {}]}},
    ],
)
def test_a_gmail_message_with_garbage_content_still_parses(api_message: Any) -> None:
    parsed = parse_message(api_message)

    assert isinstance(parsed, ParsedMessage)
    assert parsed.gmail_id == "a"
    assert parsed.parse_error


def test_parse_message_and_fallbacks_pick_the_format_present() -> None:
    raw, full = gmail_raw(ALTERNATIVE), gmail_full(ALTERNATIVE)

    assert parse_message(raw) == parse_message(full) == parse_raw_message(raw)
    assert parse_raw_message(full) == parse_full_message(raw) == parse_raw_message(raw)


def test_raw_base64url_without_padding_or_with_line_breaks_is_accepted() -> None:
    encoded = b64url(ALTERNATIVE).rstrip("=")
    folded = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))

    for raw_field in (encoded, folded):
        parsed = parse_raw_message({**gmail_meta(), "raw": raw_field})
        assert parsed.subject == "Interview — next steps"
        assert parsed.parse_error == ""


def test_the_stored_document_matches_the_message_model() -> None:
    from mails.models import Message as MessageModel
    from mails.store import document_of

    document = document_of(parse_raw_message(gmail_raw(ALTERNATIVE)))
    model_fields = {field.name for field in MessageModel._meta.get_fields()}

    # Every parsed field is stored, and so is what the search index and the labels derive.
    assert {f.name for f in dataclasses.fields(ParsedMessage)} <= set(document)
    assert {"search_terms", "search_text", "is_unread", "is_starred"} <= set(document)
    assert set(document) <= model_fields
    # The rest is set by the store at write time (owner, sync bookkeeping).
    assert model_fields - set(document) <= {"id", "user", "synced_at", "sync_generation"}
    assert MessageModel(**document).subject == "Interview — next steps"


def test_even_a_failure_of_our_own_keeps_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("bug")

    # The failures come from the standard library the parser calls: compiled (mails.native),
    # the parser calls its own functions directly, so patching one of them would change nothing.
    monkeypatch.setattr(html, "unescape", broken)  # the snippet, read while assembling
    parsed = parse_raw_message(gmail_raw(ALTERNATIVE))

    assert parsed.gmail_id == "18c0ffee"
    assert "assembling failed (RuntimeError)" in parsed.parse_error

    monkeypatch.undo()
    monkeypatch.setattr(Message, "get_payload", broken)  # the root part's children
    parsed = parse_raw_message(gmail_raw(ALTERNATIVE))
    assert parsed.subject == "Interview — next steps"
    assert "message: unreadable (RuntimeError)" in parsed.parse_error


@pytest.mark.parametrize("value", [str(2**63), "-1e3", True, [1]])
def test_integers_mongodb_cannot_store_are_noted(value: Any) -> None:
    parsed = parse_raw_message(gmail_raw(ALTERNATIVE, historyId=value))

    assert parsed.history_id == 0
    assert "bad historyId" in parsed.parse_error
