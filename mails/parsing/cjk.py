"""CJK text under the wrong CJK label: which charsets to try, and how likely a reading is.

GB2312 bytes are nearly always valid Big5, and EUC-JP valid EUC-KR: a wrong CJK label
rarely makes strict decoding fail, it makes nonsense of rare characters ("醱彸籵眭" for
"面试通知"). Each national standard puts its most used characters in a block of its own,
so those blocks, read through Python's codecs, say which characters are common: a right
reading is made mostly of them, a wrong one hardly ever (measured on sample sentences:
right readings 1.0, GB2312 read as Big5 0.25-0.57, Big5 as GBK 0.69, EUC-JP as EUC-KR 0.44).
EUC-KR read as EUC-JP gives common kanji, though: that confusion is not caught.
"""

from __future__ import annotations

import functools
import re
from itertools import islice

# When the declared charset cannot read the bytes (or reads them as rare characters), the
# same language's other charsets are tried first, then the other languages'. GB18030 reads
# almost any byte pairs, so outside Chinese it comes last. Single-byte and UTF-8 labels get
# no list: Latin-1 text read strictly as GBK often "succeeds", so strictness proves nothing.
_FAMILIES = (
    ("gb2312", "gbk", "gb18030", "big5", "big5hkscs", "cp950", "hz"),
    ("shift_jis", "cp932", "euc_jp", "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2",
     "iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_ext", "shift_jis_2004", "shift_jisx0213",
     "euc_jis_2004", "euc_jisx0213"),
    ("euc_kr", "cp949", "johab", "iso2022_kr"),
)  # fmt: skip
_FALLBACKS = (
    ("big5hkscs", "gb18030", "cp932", "euc_jp", "cp949"),
    ("euc_jp", "cp932", "cp949", "big5hkscs", "gb18030"),
    ("cp949", "euc_jp", "cp932", "big5hkscs", "gb18030"),
)
# The charsets a header Gmail decoded may have been read with (its label is gone).
READERS = (
    "big5hkscs", "big5", "cp950", "gb18030", "gbk", "cp932", "shift_jis", "euc_jp", "cp949",
    "euc_kr",
)  # fmt: skip
# A reading with fewer common characters than UNLIKELY is replaced by another with at least
# LIKELY; fewer than MIN_JUDGED non-ASCII characters are too few to judge.
UNLIKELY = 0.75
LIKELY = 0.95
MIN_JUDGED = 4

# (codec, first lead byte, last lead byte, trail bytes) of each standard's common block.
_EUC_TRAILS = range(0xA1, 0xFF)
_BIG5_TRAILS = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
_COMMON_BLOCKS = (
    ("gb2312", 0xB0, 0xD7, _EUC_TRAILS),  # GB2312 level 1: 3,755 simplified characters
    ("big5", 0xA4, 0xC6, _BIG5_TRAILS),  # Big5 frequently used: 5,401 traditional ones
    ("euc_jp", 0xB0, 0xCF, _EUC_TRAILS),  # JIS X 0208 level 1: 2,965 kanji
    ("euc_kr", 0xB0, 0xC8, _EUC_TRAILS),  # KS X 1001: 2,350 Hangul syllables
)
# Kana, CJK punctuation and full-width forms are common in every one of them.
_COMMON_RANGES = ((0x3000, 0x303F), (0x3041, 0x30FF), (0xFF01, 0xFF5E))
# Scoring the first characters is enough to tell; a long body costs no more.
_SAMPLE = 2000
# Han, kana, Hangul, bopomofo, CJK symbols and full-width forms: a text is judged only when
# it is written in them (Cyrillic and Greek are in every CJK charset too, and re-read as
# kanji they look common).
_CJK_SCRIPT = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
CJK_SHARE = 0.8
# What a right reading never gives: C1 controls and the private-use area, where CJK codecs
# put their user-defined cells.
_IMPLAUSIBLE = re.compile("[\x80-\x9f\ue000-\uf8ff]")


def fallbacks(codec: str | None, exclude: list[str]) -> list[str]:
    """Return the CJK codecs to try, in order, for text labelled ``codec`` (a CJK one)."""
    for family, order in zip(_FAMILIES, _FALLBACKS, strict=True):
        if codec in family:
            return [candidate for candidate in order if candidate not in exclude]
    return []


@functools.cache
def _common() -> frozenset[str]:
    """Return the common characters of the four standards (built once, about 10,000)."""
    found: set[str] = set()
    for codec, first, last, trails in _COMMON_BLOCKS:
        for lead in range(first, last + 1):
            for trail in trails:
                try:
                    found.add(bytes([lead, trail]).decode(codec))
                except UnicodeDecodeError:
                    continue
    for low, high in _COMMON_RANGES:
        found.update(chr(code) for code in range(low, high + 1))
    return frozenset(found)


_NON_ASCII = re.compile("[^\x00-\x7f]")


def _non_ascii(text: str, limit: int) -> list[str]:
    # Lazily, compiled too: mypyc would read a generator here into a list of the whole text.
    return [match.group() for match in islice(_NON_ASCII.finditer(text), limit)]


def likeliness(text: str) -> float:
    """Return the share of ``text``'s non-ASCII characters that are common CJK ones (1.0
    when it has none)."""
    sample = _non_ascii(text, _SAMPLE)
    if not sample:
        return 1.0
    common = _common()
    return sum(c in common for c in sample) / len(sample)


def unlikely(text: str) -> bool:
    """Return True if ``text`` is CJK (enough characters to judge), mostly rare ones."""
    sample = _non_ascii(text, _SAMPLE)
    cjk = sum(_CJK_SCRIPT.match(c) is not None for c in sample)
    if cjk < MIN_JUDGED or cjk < CJK_SHARE * len(sample):
        return False
    return likeliness(text) < UNLIKELY


def plausible(text: str) -> bool:
    """Return False for a reading no real text gives (C1 controls, private-use characters)."""
    return _IMPLAUSIBLE.search(text) is None
