"""Run a search: parse, compile, read one keyset page newest first, cache the first page.

Pages are ordered by (internal date, id), both descending, and read with pymongo (exact
control of sort and limit; the indexes ``user_newest_id`` and ``user_term_newest`` serve
that order directly). The query that finds a page reads its messages' fields too (the body
only when asked for; ``loading`` builds the ``Message`` instances the ORM would); a cached
first page is read again by id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bson import ObjectId
from django.conf import settings

from accounts.time_zones import DEFAULT_TIME_ZONE
from mailbox_project import metrics
from mailbox_project.mongo import get_database
from mails.models import Message
from mails.search import cursor, loading, page_cache, scan
from mails.search.compiler import compile_query, uses_days
from mails.search.cursor import Position
from mails.search.errors import InvalidRequest, SearchError
from mails.search.highlights import highlight_terms
from mails.search.parser import parse
from mails.search.plan import Plan, plan, walks
from mails.search.render import render

__all__ = ["InvalidRequest", "SearchError", "SearchPage", "search"]

# Fields the result list never needs; the body only when ``include_body``.
# Never shown in a list: the index fields and what only the HTML alternative says.
_DEFERRED = (
    "search_terms", "search_text", "common_marks", "alternative_text", "links", "references",
)  # fmt: skip


@dataclass
class SearchPage:
    """One page of results, newest first, and cursors to its neighbours (None at the ends)."""

    messages: list[Message]
    next_cursor: str | None
    prev_cursor: str | None
    highlights: list[str] = field(default_factory=list)
    query: str = ""


@dataclass(frozen=True)
class _Found:
    documents: list[dict[str, Any]]
    next_position: Position | None
    prev_position: Position | None


def search(
    user: Any,
    query: str = "",
    *,
    cursor: str | None = None,
    page_size: int | None = None,
    include_body: bool = False,
    now: dt.datetime | None = None,
) -> SearchPage:
    """Return one page of ``user``'s messages matching the Gmail ``query``.

    Raises ``InvalidRequest`` (``SearchError`` for the query) for anything malformed: a query
    that does not parse, a bad or foreign cursor, a page size outside 1..SEARCH_MAX_PAGE_SIZE.
    ``now`` fixes the clock of ``newer_than:``/``older_than:`` (tests). A cached first page
    of a relative-date query may lag the clock by up to ``SEARCH_CACHE_TTL``, never a sync.
    """
    size = _page_size(page_size)
    node = parse(query)
    canonical = render(node)
    position = _load_cursor(cursor, user.pk, canonical) if cursor else None
    # after:/before: days start at the person's midnight: the zone is part of the answer.
    time_zone = getattr(user, "time_zone", "") or DEFAULT_TIME_ZONE
    query_filter = compile_query(node, user, now=now, time_zone=time_zone)
    how = plan(query_filter)
    # Only first pages on the real clock are cached (a test's fixed ``now`` is not), and only
    # those that cost more to find than to read again by id.
    slot = None
    if position is None and now is None and not walks(how):
        zoned = f"{canonical}\n{time_zone}" if uses_days(node) else canonical
        slot, page = page_cache.lookup(user.pk, zoned, size, include_body)
        cached = _cached_messages(user, page, include_body) if page else None
        if slot:
            metrics.search_page_cache(hit=cached is not None)
        if cached is not None:
            return SearchPage(cached[0], cached[1], None, highlight_terms(node), canonical)
    deferred = _deferred(include_body)
    found = _find(user.pk, how, position, size, loading.projection(deferred))
    next_cursor = _dump(found.next_position, user.pk, canonical)
    prev_cursor = _dump(found.prev_position, user.pk, canonical)
    if slot:
        ids = [str(doc["_id"]) for doc in found.documents]
        page_cache.put(slot, page_cache.CachedPage(ids, next_cursor))
    messages = loading.build(found.documents, deferred)
    return SearchPage(messages, next_cursor, prev_cursor, highlight_terms(node), canonical)


def _cached_messages(
    user: Any, page: page_cache.CachedPage, include_body: bool
) -> tuple[list[Message], str | None] | None:
    """Return a cached first page's messages and next cursor, if they are all still there."""
    ids = [ObjectId(i) for i in page.ids]
    messages = loading.load(user.pk, ids, _deferred(include_body))
    return (messages, page.next_cursor) if len(messages) == len(page.ids) else None


def _page_size(page_size: int | None) -> int:
    if page_size is None:
        return int(settings.SEARCH_PAGE_SIZE)
    limit = int(settings.SEARCH_MAX_PAGE_SIZE)
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= limit:
        raise InvalidRequest("bad_page_size", f"page size must be between 1 and {limit}")
    return page_size


def _load_cursor(value: str, user_id: Any, query: str) -> Position:
    if not isinstance(value, str):
        raise InvalidRequest("bad_cursor", "the cursor is not valid")
    return cursor.load(value, user_id, query)


def _dump(position: Position | None, user_id: Any, query: str) -> str | None:
    return cursor.dump(position, user_id, query) if position is not None else None


def _find(
    user_id: Any,
    how: Plan,
    position: Position | None,
    size: int,
    fields: dict[str, int],
) -> _Found:
    """Read one page of documents (``fields`` of them) after (or before) ``position``, and
    where its neighbours start."""
    forward = position is None or position.forward
    collection = get_database()[Message._meta.db_table]
    documents = scan.read(collection, how, user_id, position, size + 1, fields)
    more = len(documents) > size
    documents = documents[:size]
    if not forward:
        documents.reverse()
    first = _position(documents[0], False) if documents else None
    last = _position(documents[-1], True) if documents else None
    if position is None:
        return _Found(documents, last if more else None, None)
    anchor = Position(position.internal_date, position.message_id, not position.forward)
    if forward:
        return _Found(documents, last if more else None, first or anchor)
    return _Found(documents, last or anchor, first if more else None)


def _position(document: dict[str, Any], forward: bool) -> Position:
    date = document["internal_date"]
    if date.tzinfo is None:
        date = date.replace(tzinfo=dt.UTC)  # pymongo returns naive UTC datetimes
    return Position(date, document["_id"], forward)


def _deferred(include_body: bool) -> tuple[str, ...]:
    return _DEFERRED if include_body else (*_DEFERRED, "body_text")
