"""An independent reading of a message: what Python's ``email`` package with ``policy.default``
makes of it, field by field, to compare the app's parser against.

Nothing here uses ``mails.parsing``: the reference must not share the code it checks.
Text is compared as its sequence of words (``\\w+``), so line wrapping, HTML layout and
whitespace tidying do not count as differences, while a lost or garbled word does.
"""

from __future__ import annotations

import email
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol, TypeVar

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "email-corpus"
SHARED = CORPUS.parents[1]
# The app stores at most 100 KB of body text; comparing the first words is enough and fair.
BODY_WORDS = 300
FIELDS = ("subject", "sender", "recipients", "date", "body", "attachments")

T = TypeVar("T")
_WORD = re.compile(r"\w+")
_WS = re.compile(r"\s+")


def corpus_messages(root: Path = CORPUS) -> list[Path]:
    """Return every message file under ``root`` (licence and README files are not mail)."""
    if not root.is_dir():
        return []
    skip = ("license", "licence", "readme", "copying", "notice")
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not p.name.lower().startswith(skip) and not p.name.startswith(".")
    )


_HIDDEN = frozenset({"script", "style", "head", "title"})
# Tags that separate words; inline ones (b, span, a, font) do not: "Pro<b>Vantage</b>" is one.
_BLOCKS = frozenset(
    {"br", "p", "div", "td", "th", "tr", "li", "ul", "ol", "table", "hr", "img", "blockquote"}
    | {f"h{level}" for level in range(1, 7)}
)


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._skip += 1
        elif tag in _BLOCKS:
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._skip:
            self._skip -= 1
        elif tag in _BLOCKS:
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def html_words(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.chunks)


def words(text: str, limit: int = BODY_WORDS) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)[:limit]]


@dataclass(frozen=True, slots=True)
class Attached:
    filename: str
    size: int


@dataclass(frozen=True, slots=True)
class Reference:
    """The fields as ``policy.default`` reads them; None where it could not read one."""

    subject: str | None
    sender: str | None
    recipients: list[str] | None
    date: datetime | None
    body: list[str] | None
    attachments: list[Attached] | None


def _try(compute: Callable[[], T]) -> T | None:
    try:
        return compute()
    except Exception:  # noqa: BLE001 -- the reference's own failure is data, not a crash
        return None


def _addresses(message: EmailMessage, name: str) -> list[str]:
    found: list[str] = []
    for header in message.get_all(name) or []:
        found += [a.addr_spec.lower() for a in header.addresses if a.addr_spec]
    return list(dict.fromkeys(found))


def _date(message: EmailMessage) -> datetime | None:
    header = message["date"]
    if header is None:
        return None
    value = header.datetime
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _first_text(message: EmailMessage) -> EmailMessage | None:
    """Return the first plain (else HTML) part that is not an attachment: get_body() finds
    none in multipart/report, multipart/digest and other containers it does not descend."""
    texts = [
        part
        for part in message.walk()
        if isinstance(part, EmailMessage)
        and part.get_content_type() in ("text/plain", "text/html")
        and not part.is_attachment()
    ]
    for wanted in ("text/plain", "text/html"):
        for part in texts:
            if part.get_content_type() == wanted:
                return part
    return None


def _body(message: EmailMessage) -> list[str]:
    part = message.get_body(preferencelist=("plain", "html")) or _first_text(message)
    if part is None:
        return []
    content = part.get_content()
    if not isinstance(content, str):
        return []
    text = html_words(content) if part.get_content_type() == "text/html" else content
    return words(text)


def _leaves(message: EmailMessage) -> list[EmailMessage]:
    """Return the leaf parts, an attached message counting as one (Gmail lists the message,
    not the files inside it, as the attachment)."""
    if message.get_content_maintype() != "multipart":
        return [message]  # a file sent alone is the message's only part
    parts = message.get_payload()
    if not isinstance(parts, list):
        return []
    leaves: list[EmailMessage] = []
    for part in parts:
        if isinstance(part, EmailMessage):
            is_container = part.get_content_maintype() == "multipart"
            leaves += _leaves(part) if is_container else [part]
    return leaves


def _size(part: EmailMessage) -> int:
    """Return the decoded size; an attached message counts its serialised bytes."""
    inner = part.get_payload()
    if isinstance(inner, list):
        serialised = [m.as_bytes(policy=policy.compat32) for m in inner if isinstance(m, Message)]
        return sum(len(data) for data in serialised)
    data = part.get_payload(decode=True)
    return len(data) if isinstance(data, bytes) else 0


def _attachments(message: EmailMessage) -> list[Attached]:
    found: list[Attached] = []
    for part in _leaves(message):
        name = part.get_filename()
        if not name:
            continue
        found.append(Attached(str(name), _size(part)))
    return sorted(found, key=lambda a: (a.filename, a.size))


def reference(raw: bytes) -> Reference:
    """Return the independent reading of ``raw``."""
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    subject = _try(lambda: _WS.sub(" ", str(message["subject"] or "")).strip())
    senders = _try(lambda: _addresses(message, "from"))
    return Reference(
        subject=subject,
        sender=None if senders is None else (senders[0] if senders else ""),
        recipients=_try(lambda: _addresses(message, "to") + _addresses(message, "cc")),
        date=_try(lambda: _date(message)),
        body=_try(lambda: _body(message)),
        attachments=_try(lambda: _attachments(message)),
    )


class StoredFields(Protocol):
    """What the app keeps of a message: a ParsedMessage, or a stored mails.models.Message."""

    @property
    def subject(self) -> str: ...
    @property
    def from_address(self) -> str: ...
    @property
    def to_addresses(self) -> list[str]: ...
    @property
    def cc_addresses(self) -> list[str]: ...
    @property
    def date_header(self) -> datetime | None: ...
    @property
    def body_text(self) -> str: ...
    @property
    def attachments(self) -> Sequence[Mapping[str, Any]]: ...


def app_fields(parsed: StoredFields) -> dict[str, object]:
    """Return the app's stored fields in the reference's shape."""
    attachments = sorted(
        (Attached(a["filename"], a["size"]) for a in parsed.attachments if a["filename"]),
        key=lambda a: (a.filename, a.size),
    )
    return {
        "subject": parsed.subject,
        "sender": parsed.from_address,
        "recipients": list(dict.fromkeys(parsed.to_addresses + parsed.cc_addresses)),
        "date": parsed.date_header,
        "body": words(parsed.body_text),
        "attachments": attachments,
    }


def compare(ref: Reference, parsed: StoredFields) -> dict[str, bool]:
    """Return, per field, whether the app agrees with the reference."""
    got = app_fields(parsed)
    expected: dict[str, object] = {
        "subject": ref.subject,
        "sender": ref.sender,
        "recipients": ref.recipients,
        "date": ref.date,
        "body": ref.body,
        "attachments": ref.attachments,
    }
    result = {name: got[name] == expected[name] for name in FIELDS}
    # The app shows every inline text part of a mixed message, one after another, as Gmail
    # does; get_body() picks the first. The reference must open the app's text.
    body = got["body"]
    if isinstance(body, list) and ref.body:
        result["body"] = body[: len(ref.body)] == ref.body
    return result


def differences(ref: Reference, parsed: StoredFields) -> dict[str, tuple[object, object]]:
    """Return (reference, app) for each field that differs, for readable failures."""
    got = app_fields(parsed)
    expected = {name: getattr(ref, name) for name in FIELDS}
    return {
        name: (expected[name], got[name]) for name, ok in compare(ref, parsed).items() if not ok
    }
