"""The whitespace passes made faster give exactly what the plain regexes gave (properties)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mails.parsing import htmltext
from mails.parsing.body_text import tidy_text

# The passes as they were: every run matched and replaced, five regexes in a row.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u200b]+")
_TRAILING = re.compile(r"[ \t]+\n")
_LEADING = re.compile(r"\n[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def reference_tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", _CONTROL.sub("", text))
    text = _LEADING.sub("\n", _TRAILING.sub("\n", text))
    return _BLANK_LINES.sub("\n\n", text).strip()


# Text made mostly of the characters the passes care about, with some words between.
_PIECES = st.sampled_from(
    [" ", "  ", "\t", "\n", "\r", "\r\n", "\f", "\v", "\u00a0", "\u200b", "\x01", "\x7f",
     "\u2003", "\u3000", "\x1c", "a", "word", "é", "語"]
)  # fmt: skip
_TEXTS = st.lists(_PIECES, max_size=40).map("".join) | st.text(max_size=60)


@given(_TEXTS)
def test_tidy_text_is_the_five_regex_passes(text: str) -> None:
    assert tidy_text(text) == reference_tidy(text)


@given(_TEXTS)
def test_html_whitespace_collapsing_is_every_run_to_one_space(text: str) -> None:
    assert htmltext._WS.sub(" ", text) == re.sub(r"\s+", " ", text)


def test_the_properties_can_fail() -> None:
    # A lone tab must become a space, and a lone space stay: the cases the fast paths skip.
    assert tidy_text("a\tb c") == "a b c"
    assert htmltext._WS.sub(" ", "a\nb c") == "a b c"
