"""Folding and word splitting: accents of Latin, Greek and Cyrillic only; CJK as bigrams."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mails.highlight import highlight
from mails.search.folding import (
    _FOLDED_MARKS,
    _WORD,
    _strip_marks,
    cjk_characters,
    fold,
    merge_bigrams,
    words,
)
from mails.search.index import search_fields


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Résumé Café", ["resume", "cafe"]),
        ("Ελληνικά", ["ελληνικα"]),
        ("Ёлка", ["елка"]),
        ("İstanbul Straße", ["istanbul", "strasse"]),
    ],
)
def test_latin_greek_and_cyrillic_accents_fold(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_japanese_voiced_kana_stay_distinct() -> None:
    assert fold("バス") == "バス" != fold("ハス")
    assert fold("パス") not in {fold("バス"), fold("ハス")}
    # Halfwidth katakana with a separate voiced mark is the same word as the full form.
    assert fold("ﾊﾞｽ") == fold("バス")
    assert words("バスとハス") == ["バス", "スと", "とハ", "ハス"]


def test_marks_of_other_scripts_stay_inside_their_word() -> None:
    assert words("हिन्दी भाषा") == ["हिन्दी", "भाषा"]


def test_cjk_runs_become_overlapping_bigrams() -> None:
    assert words("東京タワーに") == ["東京", "京タ", "タワ", "ワー", "ーに"]
    assert words("서울역 abc東京2024") == ["서울", "울역", "abc", "東京", "2024"]
    assert words("東") == ["東"]
    assert cjk_characters("東京 x") == ["東", "京"]


def test_index_holds_bigrams_and_single_characters_of_cjk_runs() -> None:
    terms = set(search_fields({"subject": "東京タワー", "body_text": "バスで"})["search_terms"])
    assert {"東京", "タワ", "ワー", "東", "タ", "subject:東京", "subject:京", "バス", "バ"} <= terms
    assert "ハス" not in terms
    assert "ハ" not in terms


def test_a_cjk_word_is_marked_inside_its_run() -> None:
    out = highlight("来週、東京タワーに行きます。バスで", ["タワー", "バス", "ハス"])
    assert out == "来週、東京<mark>タワー</mark>に行きます。<mark>バス</mark>で"
    assert merge_bigrams(words("東京タワー x")) == ["東京タワー", "x"]


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
@settings(max_examples=300, deadline=None)
def test_ascii_words_are_the_word_patterns(text: str) -> None:
    """ASCII text is split with str.translate + split: the same words as the pattern."""
    assert words(text) == _WORD.findall(text.lower())


def _by_the_pattern(text: str) -> str:
    """What ``_strip_marks`` means: the one pattern applied at every character."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", _FOLDED_MARKS.sub(r"\1", decomposed))


_MARK_CHARS = [chr(c) for c in range(0x10000) if unicodedata.category(chr(c)).startswith("M")]


def test_marks_are_stripped_as_the_pattern_says_after_every_kind_of_letter() -> None:
    """The fast path (led by runs of marks) against the pattern, for every mark of the Basic
    Multilingual Plane after a Latin, Cyrillic, CJK and Devanagari letter, alone and before
    an accent (a Cyrillic combining sign counts as a letter to the pattern)."""
    for mark in _MARK_CHARS:
        for text in (mark, f"a{mark}", f"ж{mark}\u0301", f"東{mark}\u0301", f"क{mark}x"):
            assert _strip_marks(text) == _by_the_pattern(text), ascii(text)


@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(["a", "E", "ж", "東", "ハ", "क", "ß", " ", "\U00016af0", "\u0483"]),
            st.sampled_from(_MARK_CHARS),
            st.characters(exclude_categories=["Cs"]),
        ),
        max_size=12,
    )
)
@settings(max_examples=3000, deadline=None)
def test_marks_are_stripped_as_the_pattern_says(text: str) -> None:
    assert _strip_marks(text) == _by_the_pattern(text)
