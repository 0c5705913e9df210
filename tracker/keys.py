"""Grouping keys: company and position names normalised so that spellings of one name meet.

Casefolded, accents stripped, punctuation and whitespace collapsed; the company key also drops
legal suffixes (Inc, LLC, Ltd, GmbH, ...). Display names keep the spelling of the email that
created the application (or the person's rename).
"""

from __future__ import annotations

import re
import unicodedata

_LEGAL_SUFFIXES = frozenset(
    {
        *("inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "plc", "co", "corp"),
        *("corporation", "company", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa"),
        *("bv", "nv", "oy", "ab", "as", "aps", "kk", "pty", "pvt", "pte"),
    }
)
# Dots and apostrophes join ("S.A." is "sa", "McDonald's" is "mcdonalds"); the rest separates.
_JOINING = re.compile(r"[.'’]")
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Return ``text`` casefolded, without accents, punctuation or repeated whitespace."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", _JOINING.sub("", bare)).split())


def company_key(company: str) -> str:
    """Return the grouping key of a company name: normalised, legal suffixes dropped."""
    words = normalise(company).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def position_key(position: str) -> str:
    """Return the grouping key of a position title."""
    return normalise(position)
