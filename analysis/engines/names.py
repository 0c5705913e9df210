"""Patterns for proper names and job titles, shared by the company and position extractors."""

from __future__ import annotations

import re
from collections.abc import Iterable

from analysis.engines.triggers import Triggered

# A proper name: capitalised words (or digits, "&"), with the few lower-case joiners names
# use ("Bank of America", "Procter & Gamble"); at most seven words.
# A dot only inside a word ("Monday.com"): "Acme. We" is a sentence end, not a name.
_WORD = r"[A-Z0-9](?:[\w&'+-]|\.(?=\w))*"
NAME = rf"{_WORD}(?:,? (?:{_WORD}|(?:of|and|&|de|du|la|le|der|für|y|for|the|in|und)(?!\w))){{0,6}}"
# A bracketed tag is part of how a posting is titled ("[PIPELINE] Software Engineer"): read
# with the title, dropped from it by the position's cleaning.
_TITLE_WORD = r"(?:[A-Z0-9](?:[\w&/'+-]|\.(?=\w))*|\([^()]{1,40}\)|\[[^\[\]]{1,40}\])"
TITLE = rf"{_TITLE_WORD}(?:,? (?:{_TITLE_WORD}|of|and|&|in|for|to|the|de|-|/|–)){{0,9}}"

# Words that start a sentence, so they end a name or a title written before them.
SENTENCE_STARTS = frozenset(
    (
        "we",
        "we're",
        "we've",
        "our",
        "you",
        "your",
        "thank",
        "thanks",
        "please",
        "i",
        "i'm",
        "this",
        "if",
        "dear",
        "hi",
        "hello",
        "regards",
        "best",
        "sincerely",
        "applied",
        "location",
        "apply",
        "have",
        "questions",
        "visit",
        "click",
        "learn",
    )
)


def compile_table(
    table: Iterable[tuple[int, str]], flags: int = 0
) -> tuple[tuple[int, re.Pattern[str]], ...]:
    return tuple((weight, re.compile(pattern, flags)) for weight, pattern in table)


def triggered_table(table: Iterable[tuple[int, str]]) -> tuple[tuple[int, Triggered], ...]:
    return tuple((weight, Triggered(pattern)) for weight, pattern in table)
