"""Highlighting and linking untrusted mail text: only our own tags are markup."""

from __future__ import annotations

import html
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mails.highlight import highlight, is_plain_web_url, linkify
from mails.search import words

OUR_TAGS = re.compile(
    r'</?mark>|<a href="[^"]*" rel="noopener noreferrer nofollow" target="_blank">|</a>'
)


def as_text(markup: str) -> str:
    """What a browser shows: our tags dropped, entities decoded."""
    return html.unescape(OUR_TAGS.sub("", markup))


def marked(markup: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", markup, re.DOTALL)]


def test_matches_are_marked_and_everything_else_escaped() -> None:
    out = highlight("<script>alert(1)</script> & Alert", ["alert"])
    assert out == "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt; &amp; <mark>Alert</mark>"


def test_unaccented_query_words_mark_accented_text() -> None:
    assert marked(highlight("Meet at the Café, CAFÉ or café?", ["cafe"])) == [
        "Café",
        "CAFÉ",
        "café",
    ]


def test_a_decomposed_accent_stays_inside_the_mark() -> None:
    assert marked(highlight("Cafe\u0301 Noir", ["cafe"])) == ["Cafe\u0301"]


def test_casefolding_matches_expanding_letters() -> None:
    assert marked(highlight("Die Straße ist lang", ["strasse"])) == ["Straße"]


def test_only_whole_words_are_marked() -> None:
    assert marked(highlight("offer, offers, counteroffer, offer.", ["offer"])) == ["offer", "offer"]


def test_a_phrase_is_marked_across_punctuation_and_line_breaks() -> None:
    text = "About the next, steps and the next\nsteps."
    assert marked(highlight(text, ["next steps"])) == ["next, steps", "next\nsteps"]


def test_a_phrase_wins_over_its_own_word() -> None:
    assert marked(highlight("the next steps", ["next", "next steps"])) == ["next steps"]


def test_no_terms_means_escaped_text_only() -> None:
    assert highlight("a < b & c", []) == "a &lt; b &amp; c"
    assert highlight("a < b", ["<", "  "]) == "a &lt; b"


def test_plain_web_addresses_become_safe_links() -> None:
    out = linkify("See https://example.com/jobs?id=1&x=2. Thanks", [])
    assert out == (
        'See <a href="https://example.com/jobs?id=1&amp;x=2" '
        'rel="noopener noreferrer nofollow" target="_blank">https://example.com/jobs?id=1&amp;x=2'
        "</a>. Thanks"
    )


def test_a_closing_parenthesis_belongs_to_the_address_only_when_it_opened_there() -> None:
    out = linkify("(see http://en.wikipedia.org/wiki/Foo_(bar)) and (http://a.example/x)", [])
    assert 'href="http://en.wikipedia.org/wiki/Foo_(bar)"' in out
    assert 'href="http://a.example/x"' in out


def test_other_schemes_and_disguised_hosts_stay_text() -> None:
    text = (
        "javascript:alert(1) data:text/html,<b>x</b> mailto:a@b.example "
        "https://bank.example@evil.example/login ftp://files.example/"
    )
    out = linkify(text, [])
    assert "<a " not in out
    assert as_text(out) == text


def test_a_quote_cannot_break_out_of_the_href() -> None:
    out = linkify('https://evil.example/"onmouseover="alert(1)', [])
    assert out.startswith('<a href="https://evil.example/" ')
    assert "onmouseover=&quot;alert(1)" in out


def test_words_inside_links_and_around_them_are_marked() -> None:
    out = linkify("Offer at https://jobs.example/offer today: offer", ["offer"])
    assert marked(out) == ["Offer", "offer", "offer"]
    assert 'href="https://jobs.example/offer"' in out


def test_plain_web_url_check() -> None:
    assert is_plain_web_url("https://example.com")
    assert is_plain_web_url("HTTP://example.com:8080/a")
    assert not is_plain_web_url("https://user:pw@example.com/")
    assert not is_plain_web_url("https://")
    assert not is_plain_web_url("https://[::1")


# Characters of any kind, with a bias for what trips escaping, folding and linking.
TEXT = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["<", ">", "&", '"', "'", " ", "\n", "é", "e\u0301", "ß", "http://", ")"]),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, terms=st.lists(TEXT, max_size=3))
def test_any_text_is_shown_exactly_and_only_our_tags_are_markup(
    text: str, terms: list[str]
) -> None:
    for out in (highlight(text, terms), linkify(text, terms)):
        assert as_text(out) == text
        assert "<" not in OUR_TAGS.sub("", out)
        assert '"' not in OUR_TAGS.sub("", out)


@example(text="4¼1")  # two matches reach into "¼" (it folds to "1⁄4"): it was written twice
@settings(max_examples=200, deadline=None)
@given(text=TEXT)
def test_every_word_of_the_text_is_found_when_searched(text: str) -> None:
    for word in words(text)[:3]:
        out = highlight(text, [word])
        assert as_text(out) == text
        # A marked span is the word (or one character that folds to several, as "¼" to "1⁄4").
        assert all(word in words(m) for m in marked(out))
        assert marked(out)
