"""Header values → decoded text, addresses and dates, tolerating what real mail sends.

Values arrive either from Python's parser (``raw_items()``: folded, RFC 2047 still encoded,
8-bit bytes as surrogate escapes) or from a Gmail ``full`` payload (usually decoded by
Gmail already). Both go through the same functions, so both formats give the same fields.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import functools
import re
from datetime import UTC, datetime

from mails.parsing.charsets import (
    clean_str,
    decode_text,
    superset_codec,
    undo_cjk_mislabel,
    undo_double_utf8,
    unescape_header_bytes,
)
from mails.parsing.notes import NoteRecorder, Notes, replay

# Encoded-text may not hold "?" or whitespace by RFC 2047; real mailers put spaces in it,
# so only "?" ends a word. Bounded classes keep the scan linear.
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,80})\?([bBqQ])\?([^?]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_WS = re.compile(r"\s+")
_ANGLE = re.compile(r"<([^<>]*)>")
# A quoted local part may hold spaces: '"quoted local"@example.com' is one address.
_QUOTED_LOCAL = re.compile(r'"(?:[^"\\]|\\.){0,200}"@[^\s@]{1,255}')
# A display-name word cut off at a comma ("Doe" of "Doe, Jane <j@x>"): letters only, so a
# UUCP path (ucbvax!seismo!user) or another bare local part is never taken for one.
_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_.'-]*(?:[ .'-][^\W\d_]+)*")
# A parenthesised comment of an address header, innermost level.
_COMMENT = re.compile(r"\([^()]*\)")
_BARE_ADDRESS = re.compile(r"[^\s<>,;:\"()@]{1,200}@[^\s<>,;:\"()@]{1,200}")
# Sane bounds for a Date header; anything outside is a sender's clock or a parser's guess.
_MIN_YEAR, _MAX_YEAR = 1900, 2200


def escape_raw_words(value: str) -> str:
    """Return ``value`` with raw 8-bit bytes inside Q encoded-words written as ``=XX``.

    Python's parser keeps 8-bit header bytes as surrogate escapes; inside an encoded-word
    they belong to the word's declared charset (``=?iso-8859-1?Q?Fr\xf6sche?=``), so they
    are escaped before the header as a whole is read as UTF-8 or the body's charset.
    """
    if "=?" not in value or value.isascii():
        return value
    return _ENCODED_WORD.sub(_escape_word, value)


def _escape_word(match: re.Match[str]) -> str:
    label, encoding, text = match.groups()
    if encoding not in "qQ" or text.isascii():
        return match.group(0)
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return match.group(0)
    escaped = "".join(chr(b) if b < 0x80 else f"={b:02X}" for b in data)
    return f"=?{label}?{encoding}?{escaped}?="


def unfold(value: str) -> str:
    """Return a header value on one line, 8-bit bytes decoded."""
    value = _FOLD.sub("", unescape_header_bytes(escape_raw_words(value)))
    return value.replace("\r", " ").replace("\n", " ")


def _word_text_bytes(text: str, label: str, notes: Notes, where: str) -> bytes:
    """Return the bytes of a Q word's text, raw 8-bit bytes included.

    Mailers put unencoded 8-bit bytes inside a Q word (``=?iso-8859-1?Q?Fr\xf6sche?=``);
    the header reader has decoded them already, so they are encoded back in the word's
    own charset, which gives the sent bytes whenever the two readings agree.
    """
    if text.isascii():
        return text.encode("ascii")
    codec = superset_codec(label)
    if codec and not codec.startswith(("utf-16", "utf-32")):
        try:
            return text.encode(codec)
        except UnicodeEncodeError:
            pass
    notes.add(f"{where}: 8-bit bytes in an encoded-word do not fit its charset {label!r}")
    return text.encode("utf-8")


def _decode_word_bytes(
    encoding: str, text: str, label: str, notes: Notes, where: str
) -> bytes | None:
    """Return the bytes of one encoded-word's text, or None if it is not decodable."""
    if encoding in "qQ":
        return binascii.a2b_qp(_word_text_bytes(text, label, notes, where), header=True)
    text = text.strip()
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        notes.add(f"{where}: bad base64 in an encoded-word")
    if len(text) % 4 == 1:  # one stray character can never be base64 data
        text = text[:-1]
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _decode_run(data: bytes, label: str, notes: Notes, where: str) -> str:
    """Return the text of adjacent encoded-words in one charset, double encoding undone."""
    text = decode_text(data, label, notes, where)
    repaired = undo_double_utf8(text)
    if repaired is None:
        return text
    notes.add(f"{where}: double-encoded UTF-8 repaired")
    return repaired


def decode_words(value: str, notes: Notes, where: str) -> str:
    """Return ``value`` with RFC 2047 encoded-words decoded, leniently.

    Adjacent words in one charset are joined before decoding, because mailers split a
    multi-byte character across two words; whitespace between words is dropped (RFC 2047
    §6.2). A word that cannot be decoded is kept as written and noted.
    """
    if "=?" not in value:
        return value
    out: list[str] = []
    label, pending = "", bytearray()
    after_word = False  # the previous token was a decoded word
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        position = match.end()
        data = _decode_word_bytes(match.group(2), match.group(3), match.group(1), notes, where)
        word_label = match.group(1).lower()
        if pending and (gap.strip() or data is None or word_label != label):
            out.append(_decode_run(bytes(pending), label, notes, where))
            pending = bytearray()
        if gap.strip() or not after_word:
            out.append(gap)
        if data is None:
            notes.add(f"{where}: undecodable encoded-word")
            out.append(match.group(0))
            after_word = False
            continue
        label, after_word = word_label, True
        pending += data
    if pending:
        out.append(_decode_run(bytes(pending), label, notes, where))
    out.append(value[position:])
    return "".join(out)


def decode_unstructured(value: str, notes: Notes, where: str) -> str:
    """Return a free-text header (Subject) decoded, on one line, whitespace collapsed.

    Double-encoded UTF-8 ("FrÃ¶sche") and CJK text decoded with the wrong CJK charset are
    repaired in the whole value, not only inside encoded-words: Gmail's ``full`` headers
    arrive decoded already.
    """
    text = decode_words(unfold(value), notes, where)
    repaired = undo_double_utf8(text)
    if repaired is not None:
        notes.add(f"{where}: double-encoded UTF-8 repaired")
        text = repaired
    reread = undo_cjk_mislabel(text)
    if reread is not None:
        notes.add(f"{where}: CJK text read with the wrong charset, read as {reread[0]}")
        text = reread[1]
    return clean_str(_WS.sub(" ", text).strip())


def _merge_split_names(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return address pairs with display names that were cut at a comma put back together.

    Gmail hands ``full`` headers over decoded, so ``=?utf-8?q?Doe=2C_Jane?= <j@x>`` arrives
    as ``Doe, Jane <j@x>``, which splits into a bare "Doe" (or a name alone, "Van Doe") and
    "Jane <j@x>".
    """
    merged: list[tuple[str, str]] = []
    carry: list[tuple[str, str]] = []
    for name, address in pairs:
        if (not name and _NAME_WORD.fullmatch(address.strip())) or (name and not address.strip()):
            carry.append((name, address))
            continue
        if carry and name:
            name = ", ".join([*(n or a for n, a in carry), name])
        else:
            # Not a name cut at its comma: bare local parts ("To: abel, bianchi, nsb@flash",
            # as old Unix mail wrote local users) and names alone, each a recipient of its own.
            merged.extend(carry)
        carry = []
        merged.append((name, address))
    merged.extend(carry)
    return merged


def _clean_address(address: str, notes: Notes, where: str) -> str:
    """Return one address decoded, unquoted, lower-cased; '' if nothing usable is left."""
    address = decode_words(address, notes, where).strip().strip("<> ")
    if len(address) > 1 and address[0] == address[-1] and address[0] in "\"'":
        address = address[1:-1].strip()  # the whole address quoted; a quoted local part stays
    if any(c.isspace() for c in address) and not _QUOTED_LOCAL.fullmatch(address):
        # "Big Bug bb@bug.com": words before a bare address are a name written without <>.
        address = next((w for w in reversed(address.split()) if "@" in w), "")
    if not address or address.startswith("@"):
        return ""  # no local part left: nothing to write to
    return clean_str(address.lower())[:500]


# Address headers repeat across a mailbox (the owner in To and Delivered-To, the same senders):
# their parse, the stdlib's getaddresses most of all, was a third of a message's parse. Longer
# values are rare and parsed each time.
MEMO_VALUE_CHARS = 2000


def parse_addresses(value: str, notes: Notes, where: str) -> list[tuple[str, str]]:
    """Return (display name, lower-cased address) pairs of an address header.

    Addresses are split before encoded-words are decoded, so a comma inside an encoded
    display name cannot split it. ``;`` is accepted as a separator, as Outlook users type it.
    """
    if len(value) > MEMO_VALUE_CHARS:
        return _parse_addresses(value, notes, where)
    pairs, added = _memo_addresses(value, where)
    replay(notes, added)
    return list(pairs)


@functools.lru_cache(maxsize=4096)
def _memo_addresses(value: str, where: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    recorder = NoteRecorder()
    pairs = _parse_addresses(value, recorder, where)
    return tuple(pairs), tuple(recorder.added)


def _parse_addresses(value: str, notes: Notes, where: str) -> list[tuple[str, str]]:
    value = unfold(value)
    if not value.strip():
        return []
    entries = [_named_entry(entry, notes, where) for entry in _entries(value)]
    try:
        pairs = email.utils.getaddresses([", ".join(entries)])
    except Exception:  # noqa: BLE001 -- the stdlib parser has raised on odd input before
        notes.add(f"{where}: unparseable addresses")
        return []
    result: list[tuple[str, str]] = []
    for name, address in _merge_split_names(pairs):
        cleaned = _clean_address(address, notes, where)
        if cleaned:
            result.append((decode_unstructured(name, notes, where), cleaned))
        elif name.strip() and not address.strip():
            # "Jane Doe <>": a name with an empty address, kept as who wrote (or was sent) it.
            result.append((decode_unstructured(name, notes, where), ""))
    if not result and "@" in value:
        # "a@x b@x" without commas splits into nonsense: keep the addresses that are written.
        result = [("", m.lower()) for m in _BARE_ADDRESS.findall(value)]
        if result:
            notes.add(f"{where}: addresses without separators")
    return result


def _entries(value: str) -> list[str]:
    """The entries of an address list: ``value`` split at each ``,`` or ``;`` (Outlook's
    separator) outside quotes, angle brackets and comments."""
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


def _named_entry(entry: str, notes: Notes, where: str) -> str:
    """``entry``, or, when it is a name alone, that name quoted before an empty address, as
    the stdlib reads it (it would take the first word of "Jane Doe" for an address)."""
    name = _name_alone(entry, notes, where)
    if not name:
        return entry
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '" <>'


def _name_alone(value: str, notes: Notes, where: str) -> str:
    """Return the name of an address-list entry that is one display name and no address
    ("From: Mail Delivery Subsystem", '"Jane Doe"'), else ''. One bare word stays a local
    user ("To: abel"), and so does one with a comment ("MAILER-DAEMON (Mail Delivery
    System)"); a group's name ("undisclosed recipients:") is none."""
    if any(c in _COMMENT.sub("", value) for c in "@<>,;:"):
        return ""
    name = decode_unstructured(value, notes, where).strip()
    if len(name) > 1 and name[0] == name[-1] == '"':
        name = name[1:-1].strip()
    # "john (John Smith)" is a local user and a comment; "Yum Brands (KFC, …)" is a name.
    if not any(c.isspace() for c in _COMMENT.sub("", name).strip()):
        return ""
    notes.add(f"{where}: a name without an address")
    return name[:500]


def parse_date(value: str, notes: Notes) -> datetime | None:
    """Return the Date header as an aware UTC datetime; None (and a note) if unusable."""
    value = _WS.sub(" ", unfold(value)).strip()
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is None or not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        notes.add(f"bad Date header {clean_str(value)[:60]!r}")
        return None
    if parsed.tzinfo is None:  # "-0000": UTC, with the sender's zone unknown (RFC 5322)
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        notes.add(f"bad Date header {clean_str(value)[:60]!r}")
        return None


def parse_message_id(value: str) -> str:
    """Return the first ``<id>`` of a Message-ID header, or the trimmed value."""
    value = unfold(value).strip()
    match = _ANGLE.search(value)
    found = f"<{match.group(1).strip()}>" if match else value.split(" ", 1)[0]
    return clean_str(found)[:1000]


# An answer's References and In-Reply-To hold its ancestors' ids; a long thread's can run to
# hundreds. The nearest ancestors (the last ones) are what links an answer to what it answers.
MAX_REFERENCES = 20


def parse_message_ids(value: str) -> list[str]:
    """Return the ``<id>``s of a References or In-Reply-To header, in order, each once."""
    found = [f"<{match.group(1).strip()}>" for match in _ANGLE.finditer(unfold(value))]
    unique = [clean_str(i)[:1000] for i in dict.fromkeys(found) if len(i) > 2]
    return unique[-MAX_REFERENCES:]


def parse_list_id(value: str, notes: Notes) -> str:
    """Return the identifier of a List-Id header (RFC 2919: ``Name <list.example.com>``)."""
    value = unfold(value).strip()
    match = _ANGLE.search(value)
    found = match.group(1).strip() if match else decode_words(value, notes, "List-Id")
    return clean_str(found.lower())[:1000]
