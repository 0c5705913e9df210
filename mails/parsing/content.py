"""Top-level headers + a MIME tree → :class:`ParsedContent`, one field failing at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from mails.parsing.headers import (
    decode_unstructured,
    parse_addresses,
    parse_date,
    parse_list_id,
    parse_message_id,
    parse_message_ids,
)
from mails.parsing.notes import Notes
from mails.parsing.parts import Body, Part, read_body
from mails.parsing.result import ParsedContent

T = TypeVar("T")


def guarded(notes: Notes, what: str, default: T, compute: Callable[[], T]) -> T:
    """Return ``compute()``, or ``default`` and a note if it raised: one field never sinks all."""
    try:
        return compute()
    except Exception as error:  # noqa: BLE001 -- the whole point: degrade, note, go on
        notes.add(f"{what}: {type(error).__name__}")
        return default


class _Headers:
    """Top-level headers by lower-case name, in message order."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.values: dict[str, list[str]] = {}
        for name, value in pairs:
            if isinstance(name, str) and isinstance(value, str):
                self.values.setdefault(name.strip().lower(), []).append(value)

    def first(self, name: str) -> str:
        found = self.values.get(name)
        return found[0] if found else ""

    def joined(self, name: str) -> str:
        # Some mailers send To twice; every copy counts.
        return ", ".join(self.values.get(name, []))


# A recipient header's unique addresses and display names, each in order.
Recipients = tuple[list[str], list[str]]
NO_RECIPIENTS: Recipients = ([], [])


def _to(headers: _Headers, notes: Notes) -> Recipients:
    return _recipients(headers, "to", notes)


def _cc(headers: _Headers, notes: Notes) -> Recipients:
    return _recipients(headers, "cc", notes)


def _bcc(headers: _Headers, notes: Notes) -> Recipients:
    return _recipients(headers, "bcc", notes)


def _recipients(headers: _Headers, name: str, notes: Notes) -> Recipients:
    """Return the unique addresses and display names of every ``name`` header, in order."""
    pairs = parse_addresses(headers.joined(name), notes, name.capitalize())
    addresses = list(dict.fromkeys(address for _, address in pairs if address))
    # Names are kept for search (to:garcia finds "Sam Garcia <x@…>"), as From's name is.
    names = list(dict.fromkeys(display[:500] for display, _ in pairs if display.strip()))
    return addresses, names


def _delivered_to(headers: _Headers, notes: Notes) -> list[str]:
    """Return the addresses of Delivered-To and X-Original-To (Gmail's deliveredto:)."""
    found: list[str] = []
    for name, where in (("delivered-to", "Delivered-To"), ("x-original-to", "X-Original-To")):
        pairs = parse_addresses(headers.joined(name), notes, where)
        found.extend(address for _, address in pairs if address)
    return list(dict.fromkeys(found))


def _sender(headers: _Headers, notes: Notes) -> tuple[str, str]:
    pairs = parse_addresses(headers.first("from"), notes, "From")
    return (pairs[0][0][:500], pairs[0][1]) if pairs else ("", "")


def _subject(headers: _Headers, notes: Notes) -> str:
    return decode_unstructured(headers.first("subject"), notes, "Subject")


def _date(headers: _Headers, notes: Notes) -> datetime | None:
    return parse_date(headers.first("date"), notes)


def _message_id(headers: _Headers, notes: Notes) -> str:
    return parse_message_id(headers.first("message-id"))


def _references(headers: _Headers, notes: Notes) -> list[str]:
    # In-Reply-To names the parent; References the thread up to it (some mailers send only
    # one of the two). The parent last: the nearest ancestor is kept when there are many.
    ids = f"{headers.first('references')} {headers.first('in-reply-to')}"
    return parse_message_ids(ids)


def _list_id(headers: _Headers, notes: Notes) -> str:
    return parse_list_id(headers.first("list-id"), notes)


def only_in_alternative(alternative: str, shown: str) -> str:
    """Return the lines of the HTML alternative's text that the shown plain text lacks.

    Most mail says the same in both, so this is usually empty; what only the HTML holds
    (a table, a footer, a link's words) is kept for search, in order.
    """
    if not alternative:
        return ""
    plain = " ".join(shown.split()).casefold()
    lines = (" ".join(line.split()) for line in alternative.splitlines())
    return "\n".join(line for line in lines if line and line.casefold() not in plain)


def build_content(pairs: Iterable[tuple[str, str]], root: Part, notes: Notes) -> ParsedContent:
    """Return the stored fields of a message from its top-level headers and MIME tree."""
    headers = guarded(notes, "headers", _Headers([]), lambda: _Headers(pairs))

    def field(what: str, default: T, compute: Callable[[_Headers, Notes], T]) -> T:
        return guarded(notes, what, default, lambda: compute(headers, notes))

    from_name, from_address = field("From", ("", ""), _sender)
    body = guarded(notes, "body", Body("", []), lambda: read_body(root, notes))
    body_text, attachments = body.text, body.attachments
    subject = field("Subject", "", _subject)
    to_addresses, to_names = field("To", NO_RECIPIENTS, _to)
    cc_addresses, cc_names = field("Cc", NO_RECIPIENTS, _cc)
    bcc_addresses, bcc_names = field("Bcc", NO_RECIPIENTS, _bcc)
    if not (subject or body_text):
        # Not always an error (an attachment sent alone), but worth telling the reader.
        notes.add("no subject or text found")
    return ParsedContent(
        from_name=from_name,
        from_address=from_address,
        to_addresses=to_addresses,
        cc_addresses=cc_addresses,
        bcc_addresses=bcc_addresses,
        to_names=to_names,
        cc_names=cc_names,
        bcc_names=bcc_names,
        delivered_to=field("Delivered-To", [], _delivered_to),
        alternative_text=guarded(
            notes, "HTML text", "", lambda: only_in_alternative(body.alternative_text, body_text)
        ),
        subject=subject,
        date_header=field("Date", None, _date),
        rfc822_message_id=field("Message-ID", "", _message_id),
        references=field("References", [], _references),
        list_id=field("List-Id", "", _list_id),
        body_text=body_text,
        attachments=attachments,
        links=body.links,
        parse_error=str(notes),
    )
