"""Base64 that keeps what decodes: stray characters, bad padding, a dangling last byte."""

from __future__ import annotations

import base64
import binascii

_STANDARD = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# Everything outside the alphabet (and "=") is dropped, as decoders in mail clients do.
_JUNK = bytes(sorted(set(range(256)) - set(_STANDARD) - {ord("=")}))
_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_", b"+/")


def b64decode_lenient(data: bytes, *, urlsafe: bool = False) -> tuple[bytes, bool]:
    """Return the decoded bytes and whether the input was damaged; never raises.

    Both alphabets are accepted either way, since senders mix them up.
    """
    compact = b"".join(data.split())
    try:
        if urlsafe:
            return base64.urlsafe_b64decode(compact + b"=" * (-len(compact) % 4)), False
        return base64.b64decode(compact + b"=" * (-len(compact) % 4), validate=True), False
    except (binascii.Error, ValueError):
        pass
    cleaned = compact.translate(_URLSAFE_TO_STANDARD).translate(None, _JUNK)
    # Padding inside the data ends a chunk; decode only up to the first one.
    cleaned = cleaned.split(b"=", 1)[0]
    if len(cleaned) % 4 == 1:  # one leftover character carries no whole byte
        cleaned = cleaned[:-1]
    try:
        return base64.b64decode(cleaned + b"=" * (-len(cleaned) % 4)), True
    except (binascii.Error, ValueError):
        return b"", True
