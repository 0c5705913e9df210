"""Gmail's ``format=full`` payload tree seen as :class:`~mails.parsing.parts.Part` objects.

Docs: https://developers.google.com/gmail/api/reference/rest/v1/users.messages#MessagePart
Gmail has already undone transfer encodings, and (observed, not documented) usually
converts text parts to UTF-8 while keeping the original ``charset`` label; the charset
module reads both cases (``gmail_normalized``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from email.policy import compat32
from typing import Any

from mails.parsing.b64 import b64decode_lenient
from mails.parsing.charsets import clean_str
from mails.parsing.headers import decode_words, unfold
from mails.parsing.notes import Notes, part_label
from mails.parsing.parts import Part


def b64url_decode(data: str, notes: Notes, where: str) -> bytes:
    """Return the bytes of Gmail's URL-safe base64 (padded or not); damage is noted."""
    decoded, damaged = b64decode_lenient(data.encode("ascii", "replace"), urlsafe=True)
    if damaged:
        notes.add(f"{where}: damaged base64url data")
    return decoded


def header_pairs(node: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return a payload's ``headers`` as (name, value) pairs, skipping malformed entries."""
    headers = node.get("headers")
    if not isinstance(headers, list):
        return []
    return [
        (header["name"], header["value"])
        for header in headers
        if _is_mapping(header)
        and isinstance(header.get("name"), str)
        and isinstance(header.get("value"), str)
    ]


def _is_mapping(value: object) -> bool:
    # A JSON object is a dict: the ABC check, ten times slower, is for anything else.
    return type(value) is dict or isinstance(value, Mapping)


_MIME_HEADERS = frozenset({"content-type", "content-disposition"})


def mime_header_pairs(node: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Return ``header_pairs(node)`` of Content-Type and Content-Disposition only."""
    headers = node.get("headers")
    if not isinstance(headers, list):
        return ()
    return tuple(
        (name, header["value"])
        for header in headers
        if _is_mapping(header)
        and isinstance(name := header.get("name"), str)
        and name.lower() in _MIME_HEADERS
        and isinstance(header.get("value"), str)
    )


@dataclass(frozen=True, slots=True)
class MimeParams:
    """What a part's Content-Type and Content-Disposition say; None where unreadable."""

    content_type: str | None
    filename: str | None
    disposition: str | None
    charset: str | None


@functools.lru_cache(maxsize=2048)
def mime_params(headers: tuple[tuple[str, str], ...]) -> MimeParams:
    """Return the parameters of a part's MIME headers, read the tolerant compat32 way.

    Memoized: a mailbox repeats "text/plain; charset=UTF-8" in most of its parts, and
    Message.get_param re-parses the header on every read.
    """
    message = Message(policy=compat32)
    for name, value in headers:
        message[name] = value
    return MimeParams(
        content_type=_param(message, lambda m: m.get_content_type()),
        filename=_param(message, lambda m: m.get_filename()),
        disposition=_param(message, lambda m: m.get_content_disposition()),
        charset=_param(message, lambda m: m.get_content_charset()),
    )


def _param(message: Message, read: Callable[[Message], object]) -> str | None:
    """Return a parameter read from MIME headers; None if they are broken."""
    try:
        value = read(message)
    except Exception:  # noqa: BLE001 -- RFC 2231 values can name absurd charsets
        return None
    return value if isinstance(value, str) else None


class PayloadPart:
    """A :class:`Part` over one ``MessagePart`` dict of a ``full`` payload."""

    gmail_normalized = True

    def __init__(self, node: Any, path: str, notes: Notes) -> None:
        self.node: Mapping[str, Any] = node if isinstance(node, Mapping) else {}
        self.path = path
        self.notes = notes
        # Read when first needed, then kept (not ``functools.cached_property``, which takes a
        # lock on every first read: three per part, a tenth of walking a message's parts).
        self._params: MimeParams | None = None
        self._mime_type: str | None = None
        self._filename: str | None = None

    @property
    def params(self) -> MimeParams:
        """The part's MIME parameters, read when first needed: a multipart container's
        type is Gmail's ``mimeType``, and its unique boundary would miss the memo."""
        if self._params is None:
            self._params = mime_params(mime_header_pairs(self.node))
        return self._params

    def _body(self) -> Mapping[str, Any]:
        body = self.node.get("body")
        return body if isinstance(body, Mapping) else {}

    @property
    def mime_type(self) -> str:
        if self._mime_type is None:
            self._mime_type = self._read_mime_type()
        return self._mime_type

    def _read_mime_type(self) -> str:
        mime_type = self.node.get("mimeType")
        if isinstance(mime_type, str) and "/" in mime_type:
            return mime_type.strip().lower()
        return self.params.content_type or "text/plain"

    @property
    def filename(self) -> str:
        if self._filename is None:
            self._filename = self._read_filename()
        return self._filename

    def _read_filename(self) -> str:
        name = self.node.get("filename")
        if not isinstance(name, str) or not name:
            name = self.params.filename
        if not name:
            return ""
        where = f"{part_label(self.path)} filename"
        return clean_str(decode_words(unfold(name), self.notes, where).strip())

    @property
    def disposition(self) -> str:
        return self.params.disposition or ""

    @property
    def charset(self) -> str | None:
        return self.params.charset

    def children(self) -> list[Part]:
        parts = self.node.get("parts")
        if not isinstance(parts, list):
            return []
        prefix = f"{self.path}." if self.path else ""
        return [
            PayloadPart(child, f"{prefix}{index}", self.notes) for index, child in enumerate(parts)
        ]

    def payload(self) -> bytes:
        data = self._body().get("data")
        if not isinstance(data, str):
            return b""
        return b64url_decode(data, self.notes, part_label(self.path))

    def size(self) -> int:
        """Return ``body.size``; the inline ``data``'s length when that is all there is.

        A named part comes either by ``attachmentId`` (its bytes fetched apart, only ``size``
        here) or, when small, inline in ``data`` like any body part: both give its size.
        """
        body = self._body()
        size = body.get("size")
        if isinstance(size, str) and size.strip().isdigit():
            size = int(size)  # int32 fields are numbers in JSON, but proxies stringify them
        inline = isinstance(body.get("data"), str) and not body.get("attachmentId")
        if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
            # A size of 0 next to inline bytes is a writer's omission, not an empty file.
            return size if size or not inline else len(self.payload())
        return len(self.payload())
