"""Check and canonicalise operator values, so a bad value fails at parse time with a position.

Canonical values make equivalent queries render (and cache) the same: dates become
``YYYY/MM/DD``, sizes become bytes, names are folded and aliases resolve to one operator.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from mails.search.errors import SearchError
from mails.search.folding import fold, words
from mails.search.nodes import Field

ALIASES = {"older": "before", "newer": "after", "size": "larger"}
IS_VALUES = frozenset({"unread", "read", "starred", "important"})
# has:userlabels / has:nouserlabels: whether any label the person made is on the message.
USER_LABEL_VALUES = frozenset({"userlabels", "nouserlabels"})
HAS_VALUES = frozenset(
    {"attachment", "drive", "document", "spreadsheet", "presentation", "youtube"}
    | USER_LABEL_VALUES
)
CATEGORIES = {
    "primary": "CATEGORY_PERSONAL",
    "personal": "CATEGORY_PERSONAL",
    "social": "CATEGORY_SOCIAL",
    "promotions": "CATEGORY_PROMOTIONS",
    "updates": "CATEGORY_UPDATES",
    "forums": "CATEGORY_FORUMS",
}
# Operators whose value is searched as words (one word, or several that must be adjacent).
WORD_OPERATORS = frozenset(
    {"from", "to", "cc", "bcc", "list", "subject", "filename", "deliveredto"}
)
_DATE = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")
# The form Gmail's own help uses: before:04/18/2004 (month first).
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_EPOCH = re.compile(r"\d{1,12}")
_RELATIVE = re.compile(r"(\d{1,6})([dmy])")
_SIZE = re.compile(r"(\d{1,12})([km]?)b?")
# The last second of year 9999: later instants are not dates Python (or a user) can mean.
MAX_EPOCH = 253_402_300_799
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024 * 1024}
# The age operator of each date operator, for the hint of a misplaced "5d".
_AGES = {
    "older": "older_than",
    "before": "older_than",
    "newer": "newer_than",
    "after": "newer_than",
}
# Well past any mailbox, well inside datetime's range.
MAX_RELATIVE = {"d": 36_600, "m": 1_200, "y": 100}


def make_field(name: str, raw: str, position: int) -> Field:
    """Return the operator ``name`` with its checked, canonical value."""
    canonical = ALIASES.get(name, name)
    value = fold(raw).strip()
    if not value:
        raise SearchError(f"{name}: needs a value", position)
    check = _CHECKS.get(canonical, _check_words)
    # Messages name the operator as typed ("older:"), not the one it maps to ("before:").
    return Field(canonical, check(name, value, position), position)


def _check_words(name: str, value: str, position: int) -> str:
    if not words(value):
        raise SearchError(f"{name}: needs a word to search for", position)
    return value


def label_query_name(name: str) -> str:
    """Return how a query names a label: folded, spaces and "/" written as "-" (as Gmail)."""
    return re.sub(r"[\s/]+", "-", fold(name).strip())


def _check_label(name: str, value: str, position: int) -> str:
    return label_query_name(_check_words(name, value, position))


def _check_choice(choices: frozenset[str] | dict[str, str]) -> Callable[[str, str, int], str]:
    def check(name: str, value: str, position: int) -> str:
        if value not in choices:
            allowed = ", ".join(sorted(choices))
            raise SearchError(
                f"{name}:{value} is not supported ({name}: takes {allowed})", position
            )
        return value

    return check


def _date_parts(value: str) -> tuple[int, int, int] | None:
    """Return (year, month, day) of ``YYYY/MM/DD``, ``YYYY-MM-DD`` or ``MM/DD/YYYY``."""
    match = _DATE.fullmatch(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return year, month, day
    match = _US_DATE.fullmatch(value)
    if match:
        month, day, year = (int(part) for part in match.groups())
        return year, month, day
    return None


def _check_date(name: str, value: str, position: int) -> str:
    parts = _date_parts(value)
    if parts:
        year, month, day = parts
        try:
            return dt.date(year, month, day).strftime("%Y/%m/%d")
        except ValueError:
            raise SearchError(f"impossible date {value!r} for {name}:", position) from None
    if _EPOCH.fullmatch(value) and int(value) <= MAX_EPOCH:
        return str(int(value))
    # "older:5d" is a common slip for older_than:5d: say so.
    hint = f"; for an age use {_AGES.get(name)}:{value}" if _RELATIVE.fullmatch(value) else ""
    raise SearchError(
        f"{name}: takes a date (YYYY/MM/DD, YYYY-MM-DD or MM/DD/YYYY) or seconds since"
        f" 1970, not {value!r}{hint}",
        position,
    )


def _check_relative(name: str, value: str, position: int) -> str:
    match = _RELATIVE.fullmatch(value)
    if not match:
        raise SearchError(
            f"{name}: takes a number and d, m or y (like 2d), not {value!r}", position
        )
    amount, unit = int(match.group(1)), match.group(2)
    if amount > MAX_RELATIVE[unit]:
        raise SearchError(f"{name}:{value} is too far back", position)
    return f"{amount}{unit}"


def _check_size(name: str, value: str, position: int) -> str:
    match = _SIZE.fullmatch(value)
    if not match:
        raise SearchError(
            f"{name}: takes a size in bytes, K or M (like 5M), not {value!r}", position
        )
    return str(int(match.group(1)) * _SIZE_UNITS[match.group(2)])


_CHECKS: dict[str, Callable[[str, str, int], str]] = {
    "label": _check_label,
    "in": _check_label,
    "is": _check_choice(IS_VALUES),
    "has": _check_choice(HAS_VALUES),
    "category": _check_choice(CATEGORIES),
    "after": _check_date,
    "before": _check_date,
    "newer_than": _check_relative,
    "older_than": _check_relative,
    "larger": _check_size,
    "smaller": _check_size,
}
