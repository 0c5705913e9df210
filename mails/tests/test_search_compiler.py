"""The compiler: user scope, trash/spam rules, dates, sizes, labels, regex safety."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from bson import ObjectId

from mails.search import compile_query, parse
from mails.search.index import COMMON_WORD_BITS, pair_bits

USER = SimpleNamespace(pk=ObjectId(), email="Me.Myself@Example.com")
NOW = dt.datetime(2024, 3, 31, 15, 30, tzinfo=dt.UTC)
LABELS = {
    "inbox": ("INBOX",),
    "trash": ("TRASH",),
    "spam": ("SPAM",),
    "work": ("Label_1", "Label_7"),
}


def compiled(query: str) -> dict[str, Any]:
    return compile_query(parse(query), USER, now=NOW, labels=LABELS)


def body(query: str) -> dict[str, Any]:
    """The part of the filter that comes from the query itself."""
    clause: dict[str, Any] = compiled(query)["$and"][-1]
    return clause


def hidden(query: str) -> list[str]:
    clauses = compiled(query).get("$and", [])
    return [f"label:{t}" for c in clauses if "label_ids" in c and "$nin" in c["label_ids"]
            for t in c["label_ids"]["$nin"]]  # fmt: skip


@pytest.mark.parametrize("query", ["", "a", "in:anywhere", "-from:x OR y", "in:trash"])
def test_every_filter_is_scoped_to_the_user_first(query) -> None:
    result = compiled(query)
    first = result["$and"][0] if "$and" in result else result
    assert first == {"user_id": USER.pk}


def test_trash_and_spam_are_hidden_unless_named() -> None:
    assert hidden("invoice") == ["label:TRASH", "label:SPAM"]
    assert hidden("in:trash") == ["label:SPAM"]
    assert hidden("label:spam") == ["label:TRASH"]
    assert hidden("-in:trash") == ["label:SPAM"]
    assert hidden("in:anywhere") == []
    assert compiled("in:anywhere") == {"$and": [{"user_id": USER.pk}, {}]}


def test_words_and_operators_are_terms() -> None:
    assert body("invoice") == {"search_terms": "invoice"}
    assert body("subject:Café") == {"search_terms": "subject:cafe"}
    assert body("from:Alice@Example.COM") == {"search_terms": "from:alice@example.com"}
    assert body("from:@example.com") == {"search_terms": "from:example.com"}
    # The wildcard filters write, which Gmail ignores.
    assert body("from:*@example.com") == {"search_terms": "from:example.com"}
    assert body("to:(*@a.example OR *@b.example)") == {
        "$or": [{"search_terms": "to:a.example"}, {"search_terms": "to:b.example"}]
    }
    assert body("has:userlabels") == {"label_ids": {"$regex": "^Label_"}}
    assert body("has:nouserlabels") == {"label_ids": {"$not": {"$regex": "^Label_"}}}
    assert body("list:info@example.com") == {"search_terms": "list:info.example.com"}
    assert body("has:attachment") == {"search_terms": "has:attachment"}
    assert body("is:unread") == {"search_terms": "label:UNREAD"}
    assert body("is:read") == {"search_terms": {"$ne": "label:UNREAD"}}
    assert body("category:primary") == {"search_terms": "label:CATEGORY_PERSONAL"}
    assert body("rfc822msgid:<AbC@x.com>") == {"search_terms": "rfc822msgid:abc@x.com"}


def test_from_me_is_the_users_own_address() -> None:
    assert body("from:me") == {"search_terms": "from:me.myself@example.com"}
    assert body("to:me") == {"search_terms": "to:me.myself@example.com"}


def test_labels_resolve_by_name_and_an_unknown_one_matches_nothing() -> None:
    assert body("label:work") == {"search_terms": {"$in": ["label:Label_1", "label:Label_7"]}}
    assert body("in:inbox") == {"search_terms": "label:INBOX"}
    assert body("label:nothing") == {"search_terms": {"$in": []}}


def test_a_phrase_needs_its_words_and_their_order() -> None:
    result = body('"Weekly Digest"')
    assert result["$and"][:2] == [{"search_terms": "weekly"}, {"search_terms": "digest"}]
    regex = result["$and"][2]["search_text"]
    assert regex == {"$regex": " weekly digest(?: |$)", "$options": "m"}
    line = body('subject:"weekly digest"')["$and"][2]["search_text"]["$regex"]
    assert re.search(line, "subject: the weekly digest", re.M)
    assert not re.search(line, "body: the weekly digest", re.M)


def marks(*bits: int) -> dict[str, Any]:
    return {"common_marks": {"$bitsAllSet": sorted(set(bits))}}


def test_frequent_words_anywhere_are_marks_and_a_pair_in_a_field_one_term() -> None:
    word = COMMON_WORD_BITS
    assert body("The") == marks(word["the"])
    assert body("-the") == {"$nor": [marks(word["the"])]}
    # Anywhere: the words' and the pair's bits, then the sequence (the pair's bits may
    # collide with another pair's: index.pair_bits).
    assert body('"Of The"') == {
        "$and": [
            marks(word["of"], word["the"], *pair_bits("of", "the")),
            {"search_text": {"$regex": " of the(?: |$)", "$options": "m"}},
        ]
    }
    # In one field, indexed as a pair term (index.COMMON_WORDS): no regex.
    assert body('subject:"to be"') == {"search_terms": "subject:to_be"}
    # In a longer phrase the other words are terms; the sequence is still checked.
    result = body('"out of the office"')
    common = (word["out"], word["of"], word["the"], *pair_bits("out", "of"))
    assert result["$and"][:2] == [
        {"search_terms": "office"},
        marks(*common, *pair_bits("of", "the")),
    ]
    assert result["$and"][2]["search_text"]["$regex"] == " out of the office(?: |$)"
    # AROUND: the common words' bits, no pair between the two sides.
    near = body("this AROUND 3 report")["$and"]
    assert near[:2] == [{"search_terms": "report"}, marks(word["this"])]


def test_regex_characters_of_a_query_never_reach_the_regex() -> None:
    pattern = body('"(x+y)* [z] .^$|"')["$and"][-1]["search_text"]["$regex"]
    assert pattern == " x y z(?: |$)"


def test_dates_are_midnight_in_the_persons_time_zone() -> None:
    assert body("after:2024/03/05") == {
        "internal_date": {"$gte": dt.datetime(2024, 3, 5, tzinfo=dt.UTC)}
    }
    assert body("before:2024/03/05") == {
        "internal_date": {"$lt": dt.datetime(2024, 3, 5, tzinfo=dt.UTC)}
    }
    assert body("before:03/05/2024") == body("before:2024/03/05")  # Gmail help's form

    def instant(zone: str | None, user: object = USER) -> dt.datetime:
        query = compile_query(parse("after:2024/03/05"), user, labels=LABELS, time_zone=zone)
        found: dt.datetime = query["$and"][-1]["internal_date"]["$gte"]
        return found.astimezone(dt.UTC)

    assert instant("Europe/Paris") == dt.datetime(2024, 3, 4, 23, tzinfo=dt.UTC)
    assert instant("America/Los_Angeles") == dt.datetime(2024, 3, 5, 8, tzinfo=dt.UTC)
    # The user's own setting by default; an unknown name is UTC, not an error.
    tokyo = SimpleNamespace(pk=USER.pk, email=USER.email, time_zone="Asia/Tokyo")
    assert instant(None, tokyo) == dt.datetime(2024, 3, 4, 15, tzinfo=dt.UTC)
    assert instant("Mars/Olympus") == dt.datetime(2024, 3, 5, tzinfo=dt.UTC)
    assert body("after:1709596800") == {
        "internal_date": {"$gte": dt.datetime(2024, 3, 5, tzinfo=dt.UTC)}
    }


@pytest.mark.parametrize(
    ("query", "cutoff"),
    [
        ("newer_than:2d", dt.datetime(2024, 3, 29, 15, 30, tzinfo=dt.UTC)),
        ("newer_than:1m", dt.datetime(2024, 2, 29, 15, 30, tzinfo=dt.UTC)),
        ("newer_than:13m", dt.datetime(2023, 2, 28, 15, 30, tzinfo=dt.UTC)),
        ("newer_than:1y", dt.datetime(2023, 3, 31, 15, 30, tzinfo=dt.UTC)),
    ],
)
def test_relative_dates_count_back_from_now(query, cutoff) -> None:
    assert body(query) == {"internal_date": {"$gt": cutoff}}
    assert body(query.replace("newer", "older")) == {"internal_date": {"$lte": cutoff}}


def test_sizes_are_bytes() -> None:
    assert body("larger:2M") == {"size_estimate": {"$gt": 2 * 1024 * 1024}}
    assert body("smaller:10k") == {"size_estimate": {"$lt": 10240}}


def test_boolean_structure_maps_to_and_or_nor() -> None:
    assert body("x OR -y") == {"$or": [{"search_terms": "x"}, {"$nor": [{"search_terms": "y"}]}]}
    assert body("x y") == {"$and": [{"search_terms": "x"}, {"search_terms": "y"}]}
