"""What a message stores so that search can find it: ``search_terms`` and ``search_text``.

``search_terms`` (one multikey index: user, term, newest first) holds, deduplicated:

* every folded word of the subject, sender, recipients, attachment names, snippet and body
  (a CJK run as its overlapping bigrams, and each of its characters alone, so that a
  one-character query finds the character inside a longer run);
* the same words prefixed by their field: ``from:alice``, ``subject:invoice``,
  ``filename:pdf``, ``to:``, ``cc:``, ``bcc:``, ``list:``, ``deliveredto:`` (display names
  of the sender and recipients are words of from/to/cc/bcc: ``to:garcia``);
* whole addresses and their domains: ``from:alice@mail.example.com``,
  ``from:mail.example.com``, ``from:example.com`` (same for to/cc/bcc/list/deliveredto);
* ``label:<id>`` per label, ``has:attachment``, ``rfc822msgid:<id>``;
* ``has:drive``, ``has:document``, ``has:spreadsheet``, ``has:presentation``,
  ``has:youtube`` when the text or the HTML links' targets hold such links (``link_terms``).

So every operator but dates and sizes is an equality on one indexed array: a query with one
term walks the index already in date order and stops after a page.

and, for phrases, the pairs of adjacent words of one field value that are both very
frequent (``of_the``; "_" is never part of a word; ``COMMON_WORDS``), prefixed by the field
(``subject:of_the``) under the same rules as the words (no prefixed pairs of snippet and
body). A phrase of two such words in one field is then one equality instead of a regex.

Bare, the ~100 ``COMMON_WORDS`` and their pairs are not terms: a fifth of a message's words
are such words, and each key of the one large term index is what storing mail costs MongoDB
(their ~41 keys of a message's ~141 were a third of mongod's CPU: ``bench/index_writes.py``).
``common_marks`` holds them instead, a bit string the term index does not carry: a bit per
common word (``COMMON_WORD_BITS``), and each pair of adjacent common words as two bits of a
Bloom filter (``pair_bits``). MongoDB checks them (``$bitsAllSet``) on the messages it reads:
a query of common words alone walks the mailbox newest first — such words are in most mail,
so a page comes after a few dozen messages — and a phrase of them is checked by its regex on
the few messages whose marks hold all its words and pairs.

``search_text`` holds one line per field value, ``<field>: <folded words>``: any other
phrase, and ``a AROUND n b``, are checked by a regex over it (``" w1 w2 w3"``
followed by a space or the line end), run only on the messages the index selected.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from mails.search.folding import cjk_characters, fold, words

# Bodies beyond this are searched by their beginning only: it bounds index entries and the
# stored text of one message (Gmail too indexes only part of very large messages).
MAX_BODY_CHARS = 100_000
ADDRESS_FIELDS = ("from", "to", "cc", "bcc", "list", "deliveredto")
HAS_ATTACHMENT = "has:attachment"
# has:<kind> for links in the text, as Gmail's has:drive/document/spreadsheet/presentation/
# youtube. Docs, Sheets and Slides live in Drive, so their links count for has:drive too.
_LINKS = {
    "document": re.compile(r"docs\.google\.com/document/", re.IGNORECASE),
    "spreadsheet": re.compile(r"docs\.google\.com/spreadsheets/", re.IGNORECASE),
    "presentation": re.compile(r"docs\.google\.com/presentation/", re.IGNORECASE),
    "drive": re.compile(r"(?:drive|docs)\.google\.com/", re.IGNORECASE),
    "youtube": re.compile(
        r"(?:^|[/.\s])(?:youtube\.com/|youtu\.be/|youtube-nocookie\.com/)", re.IGNORECASE
    ),
}
LINK_KINDS = frozenset(_LINKS)
# What every pattern above needs in the lower-cased text (their letters have no other case
# that re's IGNORECASE matches).
_LINK_MARKS = ("google.com/", "youtu")


def label_term(label_id: str) -> str:
    return f"label:{label_id}"


def domain_suffixes(domain: str) -> list[str]:
    """Return ``domain`` and each parent with at least two labels (a.b.c → a.b.c, b.c)."""
    parts = domain.split(".")
    return [".".join(parts[start:]) for start in range(len(parts) - 1) if all(parts[start:])]


def address_terms(field: str, address: str) -> list[str]:
    """Return the whole-address and domain terms of one address (or list id) in ``field``."""
    folded = fold(address).strip()
    if not folded:
        return []
    local, at, domain = folded.rpartition("@")
    terms = [f"{field}:{folded}"]
    if at and local:
        terms.append(f"{field}:{local}")  # from:alice.smith finds alice.smith@example.com
    terms.extend(f"{field}:{suffix}" for suffix in domain_suffixes(domain if at else folded))
    return terms


PAIR_JOINER = "_"
# Pairs are indexed only when both words are among these very frequent (English function)
# words: a phrase of two such words ("of the", "to be") selects most of the mailbox by its
# words, and a regex over all of it is slow; any other phrase has a less frequent word that
# leads the index scan, leaving few messages for the regex. Every pair would quadruple the
# term index and double mongod's indexing CPU (measured by bench/vs_notmuch.py at 10,000
# messages: 58.6 -> 242 MiB, 19 -> 42 s). Changing this set needs a reindex migration.
COMMON_WORDS = frozenset(
    """a about after all also am an and any are as at be been before but by can could did do
    does for from had has have he her here him his how i if in into is it its just me more my
    no not now of on one only or other our out over she so some than that the their them then
    there these they this to too up us was we were what when where which who will with would
    you your""".split()  # noqa: SIM905 - a word list reads better as text
)


# A word's bit in ``common_marks``: its place in the sorted list (changing COMMON_WORDS
# changes them: it needs a reindex migration). Pairs' Bloom bits follow the words' 128.
COMMON_WORD_BITS = {word: bit for bit, word in enumerate(sorted(COMMON_WORDS))}
_PAIR_BASE = 128
# 1,024 bits (the top 10 of two 32-bit products) and two per pair: a message with ~20
# distinct pairs sets ~40, so a pair it does not hold passes with probability ~(40/1024)²
# ≈ 0.15 % (its regex then says no). 144 bytes a message at most, against ~41 index keys.
_PAIR_HASHES = (0x9E3779B1, 0x85EBCA77)
_PAIR_SHIFT = 32 - 10


def is_common_pair(first: str, second: str) -> bool:
    return first in COMMON_WORDS and second in COMMON_WORDS


def pair_bits(first: str, second: str) -> tuple[int, int]:
    """The two ``common_marks`` bits of the pair of common words ``first second``."""
    return _memo_pair_bits(COMMON_WORD_BITS[first], COMMON_WORD_BITS[second])


def marks_of(found: list[str] | tuple[str, ...]) -> int:
    """The ``common_marks`` bits (as an int) of one field value's words, in order."""
    bits = COMMON_WORD_BITS
    marks = 0
    previous: int | None = None
    for word in found:
        bit = bits.get(word)
        if bit is not None:
            marks |= 1 << bit
            if previous is not None:
                for pair_bit in _memo_pair_bits(previous, bit):
                    marks |= 1 << pair_bit
        previous = bit
    return marks


@functools.lru_cache(maxsize=16384)
def _memo_pair_bits(first_bit: int, second_bit: int) -> tuple[int, int]:
    # Fibonacci hashing of the pair's number: the top 10 of 32 bits of two products.
    pair = first_bit * len(COMMON_WORDS) + second_bit
    first, second = (((pair * h) & 0xFFFFFFFF) >> _PAIR_SHIFT for h in _PAIR_HASHES)
    return _PAIR_BASE + first, _PAIR_BASE + second


def marks_bytes(marks: int) -> bytes:
    """``marks`` as MongoDB reads a bit string: bit n is bit n % 8 of byte n // 8."""
    return marks.to_bytes((marks.bit_length() + 7) // 8, "little")


def pair_term(first: str, second: str) -> str:
    return f"{first}{PAIR_JOINER}{second}"


def pair_terms(found: list[str] | tuple[str, ...]) -> list[str]:
    """Return the indexed pair terms of ``found`` (one field value's words, in order)."""
    # ``is_common_pair`` and ``pair_term`` inlined: a body's every pair of words goes by here.
    common = COMMON_WORDS
    return [f"{a}{PAIR_JOINER}{b}" for a, b in pairwise(found) if a in common and b in common]


def message_id_term(message_id: str) -> str:
    return "rfc822msgid:" + fold(message_id).strip().strip("<>")


def _field_values(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (field, text) for every searchable value of the message."""
    values = [("subject", doc.get("subject") or ""), ("from", doc.get("from_name") or "")]
    values.append(("from", doc.get("from_address") or ""))
    for field in ("to", "cc", "bcc"):
        values.extend((field, name) for name in doc.get(f"{field}_names") or [])
        values.extend((field, address) for address in doc.get(f"{field}_addresses") or [])
    values.extend(("deliveredto", address) for address in doc.get("delivered_to") or [])
    values.append(("list", doc.get("list_id") or ""))
    values.extend(("filename", a.get("filename") or "") for a in doc.get("attachments") or [])
    values.append(("snippet", doc.get("snippet") or ""))
    values.append(("body", (doc.get("body_text") or "")[:MAX_BODY_CHARS]))
    # Words only the HTML alternative holds are found too (Gmail searches both).
    values.append(("body", (doc.get("alternative_text") or "")[:MAX_BODY_CHARS]))
    return [(field, text) for field, text in values if text]


# Field values a mailbox repeats (names, addresses, list ids, subjects of a thread) are read
# once per process: their words, pairs and prefixed terms are a pure function of the value.
MEMO_VALUE_CHARS = 300


def search_fields(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``{"search_terms": [...], "search_text": "...", "common_marks": b"..."}`` for
    a message's fields."""
    terms: dict[str, None] = {}
    lines = []
    marks = 0
    for field, value in _field_values(doc):
        if len(value) <= MEMO_VALUE_CHARS:
            line, value_terms, value_marks = _memo_value_terms(field, value)
        else:
            line, value_terms, value_marks = _value_terms(field, value)
        if line:
            lines.append(line)
            _add(terms, value_terms)
            marks |= value_marks
    for field, value in _address_values(doc):
        _add(terms, _memo_address_terms(field, value))
    _add(terms, (label_term(label) for label in doc.get("label_ids") or []))
    if doc.get("attachments"):
        terms[HAS_ATTACHMENT] = None
    _add(terms, link_terms(doc))
    if doc.get("rfc822_message_id"):
        terms[message_id_term(doc["rfc822_message_id"])] = None
    return {
        "search_terms": list(terms),
        "search_text": "\n".join(lines),
        "common_marks": marks_bytes(marks),
    }


def _value_terms(field: str, value: str) -> tuple[str, tuple[str, ...], int]:
    """Return the ``search_text`` line of one field value ('' if it has no words), its terms
    and its ``common_marks`` bits."""
    found = words(value)
    if not found:
        return "", (), 0
    line = f"{field}: {' '.join(found)}"
    cjk = cjk_characters(line) if not value.isascii() else []
    terms: list[str] = []
    marks = 0
    if field != "deliveredto":  # a bare word is not looked for in delivery headers
        # Common words and their pairs as marks, not terms (see the module's docstring).
        common = COMMON_WORDS
        terms.extend(word for word in found if word not in common)
        terms.extend(cjk)
        marks = marks_of(found)
    if field not in {"snippet", "body"}:
        # Pairs of the words as the line holds them (CJK bigrams included), before the lone
        # CJK characters are added: a phrase is adjacency on the line.
        prefixed = [*found, *pair_terms(found), *cjk]
        terms.extend(f"{field}:{word}" for word in prefixed)
    return line, tuple(terms), marks


_memo_value_terms = functools.lru_cache(maxsize=8192)(_value_terms)


@functools.lru_cache(maxsize=4096)
def _memo_address_terms(field: str, address: str) -> tuple[str, ...]:
    return tuple(address_terms(field, address))


def link_terms(doc: Mapping[str, Any]) -> list[str]:
    """Return ``has:drive`` etc. for the kinds of Google/YouTube links in the message: in its
    text, or only in the targets of its HTML links (``links``: "click here" to a video)."""
    body = (doc.get("body_text") or "")[:MAX_BODY_CHARS]
    text = "\n".join([body, doc.get("snippet") or "", *(doc.get("links") or [])])
    low = text.lower()
    if not any(mark in low for mark in _LINK_MARKS):
        return []  # most mail: one scan of the text instead of one per kind of link
    return [f"has:{kind}" for kind, pattern in _LINKS.items() if pattern.search(text)]


def _address_values(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    values = [("from", doc.get("from_address") or ""), ("list", doc.get("list_id") or "")]
    for field in ("to", "cc", "bcc"):
        values.extend((field, address) for address in doc.get(f"{field}_addresses") or [])
    values.extend(("deliveredto", address) for address in doc.get("delivered_to") or [])
    return [(field, value) for field, value in values if value]


def _add(terms: dict[str, None], new: Iterable[str]) -> None:
    # One C-level update, not a Python loop: a message adds a few hundred terms. New terms
    # are appended in order; a term seen before keeps its place, as a loop would leave it.
    terms.update(dict.fromkeys(new))
