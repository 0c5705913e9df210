"""Property tests: any string parses or is a SearchError; nothing else ever escapes."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from bson import ObjectId
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mails.search import (
    InvalidRequest,
    SearchError,
    compile_query,
    fold,
    normalize_query,
    parse,
    render,
    words,
)
from mails.search.highlights import highlight_terms
from mails.search.service import search

PIECES = st.sampled_from(
    [
        "a", "Café", "OR", "AND", "or", "-", "--", "(", ")", "{", "}", '"', '\\"', "\\", " ",
        "  ", "from:", "from:ana@example.com", "subject:", "label:", "in:", "in:anywhere",
        "is:unread", "is:", "has:attachment", "after:", "after:2024/02/29", "before:2024/02/30",
        "newer_than:3d", "older_than:", "larger:10M", "smaller:", "filename:pdf", "category:",
        "list:", "rfc822msgid:", "unknown:", ":", "@", ".", "*", "$", "^", "[", "İ", "ß", "ﬁ",
        "\u0301", "\x00", "\n", "日本", "１２", "＂", "AROUND", " AROUND ", "3", " 2 ", "101",
        "is:snoozed", "has:yellow-star", "older:5d",
    ]
)  # fmt: skip
QUERIES = st.one_of(st.text(max_size=60), st.lists(PIECES, max_size=25).map("".join))
USER = SimpleNamespace(pk=ObjectId(), email="me@example.com")
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
LABELS = {"inbox": ("INBOX",), "work": ("Label_1",)}


def attempt(function, *args, **kwargs):
    """(result, None), or (None, the InvalidRequest raised); anything else propagates."""
    try:
        return function(*args, **kwargs), None
    except InvalidRequest as error:
        return None, error


@settings(max_examples=600, deadline=None)
@given(QUERIES)
def test_any_string_parses_or_is_a_search_error(query) -> None:
    tree, error = attempt(parse, query)
    if error is not None:
        assert isinstance(error, SearchError)
        assert error.code == "bad_query"
        assert error.position is None or 1 <= error.position <= len(query)
        return
    compiled = compile_query(tree, USER, now=NOW, labels=LABELS)
    assert compiled.get("$and", [compiled])[0] == {"user_id": USER.pk}
    canonical = render(tree)
    assert parse(canonical) == tree
    assert normalize_query(canonical) == canonical
    for term in highlight_terms(tree):
        assert term == " ".join(words(term))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_folding_is_idempotent_and_words_are_folded(text) -> None:
    assert fold(fold(text)) == fold(text)
    assert words(fold(text)) == words(text)
    assert all(word == fold(word) for word in words(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_normalize_query_never_raises(text) -> None:
    assert isinstance(normalize_query(text), str)


@pytest.mark.django_db
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=QUERIES, cursor=st.one_of(st.none(), st.text(max_size=30)))
def test_search_answers_or_raises_only_invalid_request(search_corpus, query, cursor) -> None:
    page, error = attempt(search, search_corpus, query, cursor=cursor, page_size=5)
    if error is not None:
        assert error.code in {"bad_query", "bad_cursor"}
        return
    assert all(m.user_id == search_corpus.pk for m in page.messages)
