"""Words as Gmail (and Mailbox's search) match them, for the emulator's own ``q``.

The emulator stands in for Gmail in the app's tests, so its ``messages.list?q=`` must read
a query the way Mailbox's search does (``mails/search/folding.py`` and ``index.py``, whose
rules are restated here rather than imported: the emulator imports nothing from the apps).

* **Folding**: casefold, NFKD, drop the marks of Latin, Greek and Cyrillic letters only,
  NFC: ``é`` is ``e``, but Japanese バ (ハ + a voiced mark) stays apart from ハ.
* **Words** are runs of letters and digits; a run of Han, Hiragana, Katakana or Hangul is
  cut into overlapping bigrams (``東京都`` → ``東京 京都``), and each such character is a
  term of its own, so a word inside a longer run is found.
* Each message is a set of **terms** (bare words; words prefixed by their field:
  ``from:garcia``, ``subject:offer``; whole addresses, local parts and domain suffixes:
  ``to:sam@x.example``, ``to:x.example``; ``has:drive`` … for links) and one **line** per
  field value, ``<field>: <words>``, over which phrases and AROUND are regexes: a phrase
  or an AROUND pair is found within one field value, never across two.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.utils import getaddresses
from typing import Protocol

# Han (with extensions and compatibility ideographs), Hiragana, Katakana (with halfwidth
# forms and phonetic extensions), Hangul syllables and jamo.
_CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u309f\u30a0-\u30ff\u3131-\u318e\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]+"
)
_MARK_CLASS = "".join(
    re.escape(chr(c)) for c in range(0x10000) if unicodedata.category(chr(c)).startswith("M")
)
# Letters and digits of any script, with the marks that belong to them; "_" is no letter.
_WORD = re.compile(f"[^\\W_](?:[^\\W_]|[{_MARK_CLASS}])*")
_LEADING_MARKS = re.compile(f"^[{_MARK_CLASS}]+")
# Marks after a Latin, Greek or Cyrillic letter (or after nothing, or punctuation) go.
_FOLDED_MARKS = re.compile(
    "(^|[\x00-\u02af\u0370-\u052f\u1c80-\u1c8f\u1d00-\u1dbf\u1e00-\u1fff"
    f"\u2c60-\u2c7f\ua640-\ua69f\ua720-\ua7ff\uab30-\uab6f])[{_MARK_CLASS}]+"
)
# Bodies beyond this are searched by their beginning only, as Mailbox stores them.
MAX_BODY_CHARS = 100_000
# has:<kind> for links: Docs, Sheets and Slides live in Drive, so they count for has:drive.
LINKS = {
    "document": re.compile(r"docs\.google\.com/document/", re.I),
    "spreadsheet": re.compile(r"docs\.google\.com/spreadsheets/", re.I),
    "presentation": re.compile(r"docs\.google\.com/presentation/", re.I),
    "drive": re.compile(r"(?:drive|docs)\.google\.com/", re.I),
    "youtube": re.compile(r"(?:^|[/.\s])(?:youtube\.com/|youtu\.be/|youtube-nocookie\.com/)", re.I),
}
_ADDRESS_FIELDS = {"from": ("from",), "to": ("to",), "cc": ("cc",), "bcc": ("bcc",)}
_DELIVERED = ("delivered-to", "x-original-to")
_ANGLE = re.compile(r"<([^<>]*)>")
# A display name's word (a piece of "Doe, Jane" split at its comma), and bare addresses.
_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_.'-]*(?:[ .'-][^\W\d_]+)*")
_QUOTED_LOCAL = re.compile(r'"(?:[^"\\]|\\.){0,200}"@[^\s@]{1,255}')
_BARE_ADDRESS = re.compile(r"[^\s<>,;:\"()@]{1,200}@[^\s<>,;:\"()@]{1,200}")
# A parenthesised comment of an address header, innermost level.
_COMMENT = re.compile(r"\([^()]*\)")


def _strip_marks(text: str) -> str:
    return unicodedata.normalize(
        "NFC", _FOLDED_MARKS.sub(r"\1", unicodedata.normalize("NFKD", text))
    )


def fold(text: str) -> str:
    """Return ``text`` casefolded and without Latin, Greek or Cyrillic accents."""
    if text.isascii():
        return text.lower()
    return _strip_marks(_strip_marks(text).casefold()).casefold()


def _split_cjk(word: str) -> Iterator[str]:
    start = 0
    for run in _CJK.finditer(word):
        piece = _LEADING_MARKS.sub("", word[start : run.start()])
        if piece:
            yield piece
        chars = run.group()
        yield from [chars] if len(chars) == 1 else (chars[i : i + 2] for i in range(len(chars) - 1))
        start = run.end()
    piece = _LEADING_MARKS.sub("", word[start:])
    if piece:
        yield piece


def words(text: str) -> list[str]:
    """Return the folded words of ``text`` in order, CJK runs as their bigrams."""
    folded = fold(text)
    found = _WORD.findall(folded)
    if text.isascii() or not _CJK.search(folded):
        return found
    return [
        piece for word in found for piece in (_split_cjk(word) if _CJK.search(word) else [word])
    ]


def domain_suffixes(domain: str) -> list[str]:
    """Return ``domain`` and each parent with at least two labels (a.b.c → a.b.c, b.c)."""
    parts = domain.split(".")
    return [".".join(parts[start:]) for start in range(len(parts) - 1) if all(parts[start:])]


def address_terms(field: str, address: str) -> list[str]:
    """Return the whole-address, local-part and domain terms of an address in ``field``."""
    folded = fold(address).strip()
    if not folded:
        return []
    local, at, domain = folded.rpartition("@")
    terms = [f"{field}:{folded}"]
    if at and local:
        terms.append(f"{field}:{local}")
    terms.extend(f"{field}:{suffix}" for suffix in domain_suffixes(domain if at else folded))
    return terms


def message_id_term(message_id: str) -> str:
    return "rfc822msgid:" + fold(message_id).strip().strip("<>")


class Searchable(Protocol):
    """What the index is built from: a parsed message (``google_emulator.mime``)."""

    snippet: str
    body_text: str
    alternative_text: str
    filenames: list[str]
    links: list[str]

    @property
    def has_attachment(self) -> bool: ...

    def header_values(self, name: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """One message's terms and its ``<field>: <words>`` lines (joined by newlines)."""

    terms: frozenset[str]
    text: str


def build_index(message: Searchable) -> SearchIndex:
    """Return the terms and lines Mailbox's search would store for ``message``."""
    values, addresses = _field_values(message)
    terms: dict[str, None] = {}
    lines: list[str] = []
    for field, value in values:
        found = words(value)
        if not found:
            continue
        lines.append(f"{field}: {' '.join(found)}")
        if not value.isascii():
            found.extend(char for run in _CJK.findall(lines[-1]) for char in run)
        if field != "deliveredto":  # a bare word is not looked for in delivery headers
            terms.update(dict.fromkeys(found))
        if field not in ("snippet", "body"):
            terms.update(dict.fromkeys(f"{field}:{word}" for word in found))
    for field, address in addresses:
        terms.update(dict.fromkeys(address_terms(field, address)))
    link_text = "\n".join([message.body_text[:MAX_BODY_CHARS], message.snippet, *message.links])
    terms.update(dict.fromkeys(f"has:{kind}" for kind, rx in LINKS.items() if rx.search(link_text)))
    if message.has_attachment:
        terms["has:attachment"] = None
    message_ids = message.header_values("message-id")
    if message_ids and message_ids[0].strip():
        terms[message_id_term(message_ids[0])] = None
    return SearchIndex(frozenset(terms), "\n".join(lines))


def _field_values(message: Searchable) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return (field, text) of every searchable value, and (field, address) of addresses."""
    values: list[tuple[str, str]] = [("subject", _first(message, "subject"))]
    addresses: list[tuple[str, str]] = []
    for field in ("from", "to", "cc", "bcc"):
        headers = (
            message.header_values(field)[:1] if field == "from" else message.header_values(field)
        )
        pairs = _pairs(headers)[:1] if field == "from" else _pairs(headers)
        values.extend((field, name) for name in dict.fromkeys(n for n, _ in pairs if n.strip()))
        found = list(dict.fromkeys(address for _, address in pairs if address))
        values.extend((field, address) for address in found)
        addresses.extend((field, address) for address in found)
    delivered = list(
        dict.fromkeys(a for name in _DELIVERED for _, a in _pairs(message.header_values(name)) if a)
    )
    values.extend(("deliveredto", address) for address in delivered)
    addresses.extend(("deliveredto", address) for address in delivered)
    list_id = _list_id(_first(message, "list-id"))
    values.append(("list", list_id))
    addresses.append(("list", list_id))
    values.extend(("filename", name) for name in message.filenames)
    values.append(("snippet", html.unescape(message.snippet)))
    values.append(("body", message.body_text[:MAX_BODY_CHARS]))
    values.append(("body", message.alternative_text[:MAX_BODY_CHARS]))
    return [(f, v) for f, v in values if v], [(f, a) for f, a in addresses if a]


def _first(message: Searchable, name: str) -> str:
    found = message.header_values(name)
    return found[0] if found else ""


def _pairs(headers: Iterable[str]) -> list[tuple[str, str]]:
    """Return (display name, address) of every address in the header values, read as
    Mailbox reads them: ``;`` separates too, an entry that is a name alone ("MAILER DAEMON")
    is that name with no address, a display name cut at a comma (Gmail hands
    ``=?utf-8?q?Doe=2C_Jane?=`` over decoded) is put back together, words written before a
    bare address are a name, and an address without a local part is none."""
    values = [", ".join(_named_entry(e) for e in _entries(value)) for value in headers]
    merged: list[tuple[str, str]] = []
    carry: list[tuple[str, str]] = []
    for name, address in getaddresses(values):
        if (not name and _NAME_WORD.fullmatch(address.strip())) or (name and not address.strip()):
            carry.append((name, address))
            continue
        if carry and name:
            name = ", ".join([*(n or a for n, a in carry), name])
        else:
            merged.extend(carry)
        carry = []
        merged.append((name, address))
    merged.extend(carry)
    pairs = [
        (name, _clean_address(address))
        for name, address in merged
        if _clean_address(address) or (name.strip() and not address.strip())
    ]
    if not pairs and any("@" in value for value in values):
        # "a@x b@x" without commas: keep the addresses that are written.
        pairs = [("", found.lower()) for v in values for found in _BARE_ADDRESS.findall(v)]
    return pairs


def _entries(value: str) -> list[str]:
    """The entries of an address list, split at ``,`` and ``;`` outside quotes, angle
    brackets and comments."""
    entries: list[str] = []
    start, depth, quoted, escaped = 0, 0, False, False
    for index, char in enumerate(value):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "<(":
            depth += 1
        elif char in ">)":
            depth = max(0, depth - 1)
        elif char in ",;" and depth == 0:
            entries.append(value[start:index])
            start = index + 1
    entries.append(value[start:])
    return entries


def _named_entry(entry: str) -> str:
    """``entry``, or a name alone quoted before an empty address (as the stdlib reads it)."""
    name = _name_alone(entry)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '" <>' if name else entry


def _name_alone(value: str) -> str:
    """The name of an address-list entry that is one display name of several words and no
    address, else ''."""
    if any(c in _COMMENT.sub("", value) for c in "@<>,;:"):
        return ""
    name = value.strip()
    if len(name) > 1 and name[0] == name[-1] == '"':
        name = name[1:-1].strip()
    # "john (John Smith)" is a local user and a comment; "Yum Brands (KFC, …)" is a name.
    return name if any(c.isspace() for c in _COMMENT.sub("", name).strip()) else ""


def _clean_address(address: str) -> str:
    address = address.strip().strip("<> ")
    if len(address) > 1 and address[0] == address[-1] and address[0] in "\"'":
        address = address[1:-1].strip()
    if any(c.isspace() for c in address) and not _QUOTED_LOCAL.fullmatch(address):
        address = next((w for w in reversed(address.split()) if "@" in w), "")
    return "" if not address or address.startswith("@") else address.lower()


def _list_id(value: str) -> str:
    """Return the identifier of a List-Id header (RFC 2919: ``Name <list.example.com>``)."""
    match = _ANGLE.search(value)
    return (match.group(1) if match else value).strip().lower()
