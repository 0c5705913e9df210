"""Mark the searched words in untrusted mail text, and link its plain web addresses.

Everything from the mail is escaped; the only markup in the output is ours: ``<mark>`` around
matches and ``<a>`` around plain http(s) URLs. Matching uses the search core's normaliser
(NFKD, combining marks stripped, casefolded), so the query "cafe" marks "Café" the way the
search found it. Each original character is normalised on its own and the normalised text
keeps, per character, the index of the original character it came from; a match found in
the normalised text is marked on the original characters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mails.search import fold, words
from mails.search.folding import CJK_CLASS, merge_bigrams

# A plain web address; what ends it is whitespace, a quote, an angle bracket or a control.
_URL = re.compile(r"""\bhttps?://[^\s<>"'\x00-\x1f\x7f]+""", re.IGNORECASE)
# Punctuation that ends a sentence rather than the address it follows.
_URL_TRAILING = ".,;:!?'\")]}*"
_LINK_REL = "noopener noreferrer nofollow"
# The search core's words are runs of letters and digits ("_" separates, as in Gmail).
_WORD_CHAR = r"[^\W_]"
_SEPARATOR = r"[\W_]+"
# CJK text has no spaces: a match may start or end next to a word character when the
# character on either side of the edge is CJK (its words are bigrams of a longer run).
_START = rf"(?:(?<!{_WORD_CHAR})|(?<={CJK_CLASS})|(?={CJK_CLASS}))"
_END = rf"(?:(?!{_WORD_CHAR})|(?={CJK_CLASS})|(?<={CJK_CLASS}))"


@functools.lru_cache(maxsize=8192)
def _normalize_char(char: str) -> str:
    return fold(char)


def _normalized_with_origins(text: str) -> tuple[str, Sequence[int]]:
    """Return the normalised text and, per normalised character, its original index."""
    if text.isascii():
        # Most mail: one character in, one out, and no Python loop over a long body.
        return text.lower(), range(len(text))
    pieces = [_normalize_char(char) for char in text]
    origins = [index for index, piece in enumerate(pieces) for _ in piece]
    return "".join(pieces), origins


@functools.lru_cache(maxsize=256)
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex matching any term as whole words, as the search core splits words
    (letters and digits); a phrase's words may be apart by any run of other characters,
    as "next steps" finds "next, steps" and "next\\nsteps"."""
    alternatives = {
        _SEPARATOR.join(re.escape(word) for word in term_words)
        for term_words in (merge_bigrams(words(term)) for term in terms)
        if term_words
    }
    if not alternatives:
        return None
    # Longest first, so a phrase wins over one of its own words at the same place.
    ordered = sorted(alternatives, key=len, reverse=True)
    return re.compile(rf"{_START}(?:{'|'.join(ordered)}){_END}")


def _match_spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Return the (start, end) spans of ``pattern``'s matches in the original ``text``."""
    normalized, origins = _normalized_with_origins(text)
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(normalized):
        start, end = origins[match.start()], origins[match.end() - 1] + 1
        # Take trailing combining marks along, so "e" + U+0301 is not split by </mark>.
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        if spans and start < spans[-1][1]:
            # Both matches reach into one character that folds to several ("4¼1" folds to
            # "41⁄41"): mark them as one span, or that character would be written twice.
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _highlight_with(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None or not text:
        return str(escape(text))
    parts: list[str] = []
    done = 0
    for start, end in _match_spans(text, pattern):
        parts.append(escape(text[done:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        done = end
    parts.append(escape(text[done:]))
    return "".join(parts)


def highlight(text: str, terms: Sequence[str]) -> SafeString:
    """Return ``text`` escaped, with every whole-word match of ``terms`` in ``<mark>``."""
    return mark_safe(_highlight_with(text, _term_pattern(tuple(terms))))  # noqa: S308 - escaped above


def _split_trailing(url: str) -> tuple[str, str]:
    """Split sentence punctuation off a URL's end; keep a ")" that closes one in the URL."""
    end = len(url)
    while end and url[end - 1] in _URL_TRAILING:
        if url[end - 1] == ")" and url[:end].count("(") >= url[:end].count(")"):
            break
        end -= 1
    return url[:end], url[end:]


def is_plain_web_url(url: str) -> bool:
    """Whether ``url`` is an http(s) address with a host and no user info.

    User info is refused because "https://bank.example@evil.example/" reads as the bank
    but goes elsewhere.
    """
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(hostname) and "@" not in parts.netloc


def _link(url: str, pattern: re.Pattern[str] | None) -> str:
    return (
        f'<a href="{escape(url)}" rel="{_LINK_REL}" target="_blank">'
        f"{_highlight_with(url, pattern)}</a>"
    )


def linkify(text: str, terms: Sequence[str] = ()) -> SafeString:
    """Return ``text`` escaped and highlighted, with plain http(s) URLs as safe links.

    Anything else that looks like a link (javascript:, data:, mailto:, an address with user
    info) stays plain text.
    """
    pattern = _term_pattern(tuple(terms))
    parts: list[str] = []
    done = 0
    for match in _URL.finditer(text):
        url, _ = _split_trailing(match.group())
        if not is_plain_web_url(url):
            continue
        parts.append(_highlight_with(text[done : match.start()], pattern))
        parts.append(_link(url, pattern))
        done = match.start() + len(url)
    parts.append(_highlight_with(text[done:], pattern))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped or our own markup
