"""Triggered patterns find exactly what ``re`` finds at word starts, only faster."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.engines import company, cues, details, position, rules
from analysis.engines.triggers import PatternError, Scan, Triggered, leading_literals

PATTERNS: list[Triggered] = [
    *(pattern for _, pattern in rules._STRONG),
    *(pattern for _, pattern in rules._WEAK),
    rules._NOT_APPLICATION,
    rules._CONTEXT,
    rules._OUTREACH,
    rules._OWN_APPLICATION,
    *(pattern for _, pattern in company.BODY_COMPANY),
    *(pattern for _, pattern in position._POSITION_PATTERNS),
    details._WHEN,
    details._DEADLINE,
]
# Words the cues are made of, so that random text often almost-matches them.
VOCABULARY = sorted(
    {
        word
        for pattern in PATTERNS
        for word in re.findall(r"[a-z']{2,}", pattern.pattern.pattern.lower())
        if word not in {"the", "is"}
    }
    | {"Acme", "Data", "Engineer", "Globex", "résumé", "İstanbul", "ß", "e.g.", "3", "10:00"}
)
TOKENS = st.one_of(
    st.sampled_from(VOCABULARY),
    st.sampled_from([",", ".", "!", "?", "-", "'", ":", "(", ")", "\n"]),
    st.text(alphabet="abcdefgxyzAÉé'- ", min_size=1, max_size=6),
)
SEPARATORS = st.sampled_from([" ", " ", " ", "", "\n"])


def _reference(pattern: Triggered) -> re.Pattern[str]:
    """The same pattern run by ``re`` everywhere, held to start where a word starts."""
    return re.compile(r"(?<![^\W_])(?:" + pattern.pattern.pattern + ")", pattern.pattern.flags)


REFERENCES = [_reference(pattern) for pattern in PATTERNS]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TOKENS, SEPARATORS), max_size=40))
def test_search_agrees_with_re_on_any_text(tokens):
    text = "".join(token + separator for token, separator in tokens)
    scan = Scan.of(text)
    for pattern, reference in zip(PATTERNS, REFERENCES, strict=True):
        expected = reference.search(scan.text)
        found = pattern.search(scan)
        assert pattern.exists(scan) == (expected is not None), pattern.pattern.pattern[:80]
        assert (found.span() if found else None) == (expected.span() if expected else None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TOKENS, SEPARATORS), max_size=40))
def test_a_trigger_set_finds_the_keys_its_patterns_find(tokens):
    text = "".join(token + separator for token, separator in tokens)
    scan = Scan.of(text)
    for members, together in ((rules._STRONG, rules._STRONG_SET), (rules._WEAK, rules._WEAK_SET)):
        assert together.found(scan) == {key for key, pattern in members if pattern.exists(scan)}


def test_a_trigger_set_asks_before_it_accepts_a_match():
    rejection = cues.S.REJECTION
    asked = []

    def only_regret(key, match):
        asked.append(match.group().lower())
        return match.group().lower().startswith("regret")

    # Which cue is tried first is the set's business; what is accepted is the callback's.
    both = Scan.of("If not selected for this role, we keep your CV. We regret to inform you.")
    assert rejection in rules._STRONG_SET.found(both, only_regret)
    assert any(found.startswith("regret") for found in asked)

    asked.clear()
    refused = Scan.of("If not selected for this role, we keep your CV on file.")
    assert rejection not in rules._STRONG_SET.found(refused, only_regret)
    assert any(found.startswith("not selected") for found in asked)


def test_it_finds_a_cue_wrapped_across_lines():
    scan = Scan.of("After careful review we regret to\ninform you that the role is filled.")
    pattern = dict(rules._STRONG)[cues.S.REJECTION]
    assert pattern.exists(Scan.of(" ".join(scan.text.split())))


def test_literal_starts_are_derived_from_the_pattern():
    literals = dict(leading_literals(r"(?:pleased|happy) to offer|offer letter\b|thank(?:s| you)"))
    assert literals == {
        "pleased to offer": False,
        "happy to offer": False,
        "offer letter": True,
        "thank": False,
    }


@pytest.mark.parametrize(
    ("source", "whole"),
    [
        # Every way on from the literal starts with a space: it is a whole word.
        (r"interview(?: (?:with|for) [^.]{1,60}?)? (?:is|was) (?:set|booked)", True),
        (r"call(?:[,.;]| now)", True),
        (r"screen\b", True),
        (r"interview(?:s|ing)? (?:is|was) set", False),  # "interviews" goes on
        (r"test(?: \w+)?", False),  # may end the pattern: anything may follow
        (r"chat(?=\s)", False),  # lookarounds are not read
        (r"meet[\w ]", False),
    ],
    ids=str,
)
def test_a_literal_ends_its_word_when_every_way_on_says_so(source: str, whole: bool) -> None:
    [(_, ends)] = leading_literals(source)
    assert ends is whole


@pytest.mark.parametrize(
    "source", [r"(?:an? )?offer", r"\d+ days", r"[a-z]+ team", r"x|y"], ids=str
)
def test_a_pattern_without_a_literal_start_is_refused(source):
    with pytest.raises(PatternError):
        Triggered(source)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab -.", max_size=40),
    literal=st.sampled_from(["a", "ab", "aba", "b a", "ba"]),
    word_start=st.booleans(),
    before=st.one_of(st.none(), st.integers(min_value=0, max_value=45)),
    warm=st.booleans(),
)
def test_places_before_a_point_are_where_the_literal_ends_by_it(
    text, literal, word_start, before, warm
):
    """Limited lookups come from the whole text's places (looked up first or not)."""
    scan = Scan.of(text)
    if warm:
        scan.find(literal, word_start)
    end = len(text) if before is None else before
    expected = tuple(
        at
        for at in range(len(text))
        if text.startswith(literal, at)
        and at + len(literal) <= end
        and not (word_start and at and text[at - 1].isalnum())
    )
    assert scan.find(literal, word_start, before) == expected
