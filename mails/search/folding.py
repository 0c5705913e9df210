"""The one normaliser shared by indexing, querying and highlighting.

Text is folded the way Gmail matches words: case-insensitive and accent-insensitive. NFKD
splits "é" into "e" + a combining accent, which is dropped; casefold handles "ß" → "ss".
Words are runs of letters and digits; everything else separates them.
"""

from __future__ import annotations

import re
import unicodedata

# Letters and digits of any script; "_" is a word character to ``\w`` but not to Gmail.
_WORD = re.compile(r"[^\W_]+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Return ``text`` casefolded, compatibility-decomposed and without combining marks.

    Folded twice is folded once: decomposition can yield upper case ("ℌ" → "H") and
    casefolding can yield marks ("İ" → "i̇"), so both steps run on each other's output.
    """
    if text.isascii():
        return text.lower()
    return _strip_marks(_strip_marks(text).casefold()).casefold()


def words(text: str) -> list[str]:
    """Return the folded words of ``text``, in order."""
    return _WORD.findall(fold(text))
