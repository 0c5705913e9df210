"""Compile a query AST into a MongoDB filter on ``messages``, always scoped to one user.

Words, phrases and every operator but dates and sizes become equalities on the indexed
``search_terms`` array (see ``mails.search.index``), but for the very frequent words
(``COMMON_WORDS``) anywhere, which are bits of ``common_marks`` (``$bitsAllSet``): a phrase
is its other words' terms and its common words' and adjacent pairs' bits, plus a regex over
``search_text``, as AROUND is (in one field, a pair of common words, ``subject:"of the"``, is
one pair term and needs no regex); the regex is evaluated only on documents the terms and
bits already selected (by Python, when ``scan`` reads the candidates in chunks).
Regexes are built from folded words passed through ``re.escape``, never from raw input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.time_zones import zone as time_zone_named
from mails.search.folding import fold, words
from mails.search.index import (
    COMMON_WORD_BITS,
    is_common_pair,
    label_term,
    message_id_term,
    pair_bits,
    pair_term,
)
from mails.search.nodes import And, Field, Near, Node, Not, Or, Text
from mails.search.values import CATEGORIES, USER_LABEL_VALUES, WORD_OPERATORS

Filter = dict[str, Any]
# in:<value> names that are not label names.
IN_LABELS = {
    "inbox": "INBOX",
    "sent": "SENT",
    "trash": "TRASH",
    "spam": "SPAM",
    "draft": "DRAFT",
    "drafts": "DRAFT",
    "starred": "STARRED",
    "important": "IMPORTANT",
    "unread": "UNREAD",
    "chats": "CHAT",
}
IS_LABELS = {"unread": "UNREAD", "starred": "STARRED", "important": "IMPORTANT"}
HIDDEN = ("TRASH", "SPAM")
MATCH_NOTHING: Filter = {"search_terms": {"$in": []}}
# The ids Gmail gives the labels a person makes (labels.list: type "user"); its own are capitals.
USER_LABEL_PREFIX = "Label_"
_ADDRESS = re.compile(r"[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+")
_DOTTED = re.compile(r"@?[^\s@.]+(?:\.[^\s@.]+)+")


@dataclass(frozen=True)
class Context:
    """What compiling needs besides the query: whose mail, when, and their label names."""

    user_id: Any
    me: str  # the user's own address, folded: from:me
    now: dt.datetime
    # Folded query name of a label ("work-projects", "inbox") → its Gmail label ids.
    labels: Mapping[str, tuple[str, ...]]
    # The person's time zone: after:/before: days start at its midnight, as in Gmail.
    zone: ZoneInfo


def compile_query(
    node: Node | None,
    user: Any,
    *,
    now: dt.datetime | None = None,
    labels: Mapping[str, tuple[str, ...]] | None = None,
    time_zone: str | None = None,
) -> Filter:
    """Return the MongoDB filter of ``node`` for ``user``'s messages.

    Trash and spam are left out unless the query names them (``in:trash``, ``label:spam``)
    or says ``in:anywhere``. ``labels`` defaults to the user's stored labels, ``time_zone``
    (an IANA name) to the user's own (``User.time_zone``; UTC when unset or unknown).
    """
    if labels is None:
        labels = _stored_labels(node, user.pk)
    if time_zone is None:
        time_zone = getattr(user, "time_zone", None)
    context = Context(
        user.pk,
        fold(getattr(user, "email", "") or ""),
        now or timezone.now(),
        labels,
        time_zone_named(time_zone),
    )
    clauses: list[Filter] = [{"user_id": user.pk}]
    hidden = _hidden_labels(node, context)
    if hidden:
        # On label_ids, which holds the same labels as the label: terms (every write sets
        # both): checked on each fetched document, a few labels cost less to scan than its
        # hundreds of terms (a page of 50 "meeting": 1.6 -> 1.0 ms, 10,000 messages).
        clauses.append({"label_ids": {"$nin": hidden}})
    if node is not None:
        clauses.append(_compile(node, context))
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def uses_days(node: Node | None) -> bool:
    """True when the query has ``after:``/``before:``: its answer depends on the time zone."""
    return any(field.name in {"after", "before"} for field in _fields(node))


def _stored_labels(node: Node | None, user_id: Any) -> Mapping[str, tuple[str, ...]]:
    """Return the user's label names, read only when the query names a label by name."""
    if not any(_names_a_label(field) for field in _fields(node)):
        return {}
    from mails.labels import query_names

    return query_names(user_id)


def _names_a_label(field: Field) -> bool:
    if field.name == "in":
        return field.value not in IN_LABELS and field.value != "anywhere"
    return field.name == "label"


def _hidden_labels(node: Node | None, context: Context) -> list[str]:
    """Return which of trash and spam stay excluded: those the query does not name."""
    named: set[str] = set()
    for field in _fields(node):
        if field.name == "in" and field.value == "anywhere":
            return []
        if field.name in {"in", "label"}:
            named.update(_label_ids(field, context))
    return [label for label in HIDDEN if label not in named]


def _fields(node: Node | None) -> list[Field]:
    if isinstance(node, Field):
        return [node]
    if isinstance(node, Not):
        return _fields(node.child)
    if isinstance(node, (And, Or)):
        return [field for child in node.children for field in _fields(child)]
    return []


def _compile(node: Node, context: Context) -> Filter:
    if isinstance(node, Text):
        return _phrase(node.words, None)
    if isinstance(node, Field):
        return _field(node, context)
    if isinstance(node, Not):
        return {"$nor": [_compile(node.child, context)]}
    if isinstance(node, Near):
        return _near(node)
    key = "$and" if isinstance(node, And) else "$or"
    return {key: [_compile(child, context) for child in node.children]}


def _phrase(found: tuple[str, ...] | list[str], field: str | None) -> Filter:
    """Words (adjacent, in order, when several) anywhere or in one field's values.

    In one field, each adjacent pair of very frequent words is its pair term
    (``index.pair_terms``), any other word its own term; anywhere, the frequent words and
    pairs are marks (``_marks``). Unless the phrase is one word, or one pair in a field, the
    exact sequence is then checked by a regex, only on the messages the terms selected.
    """
    if field is None:
        clauses = [*_word_terms(found), *_marks([found])]
        if len(found) > 1:
            clauses.append(_sequence(found, None))
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}
    prefix = f"{field}:"
    if len(found) == 2 and is_common_pair(*found):
        return {"search_terms": prefix + pair_term(*found)}
    terms = [{"search_terms": prefix + term} for term in dict.fromkeys(_phrase_terms(found))]
    if len(found) == 1:
        return terms[0]
    return {"$and": [*terms, _sequence(found, field)]}


def _phrase_terms(found: tuple[str, ...] | list[str]) -> list[str]:
    """The pair term of each adjacent pair of frequent words, then every word in no pair."""
    terms: list[str] = []
    paired: set[int] = set()
    for index, (first, second) in enumerate(pairwise(found)):
        if is_common_pair(first, second):
            terms.append(pair_term(first, second))
            paired.update((index, index + 1))
    terms.extend(word for index, word in enumerate(found) if index not in paired)
    return terms


def _word_terms(found: tuple[str, ...] | list[str]) -> list[Filter]:
    """The term equalities of the words that are not common words (those are marks)."""
    return [{"search_terms": word} for word in dict.fromkeys(found) if word not in COMMON_WORD_BITS]


def _marks(sequences: list[tuple[str, ...] | list[str]]) -> list[Filter]:
    """The ``common_marks`` clause of the common words of ``sequences`` and of their pairs
    of adjacent common words ([] when they have none)."""
    bits: set[int] = set()
    for found in sequences:
        bits.update(COMMON_WORD_BITS[word] for word in found if word in COMMON_WORD_BITS)
        for first, second in pairwise(found):
            if is_common_pair(first, second):
                bits.update(pair_bits(first, second))
    return [{"common_marks": {"$bitsAllSet": sorted(bits)}}] if bits else []


def _sequence(found: tuple[str, ...] | list[str], field: str | None) -> Filter:
    """The words in this order on one line of ``search_text`` (of ``field``, if given)."""
    sequence = " ".join(re.escape(word) for word in found)
    line = rf"^{re.escape(field)}:[^\n]*" if field else ""
    pattern = rf"{line} {sequence}(?: |$)"
    return {"search_text": {"$regex": pattern, "$options": "m"}}


def _near(node: Near) -> Filter:
    """``a AROUND n b``: the words through the index (common words by their marks), then
    one regex over ``search_text`` finding both in one field's line, either order, at most
    ``n`` words between them."""
    terms = [*_word_terms((*node.left, *node.right)), *_marks([node.left, node.right])]
    left = " ".join(re.escape(word) for word in node.left)
    right = " ".join(re.escape(word) for word in node.right)
    # At most n whole words of the same line between the two; n is capped by the parser.
    gap = rf"(?: [^ \n]+){{0,{node.distance}}}"
    pattern = rf" (?:{left}{gap} {right}|{right}{gap} {left})(?: |$)"
    return {"$and": [*terms, {"search_text": {"$regex": pattern, "$options": "m"}}]}


def _field(node: Field, context: Context) -> Filter:
    name, value = node.name, node.value
    if name in {"subject", "filename"}:
        return _phrase(words(value), name)
    if name in WORD_OPERATORS:
        return _address_field(name, value, context)
    if name in {"label", "in"}:
        if name == "in" and value == "anywhere":
            return {}
        ids = _label_ids(node, context)
        if len(ids) == 1:
            return {"search_terms": label_term(ids[0])}
        return {"search_terms": {"$in": [label_term(i) for i in ids]}} if ids else MATCH_NOTHING
    if name == "is":
        if value == "read":
            return {"search_terms": {"$ne": label_term("UNREAD")}}
        return {"search_terms": label_term(IS_LABELS[value])}
    if name == "category":
        return {"search_terms": label_term(CATEGORIES[value])}
    if name == "has":
        if value in USER_LABEL_VALUES:
            return _user_labels(value == "userlabels")
        # has:attachment, or has:drive etc. for links (see index.link_terms).
        return {"search_terms": f"has:{value}"}
    if name == "rfc822msgid":
        return {"search_terms": message_id_term(value)}
    return _range(name, value, context)


def _user_labels(present: bool) -> Filter:
    """Whether a label the person made is on the message. Gmail names every such label
    ``Label_<n>`` and its own (system and category) labels in capitals, so the ids say it:
    no term is indexed for it, and the walk checks ``label_ids`` message by message."""
    made = {"$regex": f"^{USER_LABEL_PREFIX}"}
    return {"label_ids": made if present else {"$not": made}}


def _address_field(name: str, value: str, context: Context) -> Filter:
    if name in {"from", "to", "cc", "bcc", "deliveredto"} and value == "me" and context.me:
        value = context.me
    if name == "list":
        value = value.replace("@", ".")  # list:info@example.com is the list id info.example.com
    # Gmail ignores the "*" people write as a wildcard in filters: "from:*@github.com" is mail
    # from github.com (left in, it made a term no message holds).
    value = value.replace("*", "")
    # A whole address, a domain or a dotted local part is one exact term (see index.py).
    if _ADDRESS.fullmatch(value) or _DOTTED.fullmatch(value):
        return {"search_terms": f"{name}:{value.lstrip('@')}"}
    return _phrase(words(value), name)


def _label_ids(field: Field, context: Context) -> tuple[str, ...]:
    if field.name == "in" and field.value in IN_LABELS:
        return (IN_LABELS[field.value],)
    return tuple(context.labels.get(field.value, ()))


def _range(name: str, value: str, context: Context) -> Filter:
    if name in {"larger", "smaller"}:
        return {"size_estimate": {"$gt" if name == "larger" else "$lt": int(value)}}
    if name in {"after", "before"}:
        instant = _instant(value, context.zone)
        # Gmail: after: includes its day, before: excludes its day.
        return {"internal_date": {"$gte" if name == "after" else "$lt": instant}}
    cutoff = _ago(context.now, value)
    return {"internal_date": {"$gt" if name == "newer_than" else "$lte": cutoff}}


def _instant(value: str, zone: ZoneInfo) -> dt.datetime:
    """Return midnight of a ``YYYY/MM/DD`` day in the person's time zone, or an epoch instant."""
    if value.isdigit():
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    year, month, day = (int(part) for part in value.split("/"))
    return dt.datetime(year, month, day, tzinfo=zone)


def _ago(now: dt.datetime, value: str) -> dt.datetime:
    """Return ``now`` minus ``Nd``, ``Nm`` (calendar months) or ``Ny`` (calendar years)."""
    amount, unit = int(value[:-1]), value[-1]
    if unit == "d":
        return now - dt.timedelta(days=amount)
    months = amount * (12 if unit == "y" else 1)
    index = now.year * 12 + (now.month - 1) - months
    year, month = divmod(index, 12)
    return _clamped(now, year, month + 1)


def _clamped(now: dt.datetime, year: int, month: int) -> dt.datetime:
    """``now`` moved to ``year``/``month``, the day clamped to that month's length."""
    for day in range(now.day, 27, -1):
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return now.replace(year=year, month=month, day=min(now.day, 28))
