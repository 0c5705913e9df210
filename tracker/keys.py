"""Grouping keys: company and position names normalised so that spellings of one name meet.

Casefolded, accents stripped, punctuation and whitespace collapsed; the company key also drops
legal suffixes (Inc, LLC, Ltd, GmbH, ...). The position key also drops what two mails about one
role write differently (``fold_position``): a gender tag ("(m/f/d)", "H/F"), a work mode at
either end ("Data Analyst (Remote)" in a LinkedIn card, "Data Analyst" in the company's own
mail) and a legal entity before the title ("Globex Bank USA LLC - Risk Analyst"). The fold
works on a key's words, so a key stored before it is folded the same (tracker 0006). Display
names keep the spelling of the email that created the application (or the person's rename).
"""

from __future__ import annotations

import re
import unicodedata

from analysis.engines.position import names_a_title

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


# Gender tags as keys hold them: "m f d", "m w d", "f m x", "h f".
_GENDER_TAG = re.compile(r"(?:^| )(?:(?:[mfwdxh] ){1,3}[mfwdxh]|all genders)(?= |$)")
# Work modes, longest first; dropped from either end of a key, never from its middle.
_WORK_MODES = (
    *("fully remote", "100 remote", "work from home", "in office", "on site"),
    *("remote", "hybrid", "onsite", "wfh"),
)
# The suffixes that end a legal entity's name in a title, and never a title's own word ("co"
# in "co op", "company" in "company driver" and "as" are left out).
_ENTITY_ENDS = frozenset(
    {"llc", "llp", "inc", "incorporated", "ltd", "limited", "plc", "corp", "corporation", "gmbh"}
)
# How far into a title a legal entity's name may reach.
_ENTITY_WORDS = 9


def position_key(position: str) -> str:
    """Return the grouping key of a position title (see the module's docstring)."""
    return fold_position(normalise(position))


def fold_position(key: str) -> str:
    """Return a normalised title without a gender tag, a work mode at either end or a legal
    entity before it; idempotent, and the same for a key folded before or after storing."""
    while True:
        folded = _fold_once(key)
        if folded == key:
            return key
        key = folded


def _fold_once(key: str) -> str:
    words = _GENDER_TAG.sub(" ", key).split()
    for i in range(min(len(words) - 1, _ENTITY_WORDS), 0, -1):
        if words[i] in _ENTITY_ENDS and names_a_title(" ".join(words[i + 1 :])):
            words = words[i + 1 :]
            break
    text = " ".join(words)
    for mode in _WORK_MODES:
        if text.endswith(f" {mode}"):
            text = text[: -len(mode) - 1]
        if text.startswith(f"{mode} "):
            text = text[len(mode) + 1 :]
    return text
