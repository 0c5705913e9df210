"""Body text: plain-text tidying and the stored-size cap."""

from __future__ import annotations

import re

# Mongo documents are capped at 16 MB and search indexes choke long before: keep 100 KB.
BODY_TEXT_LIMIT = 100 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A run of spaces becomes one space. Only the runs that change are matched (two or more, or
# one that is not a plain space): a lone space between words, most of any text, would be a
# match and a substitution each, for nothing.
_SPACES = re.compile(r"(?: [ \t\f\v\u00a0\u200b]|[\t\f\v\u00a0\u200b])[ \t\f\v\u00a0\u200b]*")
# What a run that changes holds (``in`` finds it faster than the pattern scans a text).
_ODD_SPACES = ("  ", "\t", "\f", "\v", "\u00a0", "\u200b")
_BLANK_LINES = re.compile(r"\n{3,}")


def tidy_text(text: str) -> str:
    """Return text with unified line ends, no control characters and at most one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if any(mark in text for mark in _ODD_SPACES):
        text = _SPACES.sub(" ", text)
    # Every run of spaces and tabs is one space now: spaces at line ends and starts are single.
    text = text.replace(" \n", "\n").replace("\n ", "\n")
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def cap_utf8(text: str, limit: int = BODY_TEXT_LIMIT) -> str:
    """Return ``text`` cut to at most ``limit`` bytes of UTF-8, on a character boundary."""
    if len(text) * 4 <= limit:
        return text
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return text
    # "ignore" drops only the partial character the byte cut left at the end.
    return encoded[:limit].decode("utf-8", "ignore")
