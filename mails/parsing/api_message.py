"""Gmail API ``users.messages.get`` responses (``format=raw`` or ``full``) → :class:`ParsedMessage`.

Docs: https://developers.google.com/gmail/api/reference/rest/v1/users.messages#Message
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from mails.parsing.charsets import clean_str
from mails.parsing.content import build_content, guarded
from mails.parsing.notes import Notes
from mails.parsing.payload import PayloadPart, b64url_decode, header_pairs
from mails.parsing.result import MessageParseError, ParsedContent, ParsedMessage
from mails.parsing.rfc822 import content_from_rfc822

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _int(value: Any, notes: Notes, name: str) -> int | None:
    """Return Gmail's int64-as-string field as an int, or None (and a note)."""
    if value is None:
        notes.add(f"missing {name}")
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    # MongoDB stores int64: anything outside it could not be written, let alone be right.
    if number is None or not -(2**63) <= number < 2**63:
        notes.add(f"bad {name} {str(value)[:30]!r}")
        return None
    return number


def _internal_date(value: Any, notes: Notes) -> datetime | None:
    millis = _int(value, notes, "internalDate")
    try:
        # timedelta, not fromtimestamp(ms / 1000): exact milliseconds, no float rounding.
        return None if millis is None else EPOCH + timedelta(milliseconds=millis)
    except OverflowError:
        notes.add("internalDate out of range")
        return None


def _labels(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [clean_str(label)[:128] for label in value if isinstance(label, str) and label]


def _gmail_id(api_message: Any) -> str:
    if not isinstance(api_message, Mapping):
        raise MessageParseError(f"not a Gmail message: {type(api_message).__name__}")
    gmail_id = api_message.get("id")
    if not isinstance(gmail_id, str | int) or not str(gmail_id).strip():
        raise MessageParseError("not a Gmail message: no id")
    return clean_str(str(gmail_id).strip())[:64]


def _assemble(
    api_message: Mapping[str, Any], content: ParsedContent, notes: Notes, size: int
) -> ParsedMessage:
    """Return the stored message: Gmail's metadata around the parsed content."""
    labels = _labels(api_message.get("labelIds"))
    internal = _internal_date(api_message.get("internalDate"), notes)
    if internal is None:
        # The model needs a date to sort by; the sender's claim beats 1970.
        internal = content.date_header or EPOCH
    snippet = api_message.get("snippet")
    return ParsedMessage(
        gmail_id=_gmail_id(api_message),
        thread_id=clean_str(str(api_message.get("threadId") or ""))[:64],
        history_id=_int(api_message.get("historyId"), notes, "historyId") or 0,
        internal_date=internal,
        label_ids=labels,
        from_name=content.from_name,
        from_address=content.from_address,
        to_addresses=content.to_addresses,
        cc_addresses=content.cc_addresses,
        bcc_addresses=content.bcc_addresses,
        subject=content.subject,
        date_header=content.date_header,
        rfc822_message_id=content.rfc822_message_id,
        list_id=content.list_id,
        # Gmail HTML-escapes snippets ("&#39;", "&amp;"); we store text, templates escape.
        snippet=clean_str(html.unescape(snippet)) if isinstance(snippet, str) else "",
        body_text=content.body_text,
        attachments=content.attachments,
        size_estimate=_int(api_message.get("sizeEstimate"), notes, "sizeEstimate") or size,
        parse_error=str(notes),
        to_names=content.to_names,
        cc_names=content.cc_names,
        bcc_names=content.bcc_names,
        delivered_to=content.delivered_to,
        alternative_text=content.alternative_text,
        links=content.links,
        references=content.references,
    )


def _finish(
    api_message: Mapping[str, Any], content: ParsedContent, notes: Notes, size: int
) -> ParsedMessage:
    """Return the assembled message; if even that fails, the bare metadata and a note."""
    try:
        return _assemble(api_message, content, notes, size)
    except MessageParseError:
        raise
    except Exception as error:  # noqa: BLE001 -- never lose a message to our own bug
        notes.add(f"assembling failed ({type(error).__name__})")
        return _bare(_gmail_id(api_message), notes)


def _bare(gmail_id: str, notes: Notes) -> ParsedMessage:
    """Return a message that is only its id: still stored, so the failure shows."""
    return ParsedMessage(
        gmail_id=gmail_id, thread_id="", history_id=0, internal_date=EPOCH, label_ids=[],
        from_name="", from_address="", to_addresses=[], cc_addresses=[], bcc_addresses=[],
        subject="", date_header=None, rfc822_message_id="", list_id="", snippet="",
        body_text="", attachments=[], size_estimate=0,
        parse_error=str(notes),
    )  # fmt: skip


def parse_raw_message(api_message: Mapping[str, Any]) -> ParsedMessage:
    """Return the stored fields of a ``users.messages.get(format="raw")`` response.

    Raises :class:`MessageParseError` only when the input is not a Gmail message (no id);
    every other problem is kept in ``parse_error`` and the rest of the message is kept.
    """
    _gmail_id(api_message)
    raw_field = api_message.get("raw")
    if not isinstance(raw_field, str) and isinstance(api_message.get("payload"), Mapping):
        return parse_full_message(api_message)
    notes = Notes()
    raw = b64url_decode(raw_field, notes, "raw") if isinstance(raw_field, str) else b""
    content = guarded(notes, "content", ParsedContent(), lambda: content_from_rfc822(raw, notes))
    return _finish(api_message, content, notes, len(raw))


def parse_full_message(api_message: Mapping[str, Any]) -> ParsedMessage:
    """Return the stored fields of a ``users.messages.get(format="full")`` response.

    Attachment bodies fetched by ``attachmentId`` are not needed: their size and name are
    in the payload. Raises :class:`MessageParseError` only when there is no message id.
    """
    _gmail_id(api_message)
    payload = api_message.get("payload")
    if not isinstance(payload, Mapping) and isinstance(api_message.get("raw"), str):
        return parse_raw_message(api_message)
    notes = Notes()
    if not isinstance(payload, Mapping):
        notes.add("no payload")
        payload = {}
    root = PayloadPart(payload, "", notes)
    content = guarded(
        notes, "content", ParsedContent(), lambda: build_content(header_pairs(payload), root, notes)
    )
    return _finish(api_message, content, notes, 0)


def parse_message(api_message: Mapping[str, Any]) -> ParsedMessage:
    """Return the stored fields of a ``messages.get`` response in either format."""
    if isinstance(api_message, Mapping) and isinstance(api_message.get("raw"), str):
        return parse_raw_message(api_message)
    return parse_full_message(api_message)
