"""Split a Gmail query into tokens, each with its 1-based position for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Operator names Gmail knows and we search by; anything else before a colon is text.
OPERATORS = frozenset(
    {
        "from", "to", "cc", "bcc", "subject", "label", "in", "is", "has", "filename",
        "after", "before", "older", "newer", "newer_than", "older_than", "larger", "smaller",
        "size", "rfc822msgid", "list", "category", "deliveredto",
    }
)  # fmt: skip
# Characters that end a bare word (whitespace ends it too). "|" is OR, as in Gmail: filters
# people export and tools that write them join alternatives with it ("from:(a@x.com|b@y.com)").
_BREAKS = frozenset('(){}"|')
PUNCTUATION = frozenset("(){}")
# An OR, AND or AROUND written out: a "|" just before one joins nothing of its own.
_CONNECTIVE = re.compile(r"(?:OR|AND|AROUND)(?=[\s(){}\"|]|$)")


@dataclass(frozen=True)
class Token:
    """``kind`` is one of ( ) { } OR AND AROUND - word phrase op (``|`` is an OR)."""

    kind: str
    text: str
    position: int
    # For "op": the operator name; ``text`` is then the inline value ("" if a group follows).
    name: str = ""


def tokenize(query: str) -> list[Token]:
    """Return the tokens of ``query`` (a quote left open ends with the query)."""
    tokens: list[Token] = []
    index = 0
    while index < len(query):
        char = query[index]
        if char.isspace():
            index += 1
            continue
        start = index
        if char in PUNCTUATION:
            token, index = Token(char, char, start + 1), index + 1
        elif char == "|":
            index += 1
            if not _joins(tokens, query[index:]):
                continue  # a "|" with nothing to join is punctuation, which Gmail ignores
            token = Token("OR", char, start + 1)
        elif char == '"':
            token, index = _phrase(query, index)
        elif char == "-" and index + 1 < len(query) and not query[index + 1].isspace():
            token, index = Token("-", "-", start + 1), index + 1
        else:
            token, index = _word(query, index)
        tokens.append(token)
    return tokens


def _joins(before: list[Token], after: str) -> bool:
    """Whether a ``|`` stands between two terms: a term (or a closed group) before it, and
    one after it (not a closer, another ``|``, a written-out connective or the end)."""
    rest = after.lstrip()
    return (
        bool(before)
        and before[-1].kind not in {"(", "{", "OR", "AND", "AROUND", "-"}
        and not (before[-1].kind == "op" and not before[-1].text)
        and bool(rest)
        and rest[0] not in ")}|"
        and not _CONNECTIVE.match(rest)
    )


def _phrase(query: str, index: int) -> tuple[Token, int]:
    """Read a quoted phrase starting at ``index``, to its closing quote or the end of the
    query; ``\\"`` and ``\\\\`` are escapes."""
    chars: list[str] = []
    cursor = index + 1
    while cursor < len(query):
        char = query[cursor]
        if char == "\\" and cursor + 1 < len(query) and query[cursor + 1] in '"\\':
            chars.append(query[cursor + 1])
            cursor += 2
        elif char == '"':
            return Token("phrase", "".join(chars), index + 1), cursor + 1
        else:
            chars.append(char)
            cursor += 1
    # Gmail reads a quote left open as a phrase to the end of the query (pasted filters and
    # spreadsheet formulas lose their last quote); the emulator does the same.
    return Token("phrase", "".join(chars), index + 1), cursor


def _word(query: str, index: int) -> tuple[Token, int]:
    end = index
    while end < len(query) and not query[end].isspace() and query[end] not in _BREAKS:
        end += 1
    text = query[index:end]
    if text in {"OR", "AND", "AROUND"}:
        return Token(text, text, index + 1), end
    name, colon, value = text.partition(":")
    if colon and name.lower() in OPERATORS:
        return Token("op", value, index + 1, name=name.lower()), end
    return Token("word", text, index + 1), end
