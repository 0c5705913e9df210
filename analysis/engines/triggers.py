"""Regular expressions that run only where their first word occurs.

Python's ``re`` tries a pattern at every position of the text, so forty cue patterns over a
few KB of mail cost milliseconds. Every cue here starts with literal text ("regret to",
"(?:pleased|happy) to offer"), so the literal starts are worked out once from the pattern
source; per email the text is split into a set of words once, and a pattern is tried (with
``match``, anchored) only at the places where one of its literal starts occurs — usually
none. Results are the same as ``pattern.search``/``finditer`` on the whole text.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

# Letters and digits of any script: "résumé" is one word.
_ALNUM_RUN = re.compile(r"[^\W_]+")
_META = frozenset("()[]{}?*+|.\\^$")
# Every ASCII character that is not a letter or digit, as a space.
_ASCII_SEPARATORS = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() and chr(c) != "_")}
)


class PatternError(ValueError):
    """A triggered pattern has an alternative that does not start with literal text."""


@dataclass(frozen=True, slots=True)
class Scan:
    """A text prepared for triggered patterns: as written, lower-cased, and its words."""

    text: str
    low: str
    words: frozenset[str]
    # (literal, word start, before) → where it starts; shared by every pattern that looks
    places: dict[tuple[str, bool, int | None], tuple[int, ...]] = field(
        default_factory=dict, compare=False
    )
    # The same for the usual lookup (a literal at a word's start, anywhere), by literal.
    word_places: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, text: str) -> Scan:
        """Return the scan of ``text`` (original case kept for what matches capture)."""
        low = text.lower()
        if len(low) != len(text):  # a few letters change length when lower-cased
            text = low
        if low.isascii():  # twice as fast as the regex, and the same words for ASCII text
            return cls(text, low, frozenset(low.translate(_ASCII_SEPARATORS).split()))
        return cls(text, low, frozenset(_ALNUM_RUN.findall(low)))

    def find(self, literal: str, word_start: bool, before: int | None = None) -> tuple[int, ...]:
        """Return the places where ``literal`` starts (a word, if asked), before ``before``."""
        if before is not None and before >= len(self.low):
            before = None  # the whole text: one entry for both
        if word_start and before is None:  # nearly every lookup: no tuple to build and hash
            known = self.word_places.get(literal)
            if known is None:
                known = self.word_places[literal] = _scan(self.low, literal, True)
            return known
        key = (literal, word_start, before)  # a tuple: cheaper to build than a string
        places = self.places.get(key)
        if places is None and before is not None:
            # The places before a point are a prefix of all of them, which other patterns
            # (status cues read the whole text) usually looked up already.
            every = self.find(literal, word_start)
            places = every[: bisect.bisect_right(every, before - len(literal))]
            self.places[key] = places
        elif places is None:
            places = self.places[key] = _scan(self.low, literal, word_start)
        return places


def _scan(low: str, literal: str, word_start: bool) -> tuple[int, ...]:
    """Return where ``literal`` starts in ``low`` (only at a word's start, if asked)."""
    found = []
    end = len(low)
    at = low.find(literal, 0, end)
    while at >= 0:
        if not (word_start and at and low[at - 1].isalnum()):
            found.append(at)
        at = low.find(literal, at + 1, end)
    return tuple(found)


def _structure(source: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Yield (index, char, depth after it) for each "(", ")" and "|" that is pattern syntax:
    not escaped and not inside a character class."""
    depth, i, in_class = 0, start, False
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[char]
            yield i, char, depth
        i += 1


def _split_top(source: str) -> list[str]:
    """Return the top-level alternatives of a pattern source."""
    parts, start = [], 0
    for i, char, depth in _structure(source):
        if char == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    parts.append(source[start:])
    return parts


def _group_end(source: str, start: int) -> int:
    """Return the index just past the group opening at ``start``."""
    for i, char, depth in _structure(source, start):
        if char == ")" and depth == 0:
            return i + 1
    raise PatternError(f"unbalanced group in {source!r}")


_GROUP_OPEN = re.compile(r"\((?:\?(?:[aiLmsux]+)?:|\?P<\w+>)?")


def leading_literals(source: str) -> list[tuple[str, bool]]:
    """Return the literal texts one of which every match of ``source`` starts with.

    Each comes with whether the pattern requires a word to end right after it, which lets
    the literal be looked up in the text's set of words before it is searched for.
    """
    result: list[tuple[str, bool]] = []
    for branch in _split_top(source):
        result += _branch_literals(branch, source)
    return result


def _branch_literals(branch: str, whole: str) -> list[tuple[str, bool]]:
    branch = branch.removeprefix("\\b")
    while branch.startswith("(?<"):  # lookbehinds do not consume text
        branch = branch[_group_end(branch, 0) :]
    opening = _GROUP_OPEN.match(branch)
    if opening and branch.startswith("("):
        end = _group_end(branch, 0)
        if end < len(branch) and branch[end] in "?*{":
            raise PatternError(f"optional leading group in {whole!r}")
        inner, after = branch[opening.end() : end - 1], branch[end:]
        literals: list[tuple[str, bool]] = []
        for alternative in _split_top(inner):
            # Each alternative is followed by what follows the group.
            literals += _branch_literals(alternative + after, whole)
        return literals
    literal, used = _literal_prefix(branch)
    if len(literal) < 2:
        raise PatternError(f"alternative {branch[:40]!r} of {whole[:60]!r} needs a literal start")
    return [(literal, _ends_word(branch[used:]))]


def _literal_prefix(branch: str) -> tuple[str, int]:
    """Return the literal text a pattern starts with (lower case) and its length in source."""
    i = 0
    while i < len(branch) and branch[i] not in _META:
        i += 1
    if i < len(branch) and branch[i] in "?*{" and i:
        i -= 1  # the last character is optional
    return branch[:i].lower(), i


def _ends_word(rest: str) -> bool:
    """Return whether the pattern text ``rest`` can only continue with a non-word character.

    Read from the parsed pattern, so "interview(?: (?:with|for) [^.]+)? (?:is|are)" ends its
    word too (every way on starts with a space): a whole word is looked up in the text's set
    of words before the text is searched, and most texts lack it.
    """
    if rest.startswith(("\\b", "\\s", "\\W")):
        return True
    try:
        parsed = re._parser.parse(rest)  # type: ignore[attr-defined]  # the stdlib's own parser
    except re.error:
        return bool(rest) and rest[0] in " ,.;:!'\"-/&" and rest[1:2] not in ("?", "*", "{")
    first, nullable = _first_chars(list(parsed))
    return not nullable and first is not None and not any(c.isalnum() or c == "_" for c in first)


_Items = list[tuple[object, object]]


def _first_chars(items: _Items) -> tuple[set[str] | None, bool]:
    """Return the characters a match of the parsed sequence ``items`` can start with (None:
    any, or unknown) and whether it can match nothing. A word boundary first ends the word."""
    first: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "AT":
            if str(arg) == "AT_BOUNDARY":
                return first, False  # what came before ends its word here
            continue  # other anchors consume nothing
        chars, nullable = _first_of(name, arg)
        if chars is None:
            return None, False
        first |= chars
        if not nullable:
            return first, False
    return first, True


def _first_of(name: str, arg: object) -> tuple[set[str] | None, bool]:
    """Return ``_first_chars`` of one parsed item."""
    if name == "LITERAL" and isinstance(arg, int):
        return {chr(arg)}, False
    if name == "IN" and isinstance(arg, list):
        return _class_chars(arg), False
    if name == "SUBPATTERN" and isinstance(arg, tuple):
        return _first_chars(list(arg[-1]))
    if name == "BRANCH" and isinstance(arg, tuple):
        found: set[str] = set()
        empty = False
        for branch in arg[1]:
            chars, nullable = _first_chars(list(branch))
            if chars is None:
                return None, False
            found |= chars
            empty = empty or nullable
        return found, empty
    if name in ("MAX_REPEAT", "MIN_REPEAT") and isinstance(arg, tuple):
        low, _high, item = arg
        chars, nullable = _first_chars(list(item))
        return chars, nullable or low == 0
    return None, False  # any character, a lookaround, a back reference: not known here


def _class_chars(items: list[tuple[object, object]]) -> set[str] | None:
    """Return the characters of a character class, None if it admits a letter or digit
    it does not list (a negation, \\w, \\d, \\S)."""
    chars: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "LITERAL" and isinstance(arg, int):
            chars.add(chr(arg))
        elif name == "RANGE" and isinstance(arg, tuple):
            chars |= {chr(c) for c in range(arg[0], min(arg[1], arg[0] + 512) + 1)}
        elif name == "CATEGORY" and str(arg) in ("CATEGORY_SPACE", "CATEGORY_NOT_WORD"):
            chars.add(" ")  # never a word character
        else:
            return None
    return chars


@dataclass(frozen=True, slots=True)
class _Start:
    literal: str
    gate: str  # a whole word that must be in the text, or '' when none can be required
    word_start: bool  # the literal starts a word (so a match must too)
    also: frozenset[str]  # the literal's other whole words, which must be in the text too
    branches: re.Pattern[str] | None = None  # the alternatives that can start with the literal


def _start(literal: str, word_end: bool) -> _Start:
    # A word of the literal is whole when something non-alphanumeric follows it there, or
    # when it ends the literal and the pattern ends the word.
    whole = [
        run.group() for run in _ALNUM_RUN.finditer(literal) if run.end() < len(literal) or word_end
    ]
    first = _ALNUM_RUN.match(literal)
    gate = whole[0] if first and whole and whole[0] == first.group() else ""
    return _Start(literal, gate, bool(first), frozenset(whole) - {gate})


class Triggered:
    """A compiled pattern searched only where its literal starts occur."""

    __slots__ = ("index", "pattern", "starts")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.pattern = re.compile(source, flags)
        found = leading_literals(source)
        # A literal that ends a word in one alternative but not in another ends none.
        every = {
            literal: _start(literal, all(end for other, end in found if other == literal))
            for literal, _ in found
        }
        # A literal that a shorter one starts with adds nothing when the shorter one's places
        # include its own: always, unless the shorter one is looked up as a whole word.
        self.starts = tuple(
            start
            for literal, start in sorted(every.items())
            if not any(
                other != literal
                and literal.startswith(other)
                and shorter.gate != other
                and not shorter.also
                for other, shorter in every.items()
            )
        )
        self.starts = _with_branches(self.starts, source, flags)
        self.index = _GateIndex(self.starts)

    def _positions(self, scan: Scan, before: int | None = None) -> list[int]:
        found: list[int] = []
        for start in self.index.present(scan.words):
            found += scan.find(start.literal, start.word_start, before)
        return found

    def matches(self, scan: Scan) -> Iterator[re.Match[str]]:
        """Yield matches in ``scan`` in no particular order (each tries only its branches)."""
        text = scan.text
        for start in self.index.present(scan.words):
            match = start.branches.match if start.branches is not None else self.pattern.match
            for at in scan.find(start.literal, start.word_start):
                found = match(text, at)
                if found:
                    yield found

    def exists(self, scan: Scan) -> bool:
        """Return whether the pattern matches anywhere in ``scan``."""
        return next(self.matches(scan), None) is not None

    def search(self, scan: Scan) -> re.Match[str] | None:
        """Return the first match in ``scan`` (by position), or None."""
        best: re.Match[str] | None = None
        for at in self._positions(scan):
            if best is not None and at >= best.start():
                continue
            match = self.pattern.match(scan.text, at)
            if match:
                best = match
        return best

    def finditer(self, scan: Scan, before: int | None = None) -> list[re.Match[str]]:
        """Return the matches in ``scan`` (starting before ``before``), in order of position.

        Overlapping matches are all returned.
        """
        found = {}
        for at in self._positions(scan, before):
            if at not in found:
                match = self.pattern.match(scan.text, at)
                if match:
                    found[at] = match
        return [found[at] for at in sorted(found)]


def _with_branches(starts: tuple[_Start, ...], source: str, flags: int) -> tuple[_Start, ...]:
    """Return ``starts`` each with the alternatives of ``source`` that can match from it.

    Trying one or two alternatives where a literal occurs, rather than all forty of a cue
    list, is what keeps long emails fast.
    """
    branches = _split_top(source)
    literals = [{literal for literal, _ in leading_literals(branch)} for branch in branches]
    result = []
    for start in starts:
        chosen = [
            branch
            for branch, own in zip(branches, literals, strict=True)
            if any(literal.startswith(start.literal) for literal in own)
        ]
        pattern = re.compile("|".join(f"(?:{branch})" for branch in chosen), flags)
        result.append(dataclasses.replace(start, branches=pattern))
    return tuple(result)


K = TypeVar("K", bound=Hashable)


class TriggerSet(Generic[K]):
    """Several keyed triggered patterns, found in one pass over a text.

    Each literal start is looked up once for all the patterns that begin with it, and a key
    already found is not tried again: the evidence of eight statuses costs about what one
    pattern's would.
    """

    def __init__(self, patterns: Iterable[tuple[K, str]], flags: int = 0) -> None:
        self.keys: tuple[K, ...] = ()
        by_place: dict[tuple[str, bool], list[tuple[K, re.Pattern[str]]]] = {}
        starts: dict[tuple[str, bool], _Start] = {}
        for key, source in patterns:
            self.keys += (key,)
            member = Triggered(source, flags)
            for start in member.starts:
                place = (start.literal, start.word_start)
                branches = start.branches if start.branches is not None else member.pattern
                by_place.setdefault(place, []).append((key, branches))
                known = starts.get(place)
                # Two patterns may gate the same literal differently: keep the weaker gate.
                if known is None or len(known.also) > len(start.also) or not start.gate:
                    starts[place] = start
        self._tries = {place: tuple(tries) for place, tries in by_place.items()}
        self._index = _GateIndex(tuple(starts.values()))

    def found(self, scan: Scan, accept: Callable[[K, re.Match[str]], bool] | None = None) -> set[K]:
        """Return the keys with a match in ``scan`` (that ``accept`` accepts, if given)."""
        found: set[K] = set()
        text, every = scan.text, len(self.keys)
        for start in self._index.present(scan.words):
            tries = self._tries[(start.literal, start.word_start)]
            places = scan.find(start.literal, start.word_start)
            if not places:
                continue
            for key, branches in tries:
                if key in found:
                    continue
                for at in places:
                    match = branches.match(text, at)
                    if match and (accept is None or accept(key, match)):
                        found.add(key)
                        break  # one match per key is all that is asked
            if len(found) == every:
                break
        return found


class _GateIndex:
    """Literal starts by the word that must be in a text for them to occur in it."""

    __slots__ = ("by_gate", "gates", "ungated")

    def __init__(self, starts: tuple[_Start, ...]) -> None:
        by_gate: dict[str, list[_Start]] = {}
        for start in starts:
            if start.gate:
                by_gate.setdefault(start.gate, []).append(start)
        self.by_gate = {gate: tuple(group) for gate, group in by_gate.items()}
        self.gates = frozenset(by_gate)
        self.ungated = tuple(start for start in starts if not start.gate)

    def present(self, words: frozenset[str]) -> list[_Start]:
        """Return the starts that can occur in a text made of ``words``."""
        found = list(self.ungated)
        # One set intersection in C instead of a membership test per literal.
        for gate in self.gates.intersection(words):
            for start in self.by_gate[gate]:
                if start.also <= words:  # "your application" needs "application" as well
                    found.append(start)
        return found
