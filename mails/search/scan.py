"""Read one page of matching ids in (internal date, id) order, from a ``Plan``.

One required term: MongoDB walks that term's index range in order and stops after a page.
No term but common words (``common_marks``, see ``mails.search.index``): MongoDB walks the
user's mail newest first checking their bits, and stops after a page.

Several required terms: walking one term and fetching every document to check the others
costs a random document read per candidate — "in:sent project" fetched ~400 documents for a
page of 50 (~100 ms at 100,000 messages on a small cache). Instead the terms are intersected
on the index alone, as a search engine merges postings. The first chunk of each term's
(date, id) keys is read (covered index scans, about a microsecond per key, no document
read); up to the nearest of their last keys every term's keys are known, so their
intersection there needs no other round trip. Past it the sparsest term leads (the one whose
chunk reached farthest): its next keys in chunks, each looked up in the other terms' index
at the chunk's own (date, id) points, or, when every remaining key of a rare lead is known
and few, those messages fetched and checked. Only ids in every term are fetched, in order,
to check the rest of the filter (negations, phrases, dates, trash and spam) — not the terms
again. A phrase or AROUND with one lead (one term, or common words alone) is one walk of
that lead in order, MongoDB checking the rest but the text, which Python checks on each
candidate's ``search_text``, read with the page's fields.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from mails.search.compiler import Filter
from mails.search.cursor import Position
from mails.search.plan import MAX_TERMS, TERM_INDEX, Plan, without_terms

Document = dict[str, Any]
KEY_FIELDS = {"_id": 1, "internal_date": 1}
FIRST_CHUNK = 512
MAX_CHUNK = 8192
# A lead whose remaining keys are all known and this few is not intersected: its messages
# are fetched and checked, one round trip instead of one per other term and a fetch.
WALK_ALONE = 64
TEXT_BATCH = 128
# Up to this many candidates MongoDB checks the regexes itself: one round trip instead of
# two (the texts, then the page's fields) for a rare phrase.
FEW_TEXTS = 32
# Threads start on first use (after a pre-forking server has forked), then stay.
_READERS = ThreadPoolExecutor(max_workers=MAX_TERMS - 1, thread_name_prefix="search-chunk")


def read(
    collection: Any,
    plan: Plan,
    user_id: Any,
    position: Position | None,
    need: int,
    fields: Mapping[str, int] = KEY_FIELDS,
) -> list[Document]:
    """Return up to ``need`` matching documents after ``position``, in reading order (newest
    first, or oldest first when reading backwards from ``position``), with ``fields`` (a
    projection holding at least ``KEY_FIELDS``): the page's own fields come with the query
    that finds it, one round trip and one fetch of each document instead of two."""
    forward = position is None or position.forward
    if len(plan.terms) > 1:
        return _intersect(collection, plan, user_id, position, need, forward, fields)
    server, patterns = _text_checks(_conjunction(plan.filter))
    if (plan.terms or plan.marks is not None) and patterns:
        # One lead and a phrase or AROUND: walked with the text, which Python checks.
        return _walk_checking_text(collection, plan, server, patterns, position, need, fields)
    query_filter = plan.filter if position is None else {"$and": [plan.filter, beyond(position)]}
    cursor = collection.find(query_filter, fields).sort(_order(forward)).limit(need)
    return list(cursor.hint(plan.index) if plan.index else cursor)


def _walk_checking_text(
    collection: Any,
    plan: Plan,
    server: Filter,
    patterns: list[re.Pattern[str]],
    position: Position | None,
    need: int,
    fields: Mapping[str, int],
) -> list[Document]:
    """Walk ``plan``'s one lead in reading order with MongoDB checking ``server`` (terms, marks,
    labels, dates) and Python the ``patterns`` over each candidate's ``search_text``, read
    with the page's fields: one cursor instead of key chunks, texts by id, then the page."""
    forward = position is None or position.forward
    query = server if position is None else {"$and": [server, beyond(position)]}
    projection = {**fields, "search_text": 1}
    cursor = collection.find(query, projection).sort(_order(forward)).hint(plan.index)
    # Two common words AROUND each other match a sixth of their candidates, a phrase most.
    keep_text = "search_text" in fields
    found: list[Document] = []
    with cursor.batch_size(max(4 * need, TEXT_BATCH)) as documents:
        for doc in documents:
            text = (doc.get("search_text") if keep_text else doc.pop("search_text", None)) or ""
            if all(pattern.search(text) for pattern in patterns):
                found.append(doc)
                if len(found) >= need:
                    break
    return found


def _conjunction(query_filter: Filter) -> Filter:
    """``query_filter`` as ``{"$and": [...]}`` (what ``_text_checks`` splits)."""
    return query_filter if set(query_filter) == {"$and"} else {"$and": [query_filter]}


def _order(forward: bool) -> list[tuple[str, int]]:
    direction = -1 if forward else 1
    return [("internal_date", direction), ("_id", direction)]


@dataclass
class _Postings:
    """A term's keys read so far beyond the anchor, in reading order."""

    term: str
    keys: list[Document]
    exhausted: bool  # every key of the term beyond the anchor is in ``keys``


def _intersect(
    collection: Any,
    plan: Plan,
    user_id: Any,
    position: Position | None,
    need: int,
    forward: bool,
    fields: Mapping[str, int],
) -> list[Document]:
    # The other terms' first chunks are read on other threads meanwhile: mongod scans them
    # in parallel (a two-word query 11.7 -> 9.3 and 14.5 -> 12.2 ms, medians of 20, load 4).
    pending = [
        _READERS.submit(_lead_chunk, collection, term, user_id, position, FIRST_CHUNK)
        for term in plan.terms[1:]
    ]
    reads = [_lead_chunk(collection, plan.terms[0], user_id, position, FIRST_CHUNK)]
    reads.extend(future.result() for future in pending)
    postings = [
        _Postings(term, chunk, len(raw) < FIRST_CHUNK)
        for term, (raw, chunk) in zip(plan.terms, reads, strict=True)
    ]
    found = _Found(collection, need, forward, fields)
    rest = without_terms(plan.filter, plan.terms)
    boundary = _boundary(postings, forward)
    found.add(rest, _common(postings, boundary))
    if boundary is None or found.full():
        return found.documents()
    lead = min(postings, key=lambda p: _reach(p, boundary))
    others = [p.term for p in postings if p is not lead]
    chunk = list(filter(_beyond(boundary), lead.keys))
    exhausted, frontier = lead.exhausted, lead.keys[-1]
    walked = len(lead.keys) - len(chunk)  # the lead's keys behind us
    while True:
        if exhausted and len(chunk) <= WALK_ALONE:
            found.add(without_terms(plan.filter, [lead.term]), [doc["_id"] for doc in chunk])
            break
        if chunk:
            found.add(rest, _in_every_term(collection, others, user_id, chunk))
            walked += len(chunk)
        if exhausted or found.full():
            break
        anchor = Position(_aware(frontier["internal_date"]), frontier["_id"], forward)
        size = _next_size(found, walked)
        raw, chunk = _lead_chunk(collection, lead.term, user_id, anchor, size)
        exhausted = len(raw) < size
        frontier = chunk[-1] if chunk else frontier
    return found.documents()


def _next_size(found: _Found, walked: int) -> int:
    """How many of the lead's keys should complete the page at the rate they matched so far
    (with a quarter more), within FIRST_CHUNK..MAX_CHUNK: two common words AROUND each other
    match ~5% of the lead's keys, and doubling from 512 took four more chunks (each a key
    read, a check of the other terms and one of the text: three round trips)."""
    if not found.count():
        return MAX_CHUNK if walked >= FIRST_CHUNK else FIRST_CHUNK
    wanted = (found.need - found.count()) * walked * 5 // (4 * found.count())
    return max(FIRST_CHUNK, min(MAX_CHUNK, wanted))


def _boundary(postings: list[_Postings], forward: bool) -> Position | None:
    """Where the keys stop being all known: the nearest last key of an unfinished term
    (None when every term's keys are all read)."""
    ends = [p.keys[-1] for p in postings if not p.exhausted]
    if not ends:
        return None
    nearest = (max if forward else min)(ends, key=lambda doc: (doc["internal_date"], doc["_id"]))
    return Position(_aware(nearest["internal_date"]), nearest["_id"], forward)


def _common(postings: list[_Postings], boundary: Position | None) -> list[Any]:
    """The ids, in reading order, in every term up to ``boundary`` (inclusive)."""
    ids = [p.keys for p in postings]
    shortest = min(ids, key=len)
    common = set.intersection(*({doc["_id"] for doc in keys} for keys in ids))
    beyond_boundary = _beyond(boundary) if boundary else None
    return [
        doc["_id"]
        for doc in shortest
        if doc["_id"] in common and (beyond_boundary is None or not beyond_boundary(doc))
    ]


def _reach(postings: _Postings, boundary: Position) -> tuple[int, int]:
    """Sort key of the sparsest term past ``boundary``: a finished term first (fewest keys
    left), then the one whose chunk reached farthest (fewest keys per day)."""
    left = len(list(filter(_beyond(boundary), postings.keys)))
    return (0 if postings.exhausted else 1, left if postings.exhausted else -left)


class _Found:
    """The page's messages as the chunks find them, in reading order.

    Ids that only have to be out of trash and spam are fetched with the page's fields at
    once: nearly all match, so the first ``need`` are fetched, then more only if some were
    left out (not a whole chunk's documents). Phrases and AROUND (regexes over
    ``search_text``) with more than ``FEW_TEXTS`` candidates are checked here instead of by
    MongoDB: their ids are selected by their text first, chunk after chunk, and the page's
    fields fetched once at the end.
    """

    def __init__(
        self, collection: Any, need: int, forward: bool, fields: Mapping[str, int]
    ) -> None:
        self.collection, self.need, self.forward, self.fields = collection, need, forward, fields
        self.fetched: list[Document] = []
        self.selected: list[Any] = []

    def count(self) -> int:
        return len(self.fetched) + len(self.selected)

    def full(self) -> bool:
        return self.count() >= self.need

    def add(self, rest: Filter, ids: list[Any]) -> None:
        """Take those of ``ids`` (in reading order) that match ``rest``, up to a page."""
        left = self.need - len(self.fetched) - len(self.selected)
        if not ids or left <= 0:
            return
        server, patterns = _text_checks(rest)
        if patterns and len(ids) > FEW_TEXTS:
            self.selected.extend(_matching_text(self.collection, server, patterns, ids, left))
        else:
            self.fetched.extend(self._fetch(rest, ids, left))

    def documents(self) -> list[Document]:
        if self.selected:
            # Every selected id matched: the one query left reads their fields.
            chosen = {"$and": [{"_id": {"$in": self.selected}}]}
            self.fetched.extend(self._fetch(chosen, self.selected, len(self.selected)))
            self.fetched.sort(key=_key, reverse=self.forward)
            self.selected = []
        return self.fetched

    def _fetch(self, server: Filter, ids: list[Any], need: int) -> list[Document]:
        found: list[Document] = []
        start = 0
        while start < len(ids) and len(found) < need:
            take = need - len(found) if _only_labels(server) else len(ids)
            query = {"$and": [*server["$and"], {"_id": {"$in": ids[start : start + take]}}]}
            start += take
            cursor = self.collection.find(query, self.fields).sort(_order(self.forward))
            found.extend(cursor.limit(need - len(found)).hint("_id_"))
        return found


def _key(doc: Document) -> tuple[dt.datetime, Any]:
    return (doc["internal_date"], doc["_id"])


def _text_checks(rest: Filter) -> tuple[Filter, list[re.Pattern[str]]]:
    """Split ``rest`` into what MongoDB checks and the regexes over ``search_text`` that
    Python checks: mongod's regex cost ~36 µs a message (1.9 kB of text on average; about
    two thirds of a chunk's fetch for "this AROUND 5 but"), Python's ~10 µs plus the text's
    transfer (measured, 300 messages, 10,000-message mailbox)."""
    server: list[Filter] = []
    patterns: list[re.Pattern[str]] = []
    for clause in rest["$and"]:
        pattern = _text_regex(clause)
        if pattern is None:
            server.append(clause)
        else:
            patterns.append(_compiled(pattern))
    return {"$and": server}, patterns


def _text_regex(clause: Filter) -> str | None:
    """The pattern of a clause that is one multi-line regex on ``search_text``, else None."""
    regex = clause.get("search_text") if set(clause) == {"search_text"} else None
    if not isinstance(regex, dict) or set(regex) != {"$regex", "$options"}:
        return None
    pattern = regex["$regex"]
    return pattern if regex["$options"] == "m" and isinstance(pattern, str) else None


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    # The compiler's patterns (escaped words, spaces, [^ \n], {m,n}, ^ and $ per line) mean
    # the same to Python's re as to MongoDB's PCRE.
    return re.compile(pattern, re.MULTILINE)


def _matching_text(
    collection: Any,
    server: Filter,
    patterns: list[re.Pattern[str]],
    ids: list[Any],
    need: int,
) -> list[Any]:
    """Return the first ``need`` of ``ids`` (in order) that match ``server`` and whose
    ``search_text`` every pattern finds; their texts are read in growing batches."""
    matched: list[Any] = []
    # A page's worth of texts several times over: a phrase matches most of its candidates,
    # two words AROUND each other a tenth or less.
    start, size = 0, max(4 * need, TEXT_BATCH)
    while start < len(ids) and len(matched) < need:
        batch = ids[start : start + size]
        start, size = start + size, 2 * size
        query = {"$and": [*server["$and"], {"_id": {"$in": batch}}]}
        texts = {
            doc["_id"]: doc.get("search_text") or ""
            for doc in collection.find(query, {"search_text": 1}).hint("_id_").batch_size(size)
        }
        for message_id in batch:
            text = texts.get(message_id)
            if text is not None and all(p.search(text) for p in patterns):
                matched.append(message_id)
    return matched[:need]


def _only_labels(rest: Filter) -> bool:
    return all(set(clause) <= {"user_id", "label_ids"} for clause in rest["$and"])


def _lead_chunk(
    collection: Any, term: str, user_id: Any, anchor: Position | None, size: int
) -> tuple[list[Document], list[Document]]:
    """Return up to ``size`` keys of ``term`` from ``anchor`` on, and those strictly beyond it.

    The keyset is an index bound on the date alone (``$lte``/``$gte``); the few keys sharing
    the anchor's date are sorted out here. The exact keyset (an ``$or`` on date and id) would
    make MongoDB fetch every document of the multikey index: 18 ms instead of 0 for 512 keys.
    """
    forward = anchor is None or anchor.forward
    query: Filter = {"user_id": user_id, "search_terms": term}
    if anchor is not None:
        query["internal_date"] = {"$lte" if forward else "$gte": anchor.internal_date}
    cursor = collection.find(query, KEY_FIELDS).sort(_order(forward)).limit(size).hint(TERM_INDEX)
    # The whole chunk in one reply (the first batch is otherwise 101 documents: a getMore).
    raw = list(cursor.batch_size(size))
    chunk = raw if anchor is None else list(filter(_beyond(anchor), raw))
    if raw and not chunk and len(raw) == size:
        # More than a chunk of keys share the anchor's date: take the exact keyset this once.
        query.update(beyond(anchor))  # type: ignore[arg-type]
        cursor = collection.find(query, KEY_FIELDS).sort(_order(forward)).limit(size)
        raw = chunk = list(cursor.batch_size(size))
    return raw, chunk


def _beyond(anchor: Position) -> Callable[[Document], bool]:
    """Return a test of whether a key is strictly beyond ``anchor``, built once for the
    thousands of keys of a few chunks (a timezone-aware copy of each key's date cost ~1 ms
    of a query of two common words)."""
    forward, message_id = anchor.forward, anchor.message_id
    aware = anchor.internal_date
    naive = aware.astimezone(dt.UTC).replace(tzinfo=None)  # pymongo's dates: naive UTC

    def test(doc: Document) -> bool:
        date = doc["internal_date"]
        key = (date, doc["_id"])
        mark = (naive if date.tzinfo is None else aware, message_id)
        return key < mark if forward else key > mark

    return test


def _in_every_term(
    collection: Any, terms: list[str], user_id: Any, chunk: list[Document]
) -> list[Any]:
    """Return the ids of ``chunk`` (keys of the lead term) that carry every term of
    ``terms``, in ``chunk``'s order."""
    candidates = {doc["_id"] for doc in chunk}
    if not chunk:
        return []
    for term in terms:
        # Each candidate's key in this term's index is known but for the term: the index is
        # probed at those (date, id) points. A date window with the ids scanned every key of
        # a dense term in it ("the" under 512 keys of "project": 161 ms).
        left = [doc for doc in chunk if doc["_id"] in candidates]
        dates = {"$in": list({doc["internal_date"] for doc in left})}
        ids = {"$in": [doc["_id"] for doc in left]}
        query = {"user_id": user_id, "search_terms": term, "internal_date": dates, "_id": ids}
        cursor = collection.find(query, {"_id": 1}).hint(TERM_INDEX).batch_size(len(left))
        candidates &= {doc["_id"] for doc in cursor}
        if not candidates:
            break
    return [doc["_id"] for doc in chunk if doc["_id"] in candidates]


def beyond(position: Position) -> Filter:
    """The messages strictly after (or before) ``position`` in newest-first order."""
    date, message_id = position.internal_date, position.message_id
    if position.forward:
        return {
            "internal_date": {"$lte": date},
            "$or": [{"internal_date": {"$lt": date}}, {"_id": {"$lt": message_id}}],
        }
    return {
        "internal_date": {"$gte": date},
        "$or": [{"internal_date": {"$gt": date}}, {"_id": {"$gt": message_id}}],
    }


def _aware(date: dt.datetime) -> dt.datetime:
    return date if date.tzinfo else date.replace(tzinfo=dt.UTC)  # pymongo: naive UTC
