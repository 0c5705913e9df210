"""Folding and word splitting: accents of Latin, Greek and Cyrillic only; CJK as bigrams."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mails.highlight import highlight
from mails.search.folding import _WORD, cjk_characters, fold, merge_bigrams, words
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
