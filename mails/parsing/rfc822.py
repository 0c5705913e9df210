"""RFC 822 bytes (Gmail's ``format=raw``) → :class:`ParsedContent`.

Python's parser does the MIME work with ``policy.default`` (bounded, see :data:`POLICY`).
Every call into a part is guarded: when the modern header parser raises on a malformed
header, the same header is read again the ``compat32`` way (plain parameter parsing, no
header objects). Top-level headers are decoded by :mod:`mails.parsing.headers`, the same
code that reads ``format=full`` headers.
"""

from __future__ import annotations

import contextlib
import email
import functools
import re
from collections.abc import Callable
from email import errors, policy
from email.message import Message
from email.policy import EmailPolicy
from typing import Any, TypeVar

from mails.parsing.b64 import b64decode_lenient
from mails.parsing.charsets import clean_str, decode_text, unescape_header_bytes
from mails.parsing.content import build_content
from mails.parsing.headers import decode_words, escape_raw_words, unfold
from mails.parsing.notes import Notes, part_label
from mails.parsing.parts import Part
from mails.parsing.result import ParsedContent

T = TypeVar("T")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# "--boundary" alone on a line; "-- " (a signature) and "--" are not boundaries.
_BOUNDARY_LINE = re.compile(rb"^--([^\s\"][^\r\n\"]{0,200}?)[ \t]*\r?$", re.MULTILINE)
_HEADER_LINE = re.compile(rb"[A-Za-z][A-Za-z0-9-]{0,76}:")


def guess_parts(body: bytes) -> list[Message]:
    """Return the parts of ``body`` split at the first "--token" line, if it recurs."""
    match = _BOUNDARY_LINE.search(body)
    if match is None:
        return []
    boundary = match.group(1).removesuffix(b"--")
    # A boundary recurs, or at least opens a part with headers; a lone "--" line is prose.
    if body.count(b"--" + boundary) < 2 and not _HEADER_LINE.match(body, match.end() + 1):
        return []
    head = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
    reparsed = email.message_from_bytes(head + body, policy=POLICY)
    inner = reparsed.get_payload()
    return [m for m in inner if isinstance(m, Message)] if isinstance(inner, list) else []


# Longer Content-Type or Content-Disposition values are garbage, and the stdlib's parameter
# parsing is quadratic in their length (25 KB of "a=b;" took seconds): they are cut first.
MAX_MIME_HEADER = 2000
_MIME_HEADERS = frozenset({"content-type", "content-disposition", "content-transfer-encoding"})


def bound_mime_header(name: str, value: str) -> str:
    """Return a MIME parameter header cut to :data:`MAX_MIME_HEADER` at a parameter end."""
    if len(value) <= MAX_MIME_HEADER or name.lower() not in _MIME_HEADERS:
        return value
    cut = value[:MAX_MIME_HEADER]
    return cut[: cut.rfind(";")] if ";" in cut else cut


class _BoundedPolicy(EmailPolicy):
    """``policy.default``, except that MIME headers are cut to a sane length and their
    parses are remembered: the parser itself re-reads Content-Type five times per part."""

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if name.lower() == "content-transfer-encoding":
            # get_payload(decode=True) compares the raw string: " Base64 " would decode
            # nothing. A plain string is what it reads, and what compat32 would hand over.
            return clean_transfer_encoding(value)
        try:
            if name.lower() in _MIME_HEADERS:
                return _parse_mime_header(name, bound_mime_header(name, value))
            return super().header_fetch_parse(name, value)
        except Exception:  # noqa: BLE001 -- e.g. RecursionError on nested comments
            # compat32's view of the header, the plain string, which Message's
            # get_content_type() and get_param() read just as well.
            return bound_mime_header(name, value)


def clean_transfer_encoding(value: str) -> str:
    """Return a Content-Transfer-Encoding value trimmed, unquoted and lower-case."""
    return " ".join(value.split()).strip("\"' ").lower()


@functools.lru_cache(maxsize=256)
def _parse_mime_header(name: str, value: str) -> Any:
    # Header objects are immutable str subclasses: sharing one between parts is safe.
    return policy.default.header_fetch_parse(name, value)


POLICY = _BoundedPolicy()


def _defect_phrase(defect: object) -> str:
    """Return "invalid base64 padding" for an ``InvalidBase64PaddingDefect``."""
    name = type(defect).__name__.removesuffix("Defect")
    return _CAMEL.sub(" ", name).lower()


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


class EmailPart:
    """A :class:`Part` over one ``email.message.Message`` of the parsed tree.

    Header-derived properties are cached: policy.default re-parses a header on every access.
    """

    gmail_normalized = False

    def __init__(self, message: Message, path: str, notes: Notes) -> None:
        self.message = message
        self.path = path
        self.notes = notes
        self._compat_copy: Message | None = None
        self._children: list[Part] | None = None
        self._note_defects(0)

    def _note_defects(self, start: int) -> None:
        for defect in list(self.message.defects)[start:]:
            if isinstance(defect, errors.MultipartInvariantViolationDefect):
                continue  # restates "no boundary" / "start boundary not found"
            self.notes.add(f"{part_label(self.path)}: {_defect_phrase(defect)}")

    def _compat(self) -> Message:
        """Return a ``compat32`` copy of this part's headers (no header objects, no raising)."""
        if self._compat_copy is None:
            copy = Message(policy=policy.compat32)
            for name, value in self.message.raw_items():
                copy[name] = bound_mime_header(name, value)
            self._compat_copy = copy
        return self._compat_copy

    def _read(self, modern: Callable[[Message], T], default: T) -> T:
        """Return ``modern(message)``, falling back to the compat32 copy, then ``default``."""
        with contextlib.suppress(Exception):  # policy.default raises on some bad headers
            return modern(self.message)
        try:
            return modern(self._compat())
        except Exception:  # noqa: BLE001
            self.notes.add(f"{part_label(self.path)}: unreadable MIME headers")
            return default

    @functools.cached_property
    def mime_type(self) -> str:
        return self._read(lambda m: m.get_content_type(), "text/plain")

    @functools.cached_property
    def filename(self) -> str:
        name = _text_or_none(self._read(lambda m: m.get_filename(), None))
        with contextlib.suppress(Exception):
            # compat32 keeps what policy.default cuts: unquoted names with spaces or "=?".
            legacy = _text_or_none(self._compat().get_filename())
            if legacy and (not name or (len(legacy) > len(name) and legacy.startswith(name))):
                name = legacy
        if not name:
            return ""
        where = f"{part_label(self.path)} filename"
        return clean_str(decode_words(unfold(name), self.notes, where).strip())

    @functools.cached_property
    def disposition(self) -> str:
        return self._read(lambda m: m.get_content_disposition(), None) or ""

    @functools.cached_property
    def charset(self) -> str | None:
        charset = self._read(lambda m: m.get_content_charset(), None)
        return charset if isinstance(charset, str) else None

    def children(self) -> list[Part]:
        # Cached: the alternative chooser looks at children before the walk visits them.
        if self._children is None:
            self._children = self._make_children()
        return self._children

    def _make_children(self) -> list[Part]:
        inner = self.message.get_payload()
        if not isinstance(inner, list):
            inner = self._guess_children()
        prefix = f"{self.path}." if self.path else ""
        return [
            EmailPart(child, f"{prefix}{index}", self.notes)
            for index, child in enumerate(inner)
            if isinstance(child, Message)
        ]

    def _guess_children(self) -> list[Message]:
        """Return the parts found by a boundary guessed from the body, when the declared one
        is missing or never occurs (mailers that mangle or forget it)."""
        body = self.message.get_payload()
        if not self.mime_type.startswith("multipart/") or not isinstance(body, str):
            return []
        found = guess_parts(body.encode("utf-8", "surrogateescape"))
        if found:
            self.notes.add(f"{part_label(self.path)}: MIME boundary guessed from the body")
        return found

    def payload(self) -> bytes:
        if self.message.is_multipart():
            return self._serialized_parts()
        before = len(self.message.defects)
        try:
            data = self.message.get_payload(decode=True)
        except Exception:  # noqa: BLE001 -- a broken encoding loses this part's bytes only
            self.notes.add(f"{part_label(self.path)}: undecodable content")
            data = None
        added = list(self.message.defects)[before:]
        self._note_defects(before)
        if any(isinstance(d, errors.InvalidBase64LengthDefect) for d in added):
            # Python hands back the still-encoded text here; decode what can be decoded.
            return b64decode_lenient(self._raw_payload())[0]
        return data if isinstance(data, bytes) else self._raw_payload()

    def _raw_payload(self) -> bytes:
        """Return the part's body as it was sent (8-bit bytes restored)."""
        raw = self.message.get_payload()
        return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""

    def _serialized_parts(self) -> bytes:
        """Return the bytes of an attached message (or report blocks), as Gmail counts them."""
        inner = self.message.get_payload()
        if not isinstance(inner, list):
            return b""
        try:
            return b"".join(
                m.as_bytes(policy=policy.compat32) for m in inner if isinstance(m, Message)
            )
        except Exception:  # noqa: BLE001 -- absurdly nested or unserialisable: no bytes
            self.notes.add(f"{part_label(self.path)}: attached message unserialisable")
            return b""

    def size(self) -> int:
        return len(self.payload())


class _UnparsedPart:
    """A whole message body as one text part, for bytes Python's parser refused."""

    path = ""
    mime_type = "text/plain"
    filename = ""
    disposition = ""
    charset = None
    gmail_normalized = False

    def __init__(self, body: bytes) -> None:
        self.body = body

    def children(self) -> list[Part]:
        return []

    def payload(self) -> bytes:
        return self.body

    def size(self) -> int:
        return len(self.body)


def _split_unparsed(raw: bytes, notes: Notes) -> tuple[list[tuple[str, str]], bytes]:
    """Return naively split headers and body of a message the parser could not take."""
    match = _HEADER_END.search(raw)
    head, body = (raw[: match.start()], raw[match.end() :]) if match else (raw, b"")
    text = decode_text(head, None, notes, "headers")
    pairs: list[tuple[str, str]] = []
    for line in re.split(r"\r?\n(?![ \t])", text):
        name, sep, value = line.partition(":")
        if sep and name and not name[0].isspace() and " " not in name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs, body


def _charset_hint(message: Message) -> str | None:
    """Return the first charset declared in the message: 8-bit headers often use it."""
    try:
        for index, part in enumerate(message.walk()):
            charset = part.get_content_charset()
            if charset or index > 20:
                return charset
    except Exception:  # noqa: BLE001 -- only a hint
        return None
    return None


# RFC 5322 §4.5's obsolete syntax allows white space between a field name and its colon
# ("Subject : hi"); Python's parser ends the headers at such a line, turning them into body.
_SPACED_NAME = re.compile(rb"^([!-9;-~]{1,76})[ \t]+:", re.MULTILINE)
_PLAIN_NAME = re.compile(rb"^[!-9;-~]{1,76}:", re.MULTILINE)


def mend_header_names(raw: bytes, notes: Notes) -> bytes:
    """Return ``raw`` with white space before header colons removed (headers only)."""
    match = _HEADER_END.search(raw)
    end = match.start() if match else len(raw)
    head = raw[:end]
    if not _SPACED_NAME.search(head) or not _PLAIN_NAME.search(head):
        return raw  # no obsolete names, or no header at all: leave the text alone
    notes.add("white space before a header colon (obsolete syntax)")
    return _SPACED_NAME.sub(rb"\1:", head) + raw[end:]


def content_from_rfc822(raw: bytes, notes: Notes) -> ParsedContent:
    """Return the content of ``raw``, adding what went wrong to ``notes``."""
    if not raw.strip():
        notes.add("empty message")
        return ParsedContent(parse_error=str(notes))
    try:
        message = email.message_from_bytes(mend_header_names(raw, notes), policy=POLICY)
        hint = _charset_hint(message)
        pairs = [
            (name, unescape_header_bytes(escape_raw_words(value), hint))
            for name, value in message.raw_items()
        ]
        root: Part = EmailPart(message, "", notes)
    except Exception as error:  # noqa: BLE001 -- fall back to a naive split, keep the text
        notes.add(f"MIME unparseable ({type(error).__name__}): read as plain text")
        pairs, body = _split_unparsed(raw, notes)
        root = _UnparsedPart(body)
    return build_content(pairs, root, notes)


def parse_rfc822(raw: bytes) -> ParsedContent:
    """Return the fields Mailbox stores from RFC 822 bytes; never raises."""
    notes = Notes()
    try:
        return content_from_rfc822(raw, notes)
    except Exception as error:  # noqa: BLE001 -- last line of defence: keep the notes at least
        notes.add(f"parse failed ({type(error).__name__})")
        return ParsedContent(parse_error=str(notes))
