"""The one normaliser shared by indexing, querying and highlighting.

Text is folded the way Gmail matches words: case-insensitive, and accent-insensitive for
Latin, Greek and Cyrillic letters only. NFKD splits "é" into "e" + a combining accent,
which is dropped because "e" is a Latin letter; a mark on any other script is a letter of
its own and stays (Japanese バ is ハ + the voiced mark U+3099, and バス is not ハス), and the
result is recomposed (NFC). casefold handles "ß" → "ss".

Words are runs of letters and digits; everything else separates them. CJK text has no
spaces, so a run of Han, Hiragana, Katakana or Hangul is cut into overlapping bigrams, as
Lucene's CJKAnalyzer does ("東京都" → "東京", "京都"); a run of one such character is that
character. ``index_words`` also yields every CJK character alone, so a one-character query
finds it inside longer runs (see ``mails.search.index``).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator

# Han (with extensions and compatibility ideographs), Hiragana, Katakana (with the
# halfwidth forms and phonetic extensions), Hangul syllables and jamo.
_CJK_RANGES = (
    "\u1100-\u11ff\u3040-\u309f\u30a0-\u30ff\u3131-\u318e\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
CJK_CLASS = f"[{_CJK_RANGES}]"
_CJK = re.compile(f"{CJK_CLASS}+")


def _mark_spans() -> list[tuple[int, int]]:
    """Return the code point spans of every combining mark of every plane (0.15 s, once).

    Not the Basic Multilingual Plane alone: canonical ordering puts a supplementary-plane mark
    of a lower combining class (U+16AF0, class 1) between a letter and its accent (class 230),
    and a mark the class did not know hid that accent from folding.
    """
    marks = [c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)).startswith("M")]
    spans: list[tuple[int, int]] = []
    for code in marks:
        if spans and spans[-1][1] == code - 1:
            spans[-1] = (spans[-1][0], code)
        else:
            spans.append((code, code))
    return spans


def _class_body(spans: list[tuple[int, int]]) -> str:
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in spans)


# A character beyond the Basic Multilingual Plane (one range: found faster than ``max``).
_SUPPLEMENTARY = re.compile("[\U00010000-\U0010ffff]")
_MARK_SPANS = _mark_spans()
# Letters and digits of any script, with the marks that stay part of a letter (Devanagari
# vowel signs, Thai tone marks); "_" is a word character to ``\w`` but not to Gmail.
_MARKS = _class_body(_MARK_SPANS)
# The marks of the Basic Multilingual Plane alone. Python's re tests a character against a
# class's supplementary ranges one by one: with them, stripping the marks of a 700-character
# text with no accent took ~190 µs, without ~20 — indexing a message of the bench corpus
# (bench/vs_notmuch.py's, about one non-ASCII field value a message) 0.50 -> 0.16 ms.
_BMP_MARK_RUN = re.compile(
    f"[{_class_body([(a, min(b, 0xFFFF)) for a, b in _MARK_SPANS if a <= 0xFFFF])}]+"
)
_WORD = re.compile(f"[^\\W_](?:[^\\W_]|[{_MARKS}])*")
_LEADING_MARKS = re.compile(f"^[{_MARKS}]+")


# Letters of the scripts whose accents fold: Latin (with IPA and the extended blocks),
# Greek and Cyrillic (with their extensions). ASCII punctuation and spaces are in the first
# range, so a mark with no letter before it goes too (the highlighter folds one character
# at a time).
_FOLDED_BASES = (
    "\x00-\u02af\u0370-\u052f\u1c80-\u1c8f\u1d00-\u1dbf\u1e00-\u1fff"
    "\u2c60-\u2c7f\ua640-\ua69f\ua720-\ua7ff\uab30-\uab6f"
)
_FOLDED_MARKS = re.compile(f"(^|[{_FOLDED_BASES}])[{_MARKS}]+")
_FOLDED_BASE = re.compile(f"[{_FOLDED_BASES}]")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    if _SUPPLEMENTARY.search(decomposed):
        return unicodedata.normalize("NFC", _FOLDED_MARKS.sub(r"\1", decomposed))
    # The same as ``_FOLDED_MARKS.sub``, led by the runs of marks (few, and found fast in a
    # class without supplementary ranges) instead of trying the pattern at every character.
    kept: list[str] = []
    start = 0
    for run in _BMP_MARK_RUN.finditer(decomposed):
        at = run.start()
        if at == 0 or _FOLDED_BASE.match(decomposed, at - 1):
            kept.append(decomposed[start:at])
            start = run.end()
        elif _FOLDED_BASE.search(run.group()):
            # A mark the pattern also takes for a letter (Cyrillic combining signs) after
            # another script's letter: marks after it go. Rare: the pattern decides.
            return unicodedata.normalize("NFC", _FOLDED_MARKS.sub(r"\1", decomposed))
    if kept:
        kept.append(decomposed[start:])
        decomposed = "".join(kept)
    return unicodedata.normalize("NFC", decomposed)


def fold(text: str) -> str:
    """Return ``text`` casefolded, NFKC-like and without Latin, Greek or Cyrillic accents.

    Folded twice is folded once: decomposition can yield upper case ("ℌ" → "H") and
    casefolding can yield marks ("İ" → "i̇"), so both steps run on each other's output.
    """
    if text.isascii():
        return text.lower()
    return _strip_marks(_strip_marks(text).casefold()).casefold()


def _split_word(word: str) -> Iterator[str]:
    """Yield a word with its CJK runs cut into overlapping bigrams (one character alone)."""
    start = 0
    for run in _CJK.finditer(word):
        # Marks after a CJK character are not a word of their own: they go.
        piece = _LEADING_MARKS.sub("", word[start : run.start()])
        if piece:
            yield piece
        chars = run.group()
        if len(chars) == 1:
            yield chars
        else:
            yield from (chars[i : i + 2] for i in range(len(chars) - 1))
        start = run.end()
    piece = _LEADING_MARKS.sub("", word[start:])
    if piece:
        yield piece


# Every ASCII character that is no letter or digit, as a space: ASCII words by str.split.
_ASCII_SEPARATORS = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() and chr(c) != "_")}
)


def words(text: str) -> list[str]:
    """Return the folded words of ``text``, in order (CJK runs as their bigrams)."""
    folded = fold(text)
    if folded.isascii():
        # The same words as ``_WORD`` (letters and digits; marks are never ASCII), about
        # twice as fast: the sync folds every message's text.
        return folded.translate(_ASCII_SEPARATORS).split()
    found = _WORD.findall(folded)
    if text.isascii() or not _CJK.search(folded):
        return found
    return [part for word in found for part in (_split_word(word) if _CJK.search(word) else [word])]


def cjk_characters(text: str) -> list[str]:
    """Return each CJK character of folded ``text``, for one-character queries."""
    return [char for run in _CJK.findall(text) for char in run]


def is_cjk(char: str) -> bool:
    return bool(_CJK.fullmatch(char))


def merge_bigrams(found: list[str]) -> list[str]:
    """Return words with chains of overlapping CJK bigrams joined back into their run.

    ``words("東京タワー")`` is ``["東京", "京タ", "タワ", "ワー"]``; a highlighter looks for
    "東京タワー" in the text, not for four words.
    """
    merged: list[str] = []
    for word in found:
        previous = merged[-1] if merged else ""
        if len(word) == 2 and previous[-1:] == word[0] and is_cjk(word) and is_cjk(previous):
            merged[-1] = previous + word[1]
        else:
            merged.append(word)
    return merged
