"""A small, fast RFC 822 / MIME writer for generated mail.

``email.message.EmailMessage`` spends most of its time in the header registry; the
generator builds thousands of messages at start-up, so it writes MIME directly:
RFC 2047 encoded-words for non-ASCII headers, quoted-printable text, base64
attachments, CRLF line endings — what Gmail stores for ordinary mail.
"""

from __future__ import annotations

import base64
import binascii
from email.header import Header
from email.utils import formataddr

CRLF = "\r\n"


def encode_header(value: str) -> str:
    """Return ``value`` as-is if ASCII, else as RFC 2047 encoded-words."""
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=998).encode()


def address(name: str, addr: str) -> str:
    """Return ``Name <addr>`` with the name encoded when needed."""
    return formataddr((name, addr), charset="utf-8")


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", CRLF)


def text_part(text: str, subtype: str = "plain") -> str:
    """Return a quoted-printable UTF-8 text part (headers + body)."""
    encoded = binascii.b2a_qp(text.encode("utf-8")).decode("ascii")
    return (
        f'Content-Type: text/{subtype}; charset="UTF-8"{CRLF}'
        f"Content-Transfer-Encoding: quoted-printable{CRLF}{CRLF}{_crlf(encoded)}"
    )


def attachment_part(data: bytes, mime_type: str, filename: str) -> str:
    """Return a base64 attachment part (headers + body)."""
    encoded = base64.encodebytes(data).decode("ascii")
    name = encode_header(filename)
    return (
        f'Content-Type: {mime_type}; name="{name}"{CRLF}'
        f'Content-Disposition: attachment; filename="{name}"{CRLF}'
        f"Content-Transfer-Encoding: base64{CRLF}{CRLF}{_crlf(encoded)}"
    )


def multipart(subtype: str, boundary: str, parts: list[str]) -> str:
    """Return a multipart entity (Content-Type header + body) holding ``parts``."""
    body = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts)
    return (
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"{CRLF}{CRLF}'
        f"{body}--{boundary}--{CRLF}"
    )


def message(headers: list[tuple[str, str]], entity: str) -> bytes:
    """Return the full message: top-level headers, MIME-Version, then the entity."""
    lines = "".join(f"{name}: {value}{CRLF}" for name, value in headers)
    return (lines + f"MIME-Version: 1.0{CRLF}" + entity).encode("utf-8")
