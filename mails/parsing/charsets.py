"""Bytes in a declared charset → text, never failing, noting what had to be guessed."""

from __future__ import annotations

import codecs
import functools
import re

from mails.parsing import cjk
from mails.parsing.notes import Notes

UTF8 = "utf-8"
# Last resort for bytes that are not UTF-8: every byte maps to something, and in mail the
# bytes 0x80–0x9F are far more often Windows punctuation than C1 controls (WHATWG does the same).
FALLBACK = "cp1252"

# Labels seen in mail that Python's codec registry does not know.
_ALIASES = {
    "windows-874": "cp874",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "ucs-2": "utf-16",
    "unicode": "utf-16",
    "x-gbk": "gbk",
    "x-euc-jp": "euc_jp",
    "x-euc-kr": "euc_kr",
    "iso-8859-8-i": "iso8859-8",
    "iso-8859-8-e": "iso8859-8",
    "iso-8859-6-i": "iso8859-6",
    "iso-8859-6-e": "iso8859-6",
}
# Senders label text with a legacy name and use its superset's extra characters; decoding
# with the superset is what every mail client does (WHATWG Encoding Standard).
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}
# Codecs that are "text encodings" to Python but would turn mail into nonsense or raise
# exotic errors (IDNA label rules, backslash escapes).
_REFUSED = frozenset(
    {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "unicode_escape"}
)
_STATEFUL_7BIT = ("iso2022", "hz", "utf-7")
# Windows mailers' ISO-2022-JP (Microsoft's CP50220/50221) also carries NEC's special
# characters (row 13: ①, №, ㈱) and IBM's extensions, which Python's iso2022_jp refuses:
# its JIS pairs are Shift_JIS pairs by arithmetic, which cp932 reads. Tried after the
# strict codec, so standard text keeps the standard mapping (WAVE DASH stays U+301C).
_JIS_AS_CP932 = "iso2022_jp+cp932"
_JIS_MODES = {b"$B": "jis", b"$@": "jis", b"(B": "ascii", b"(J": "ascii", b"(I": "kana"}
_WIDE = ("utf-16", "utf-32")
_MULTIBYTE = ("utf", "gb", "big5", "cp932", "cp949", "cp950", "shift_jis", "euc_", "johab")
_HIGH_BYTES = bytes(range(0x80, 0x100))
# A truncated slice can end inside a multi-byte sequence; an error this close to the cut is
# the cut's fault, not the data's.
_CUT_SLACK = 8


def normalize_label(label: str | None) -> str:
    """Return a charset label as written, cleaned of quotes, case and RFC 2231 language."""
    if not label:
        return ""
    label = label.strip().strip("\"'").strip().lower()
    label = label.split("*", 1)[0]
    # Quoted-printable damage: "charset=3Dutf-8" is "charset=utf-8" encoded twice.
    if label.startswith("3d") and codec_for(label[2:]):
        label = label[2:]
    return label


@functools.lru_cache(maxsize=256)
def codec_for(label: str) -> str | None:
    """Return Python's canonical codec name for a charset label, or None if unusable."""
    label = _ALIASES.get(label, label)
    if not label or len(label) > 64:
        return None
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError, TypeError):
        return None
    # base64, zlib, rot13 ... are codecs too, but bytes-to-bytes: not a charset.
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return info.name


def superset_codec(label: str | None) -> str | None:
    """Return the codec to read text labelled ``label`` with: its usual superset, or None."""
    codec = codec_for(normalize_label(label))
    return _SUPERSETS.get(codec, codec) if codec else None


def _candidates(codec: str | None, data: bytes, gmail_normalized: bool) -> list[str]:
    """Return the codecs to try strictly, in order, for ``data`` labelled ``codec``."""
    if codec is None or codec == UTF8:
        return [UTF8]
    superset = _SUPERSETS.get(codec, codec)
    declared = list(dict.fromkeys([superset, codec]))
    if codec.startswith(_WIDE):
        # Gmail's UTF-8 has no NUL bytes; UTF-16/32 text almost always does.
        return [UTF8, *declared] if gmail_normalized and b"\x00" not in data else declared
    if codec.startswith("iso2022_jp"):
        declared = [codec, _JIS_AS_CP932]
    if codec.startswith(_STATEFUL_7BIT):
        # ISO-2022 and HZ need escapes and UTF-7 stays 7-bit; without them the text is
        # already UTF-8 (Gmail converted it) or plain ASCII, the same in either codec.
        shifted = b"\x1b" in data or b"~{" in data or (codec == "utf-7" and data.isascii())
        return [*declared, UTF8] if shifted or not gmail_normalized else [UTF8, *declared]
    if gmail_normalized or not codec.startswith(_MULTIBYTE):
        # Valid UTF-8 labelled with a legacy single-byte charset is mislabelled UTF-8:
        # real Latin-1/KOI8 text is almost never valid UTF-8 by accident.
        return [UTF8, *declared]
    return [*declared, UTF8]


def _decode_strict(data: bytes, codec: str, truncated: bool) -> str | None:
    """Return ``data`` decoded strictly, forgiving an error caused by truncation."""
    if codec == _JIS_AS_CP932:
        return _jis_as_cp932(data)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        if truncated and error.start >= len(data) - _CUT_SLACK:
            return _decode_strict(data[: error.start], codec, truncated=False)
        return None
    except (UnicodeError, LookupError, ValueError):
        return None


def decode_text(
    data: bytes,
    label: str | None,
    notes: Notes,
    where: str,
    *,
    gmail_normalized: bool = False,
    limit: int | None = None,
) -> str:
    """Return ``data`` (in charset ``label``) as text; every failure becomes a note.

    ``gmail_normalized`` says the bytes come from a ``format=full`` payload, where Gmail may
    already have converted text parts to UTF-8 while keeping the original charset label.
    ``limit`` decodes only a prefix of that many bytes (the caller keeps a capped text).
    """
    truncated = limit is not None and len(data) > limit
    if limit is not None and truncated:
        data = data[:limit]
    name = normalize_label(label)
    codec = codec_for(name) if name else None
    if name and codec is None:
        notes.add(f"{where}: unknown charset {name!r}")
    candidates = _candidates(codec, data, gmail_normalized)
    for candidate in candidates:
        text = _decode_strict(data, candidate, truncated)
        if text is None:
            continue
        # Valid, but mostly rare characters: the bytes may be another CJK charset's, or
        # Gmail may have converted them to UTF-8 by the wrong label.
        if candidate != UTF8 and cjk.unlikely(text):
            other = _cjk_reading(data, codec, [candidate], truncated, likely=cjk.LIKELY)
        elif candidate == UTF8 and codec is not None and cjk.fallbacks(codec, []):
            readers = [codec, _SUPERSETS.get(codec, codec), *cjk.READERS]
            other = undo_cjk_mislabel(text, list(dict.fromkeys(readers)))
        else:
            other = None
        if other is None:
            return text
        notes.add(f"{where}: text labelled {name} reads as {other[0]} (unlikely characters)")
        return other[1]
    other = _cjk_reading(data, codec, candidates, truncated)
    if other is not None:
        notes.add(f"{where}: bytes invalid in {name}, read as {other[0]}")
        return other[1]
    mostly = mostly_utf8(data)
    if mostly is not None:
        notes.add(f"{where}: invalid UTF-8 bytes replaced")
        return mostly
    fallback = _SUPERSETS.get(codec, codec) if codec and codec != UTF8 else FALLBACK
    text = _decode_lossy(data, fallback)
    lost = text.count("\ufffd")
    loss = f" ({lost} undecodable {'byte' if lost == 1 else 'bytes'} replaced)" if lost else ""
    notes.add(
        f"{where}: bytes invalid in {name or 'undeclared charset'}, decoded as {fallback}{loss}"
    )
    return text


def _jis_as_cp932(data: bytes) -> str | None:
    """Return ISO-2022-JP ``data`` read as Microsoft's variant (JIS pairs as Shift_JIS, read
    by cp932), or None when it is not such text (an unknown escape, an 8-bit byte)."""
    out = bytearray()
    mode, at = "ascii", 0
    while at < len(data):
        byte = data[at]
        if byte == 0x1B:
            mode = _JIS_MODES.get(data[at + 1 : at + 3], "")
            if not mode:
                return None
            at += 3
        elif byte in b"\r\n" or mode == "ascii":
            if byte >= 0x80:
                return None
            mode = "ascii" if byte in b"\r\n" else mode  # a line end resets, leniently
            out.append(byte)
            at += 1
        elif mode == "kana":
            if not 0x21 <= byte <= 0x5F:
                return None
            out.append(byte + 0x80)  # half-width katakana: JIS X 0201 + 0x80 in Shift_JIS
            at += 1
        else:
            pair = _shift_jis_pair(data[at : at + 2])
            if pair is None:
                return None
            out += pair
            at += 2
    try:
        return out.decode("cp932")
    except UnicodeDecodeError:
        return None


def _shift_jis_pair(pair: bytes) -> bytes | None:
    """The Shift_JIS bytes of one JIS X 0208 pair (row and cell each 0x21–0x7E)."""
    if len(pair) != 2 or not all(0x21 <= byte <= 0x7E for byte in pair):
        return None
    first, second = pair
    lead = ((first + 1) >> 1) + (0x70 if first <= 0x5E else 0xB0)
    # An odd row takes the lower half of the trail bytes (0x40–0x9E, skipping 0x7F).
    trail = second + 0x1F + (second + 0x1F >= 0x7F) if first & 1 else second + 0x7E
    return bytes((lead, trail))


def _cjk_reading(
    data: bytes, codec: str | None, tried: list[str], truncated: bool, likely: float = 0.0
) -> tuple[str, str] | None:
    """Return (codec, text) of the first CJK fallback that reads ``data`` plausibly, with at
    least ``likely`` of its characters common ones; None if none does."""
    for candidate in cjk.fallbacks(codec, exclude=tried):
        text = _decode_strict(data, candidate, truncated)
        if text is not None and cjk.plausible(text) and cjk.likeliness(text) >= likely:
            return candidate, text
    return None


def undo_cjk_mislabel(text: str, read_as: list[str] | None = None) -> tuple[str, str] | None:
    """Return (codec, text) re-read if ``text`` is CJK bytes decoded with the wrong CJK
    charset, else None.

    Gmail decodes ``full`` headers and text parts by their label, so GBK text labelled
    "big5" arrives as rare characters; encoded back with the charset it was read with
    (``read_as``: a part's label, then its superset, whose tables differ in a few cells,
    then the rest; by default every CJK charset) it gives the sent bytes, which another CJK
    charset may read as common text. The most likely reading wins, the first of equals.
    """
    if text.isascii() or not cjk.unlikely(text):
        return None
    best: tuple[float, str, str] | None = None
    for reader in read_as or cjk.READERS:
        try:
            data = text.encode(reader)
        except (UnicodeError, LookupError):
            continue
        found = _cjk_reading(data, reader, [reader], truncated=False, likely=cjk.LIKELY)
        if found is not None and (best is None or cjk.likeliness(found[1]) > best[0]):
            best = (cjk.likeliness(found[1]), *found)
    return None if best is None else (best[1], best[2])


def mostly_utf8(data: bytes) -> str | None:
    """Return ``data`` as UTF-8 with replacements if only a few of its 8-bit bytes are bad.

    One broken byte in a long UTF-8 text (a cut, a stray Latin-1 character) should cost
    one character, not turn every other non-ASCII character into mojibake.
    """
    text = data.decode(UTF8, "replace")
    damaged = text.count("\ufffd")
    eight_bit = len(data) - len(data.translate(None, _HIGH_BYTES))
    # Each bad byte costs one replacement; valid characters use 2-4 bytes each.
    return text if damaged * 5 <= eight_bit else None


def _decode_lossy(data: bytes, codec: str) -> str:
    """Return ``data`` decoded with replacement characters; never raises."""
    try:
        return data.decode(codec, "replace")
    except (UnicodeError, LookupError, ValueError):
        return data.decode(FALLBACK, "replace")


def unescape_header_bytes(value: str, hint: str | None = None) -> str:
    """Return a header string with 8-bit bytes (kept as surrogate escapes) decoded.

    Python's parser keeps non-ASCII header bytes as lone surrogates. RFC 6532 says they are
    UTF-8; older mailers used the charset of the body (``hint``) or Windows-1252.
    """
    try:
        value.encode(UTF8)
        return value
    except UnicodeEncodeError:
        pass
    try:
        raw = value.encode(UTF8, "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return value.encode(UTF8, "replace").decode(UTF8)
    codec = codec_for(normalize_label(hint)) if hint else None
    if codec and codec.startswith(_WIDE + _STATEFUL_7BIT):  # never 8-bit header bytes
        codec = None
    for candidate in dict.fromkeys([UTF8, *([_SUPERSETS.get(codec, codec)] if codec else [])]):
        text = _decode_strict(raw, candidate, truncated=False)
        if text is not None:
            return text
    return mostly_utf8(raw) or raw.decode(FALLBACK, "replace")


def _continuations() -> str:
    """Return what UTF-8 continuation bytes (0x80–0xBF) look like read as cp1252 or Latin-1."""
    seen = {chr(b) for b in range(0x80, 0xC0)}
    seen.update(bytes([b]).decode(FALLBACK, "ignore") for b in range(0x80, 0xC0))
    return re.escape("".join(sorted(seen - {""})))


# A UTF-8 lead byte (0xC2–0xF4) read as one Latin character, then a continuation byte read as
# another: "Ã©" for "é". Real text almost never has such pairs.
_DOUBLE_ENCODED = re.compile(f"[\u00c2-\u00f4][{_continuations()}]")


def undo_double_utf8(text: str) -> str | None:
    """Return ``text`` repaired if it is UTF-8 that was read as cp1252/Latin-1 and encoded
    again ("FrÃ¶sche" → "Frösche"), else None.

    Only a text that round-trips whole is repaired: its every character must come back to a
    byte, and those bytes must be valid UTF-8; otherwise it is left as it is.
    """
    if text.isascii() or _DOUBLE_ENCODED.search(text) is None:
        return None
    for codec in (FALLBACK, "latin-1"):
        try:
            repaired = text.encode(codec).decode(UTF8)
        except UnicodeError:
            continue
        if repaired != text:
            return repaired
    return None


def clean_str(value: str) -> str:
    """Return ``value`` safe to store: no lone surrogates (BSON rejects them), no NULs."""
    try:
        value.encode(UTF8)
    except UnicodeEncodeError:
        value = value.encode(UTF8, "replace").decode(UTF8)
    return value.replace("\x00", "")
