"""The one writer of the ``messages`` collection.

Everything that changes a stored message comes through here: the upsert of fetched mail
(``store_fetched``/``store_all``), label changes and the flags derived from labels
(``apply_label_ops``), deletes (``delete_messages``), the full sync's generation stamp and
a resync's label refresh (``mark_seen``, ``relabel_seen``), search-field rewrites
(``rewrite_search_fields``) and the pending-analysis marker. Each write that changes what a
user sees bumps the mailbox version (``mailbox_version``: cached search pages die) and
announces it with ``messages_stored``/``messages_deleted``, only after MongoDB acknowledged it.
Reads stay where they are (views, search), but for ``documents``: the analysis worker's
projection of raw documents, so it needs no ORM model of another app.

Invariants:
- A document is keyed by (user_id, gmail_id) and every write is an idempotent upsert/update.
- ``is_unread``/``is_starred`` are always ``label_flags(label_ids)`` (set in the same write
  as the labels, or right after a relabel), never set on their own.
- A new message carries ``analysis_pending_since`` from the write that inserts it.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from mailbox_project.redis import connection
from mails.gmail import FetchResult, LabelChange
from mails.models import Message, SyncState
from mails.parsing import MessageParseError, ParsedMessage, parse_message
from mails.parsing.result import FLAG_LABELS, label_flags
from mails.search.index import label_term, search_fields
from mails.signals import messages_deleted, messages_stored

logger = logging.getLogger(__name__)

Document = dict[str, Any]
# Called with the label ids a batch carries, before it is written: re-reads unknown labels.
LabelCheck = Callable[[set[str]], object]

# Failed-message records kept on the sync state, newest last, for the admin and the banner.
MAX_FAILURES_KEPT = 200
# Batches being written while the next is parsed.
WRITERS = 2
# Set on a message when it is first stored, removed when its analysis is stored and placed.
PENDING_FIELD = "analysis_pending_since"


def _messages() -> Collection[Document]:
    return get_database()[Message._meta.db_table]


def document_of(parsed: ParsedMessage) -> Document:
    """Return the stored fields of a parsed message: its own, then those derived from them.

    The store decides the shape of a ``messages`` document; the parser only reads mail. Lists
    are copied, so the document is safe to keep while ``parsed`` is reused.
    """
    fields: Document = {}
    for name in _PARSED_FIELDS:
        value = getattr(parsed, name)
        if isinstance(value, list):
            # Only the attachments hold dicts (``Attachment``); the other lists hold strings,
            # which a shallow copy copies: no test of each of them.
            if name in _DICT_LISTS:
                value = [dict(v) if isinstance(v, dict) else v for v in value]
            else:
                value = value.copy()
        fields[name] = value
    fields.update(derived_fields(fields))
    return fields


# Read once: ``dataclasses.fields`` rebuilds its tuple on every call, once per stored message.
_PARSED_FIELDS = tuple(item.name for item in dataclass_fields(ParsedMessage))
_DICT_LISTS = frozenset({"attachments"})


def derived_fields(fields: Mapping[str, Any]) -> Document:
    """Return the fields computed from a message's own: search terms/text and the flags."""
    return {**search_fields(fields), **label_flags(fields.get("label_ids") or [])}


# --- Upsert of fetched mail -------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    """A fetched batch, parsed and ready to write."""

    documents: list[Document]


def store_fetched(
    state: SyncState, fetched: FetchResult, *, check_labels: LabelCheck | None = None
) -> int:
    """Parse and upsert fetched messages; record failures; return how many were stored."""
    prepared = _prepare(state, fetched, check_labels)
    return _announce(state, prepared, _write(_messages(), state.user_id, prepared))


def store_all(
    state: SyncState, batches: Iterable[FetchResult], *, check_labels: LabelCheck | None = None
) -> int:
    """``store_fetched`` for a stream of batches, parsing one while the previous is written.

    The search index makes MongoDB's share of a write as large as Python's share of parsing,
    and the two run on different cores: overlapping them is most of the sync's throughput. At
    most ``WRITERS`` writes are in flight. What they stored is announced (version bump, signal)
    once, at the end, and only what MongoDB acknowledged: a round trip to Redis and the broker
    per batch held the parsing up by a tenth of the sync's time.
    """
    # Taken here: Django's connections are per thread, and the writers must reuse this one's.
    collection = _messages()
    in_flight: deque[tuple[_Prepared, Future[list[str]]]] = deque()
    written: list[Document] = []
    new_ids: list[str] = []

    def acknowledged(prepared: _Prepared, future: Future[list[str]]) -> None:
        new_ids.extend(future.result())
        written.extend(prepared.documents)

    with ThreadPoolExecutor(WRITERS, "mongo-write") as writers:
        try:
            for fetched in batches:
                prepared = _prepare(state, fetched, check_labels)
                if len(in_flight) >= WRITERS:
                    acknowledged(*in_flight.popleft())
                in_flight.append(
                    (prepared, writers.submit(_write, collection, state.user_id, prepared))
                )
        finally:
            # Also when a fetch or a write fails mid-page: what was written is announced now,
            # since the retry skips it as stored. (A crash announces nothing; the pending marker
            # that ``_write`` sets is what gets those messages analysed.)
            try:
                while in_flight:
                    acknowledged(*in_flight.popleft())
            finally:
                stored = _announce(state, _Prepared(written), new_ids)
    return stored


def _prepare(state: SyncState, fetched: FetchResult, check_labels: LabelCheck | None) -> _Prepared:
    failures = dict(fetched.failed)
    documents = []
    now = timezone.now()
    for message_id, api_message in fetched.messages.items():
        try:
            parsed = parse_message(api_message)
        except MessageParseError as exc:
            failures[message_id] = f"unparseable: {exc}"
            continue
        fields = document_of(parsed)
        fields.update(user_id=state.user_id, synced_at=now, sync_generation=state.generation)
        documents.append(fields)
    _record_failures(state, failures)
    if documents and check_labels is not None:
        check_labels({label for doc in documents for label in doc["label_ids"]})
    return _Prepared(documents)


def _write(collection: Collection[Document], user_id: UserId, prepared: _Prepared) -> list[str]:
    """Store the documents; return the gmail ids that were new.

    A new message is stored with ``analysis_pending_since`` in the same write, so the need
    for its analysis is as durable as the message: whatever happens before the announcement
    (a crash, the broker down), ``analysis.tasks.reconcile_pending`` finds it. The analysis
    removes the marker once its result is stored and placed. A message stored already keeps
    its marker state: Gmail never changes a message's content, only its labels.

    Fetched mail is new but for a retried step or a history replay: it is inserted (an upsert
    cost MongoDB 0.6 ms a message, an insert 0.4), and what the unique (user, gmail id) index
    refuses as stored already is updated.
    """
    documents = prepared.documents
    if not documents:
        return []
    pending = {PENDING_FIELD: timezone.now()}
    try:
        collection.insert_many([{**doc, **pending} for doc in documents], ordered=False)
        return [doc["gmail_id"] for doc in documents]
    except BulkWriteError as error:
        stored = _duplicates(error)
    new = [doc["gmail_id"] for index, doc in enumerate(documents) if index not in stored]
    existing = [documents[index] for index in sorted(stored)]
    result = collection.bulk_write(
        [
            UpdateOne(
                {"user_id": user_id, "gmail_id": doc["gmail_id"]},
                {"$set": doc, "$setOnInsert": pending},
                upsert=True,
            )
            for doc in existing
        ],
        ordered=False,
    )
    return new + [existing[index]["gmail_id"] for index in result.upserted_ids or {}]


def _duplicates(error: BulkWriteError) -> set[int]:
    """Return the indexes an insert refused as stored already; re-raise any other failure."""
    refused = error.details.get("writeErrors") or []
    duplicates = {int(e["index"]) for e in refused if e.get("code") == 11000}  # duplicate key
    if error.details.get("writeConcernErrors") or len(duplicates) != len(refused):
        raise error
    return duplicates


def _announce(state: SyncState, prepared: _Prepared, new_ids: list[str]) -> int:
    if not prepared.documents:
        return 0
    _bump_version(state.user_id)
    if new_ids:
        messages_stored.send(sender=Message, user_id=state.user_id, gmail_ids=new_ids)
    return len(prepared.documents)


def _record_failures(state: SyncState, failures: dict[str, str]) -> None:
    if not failures:
        return
    for message_id, reason in failures.items():
        logger.warning("skipped message %s of user %s: %s", message_id, state.user_id, reason)
    entries = [{"gmail_id": i, "reason": r[:300]} for i, r in failures.items()]
    state.failed_messages = (list(state.failed_messages) + entries)[-MAX_FAILURES_KEPT:]
    SyncState.objects.filter(pk=state.pk).update(failed_messages=state.failed_messages)


# --- Full sync bookkeeping --------------------------------------------------------------------


def documents(user_id: UserId, gmail_ids: list[str], fields: Iterable[str]) -> list[Document]:
    """Return the stored documents of ``gmail_ids`` (only ``fields``; missing ids skipped)."""
    projection = {"_id": 0, "gmail_id": 1, **dict.fromkeys(fields, 1)}
    query = {"user_id": user_id, "gmail_id": {"$in": gmail_ids}}
    return list(_messages().find(query, projection))


def seen_by(user_id: UserId, ids: list[str]) -> dict[str, int]:
    """Return {gmail id: the full sync generation that last saw it} of the stored ``ids``."""
    if not ids:
        return {}
    query = {"user_id": user_id, "gmail_id": {"$in": ids}}
    found = _messages().find(query, {"_id": 0, "gmail_id": 1, "sync_generation": 1})
    return {doc["gmail_id"]: int(doc.get("sync_generation") or 0) for doc in found}


def mark_seen(user_id: UserId, generation: int, ids: list[str]) -> None:
    """Stamp these stored messages as seen by the full sync ``generation`` (kept at its end)."""
    if ids:
        _messages().update_many(
            {"user_id": user_id, "gmail_id": {"$in": ids}},
            {"$set": {"sync_generation": generation}},
        )


def relabel_seen(user_id: UserId, generation: int, labels: Mapping[str, list[str]]) -> int:
    """Give stored messages the labels Gmail has for them now, stamped as seen by ``generation``.

    A full resync does not fetch stored messages again, but their labels may have changed
    while history was lost. The labels, the flags derived from them and the ``label:`` search
    terms change in one update per message, as ``apply_label_ops`` keeps them together.
    Returns how many messages' labels changed.
    """
    if not labels:
        return 0
    query = {"user_id": user_id, "gmail_id": {"$in": list(labels)}}
    found = _messages().find(query, {"gmail_id": 1, "label_ids": 1, "search_terms": 1})
    writes, changed = [], 0
    for doc in found:
        fresh = list(labels[doc["gmail_id"]])
        update: Document = {"sync_generation": generation}
        if sorted(fresh) != sorted(doc.get("label_ids") or []):
            changed += 1
            kept = [t for t in doc.get("search_terms") or [] if not t.startswith("label:")]
            terms = kept + [label_term(label) for label in fresh]
            update.update(label_ids=fresh, search_terms=terms, **label_flags(fresh))
        writes.append(UpdateOne({"_id": doc["_id"]}, {"$set": update}))
    if writes:
        _messages().bulk_write(writes, ordered=False)
    if changed:
        _bump_version(user_id)
    return changed


def unseen_since(user_id: UserId, generation: int) -> list[str]:
    """Return the ids of the user's messages the full sync ``generation`` did not see."""
    query = {"user_id": user_id, "sync_generation": {"$ne": generation}}
    return [doc["gmail_id"] for doc in _messages().find(query, {"gmail_id": 1})]


# --- Labels and flags -------------------------------------------------------------------------


def apply_label_ops(user_id: UserId, ops: Iterable[LabelChange], *, skip: set[str]) -> int:
    """Apply label changes in order; return how many messages they touched.

    Messages in ``skip`` (fetched just now) already have their current labels. Each label is
    also a search term (``label:<id>``), changed in the same update so search never sees a
    message's labels and its terms disagree.
    """
    applied = [op for op in ops if op.gmail_id not in skip]
    if not applied:
        return 0
    requests = [
        UpdateOne({"user_id": user_id, "gmail_id": op.gmail_id}, _label_update(op))
        for op in applied
    ]
    _messages().bulk_write(requests, ordered=True)
    touched = list(dict.fromkeys(op.gmail_id for op in applied))
    _refresh_flags(user_id, touched)
    _bump_version(user_id)
    return len(touched)


def _label_update(op: LabelChange) -> Document:
    labels = list(op.label_ids)
    terms = [label_term(label) for label in labels]
    if op.op == "add":
        return {"$addToSet": {"label_ids": {"$each": labels}, "search_terms": {"$each": terms}}}
    return {"$pull": {"label_ids": {"$in": labels}, "search_terms": {"$in": terms}}}


def _refresh_flags(user_id: UserId, gmail_ids: list[str]) -> None:
    """Recompute the flags derived from labels (``label_flags``), inside MongoDB."""
    for flag, label in FLAG_LABELS.items():
        base = {"user_id": user_id, "gmail_id": {"$in": gmail_ids}}
        _messages().update_many({**base, "label_ids": label}, {"$set": {flag: True}})
        _messages().update_many({**base, "label_ids": {"$ne": label}}, {"$set": {flag: False}})


# --- Deletes ----------------------------------------------------------------------------------


def delete_messages(user_id: UserId, gmail_ids: list[str]) -> int:
    """Delete the user's messages with these ids; return how many existed."""
    if not gmail_ids:
        return 0
    deleted = _messages().delete_many({"user_id": user_id, "gmail_id": {"$in": gmail_ids}})
    if deleted.deleted_count:
        _bump_version(user_id)
        messages_deleted.send(sender=Message, user_id=user_id, gmail_ids=gmail_ids)
    return int(deleted.deleted_count)


# --- Search fields ----------------------------------------------------------------------------


def rewrite_search_fields(documents: list[Document]) -> None:
    """Write back the search fields computed from ``documents`` (each with its ``_id``).

    Callers announce with ``mailbox_changed`` once they are done: cached result pages were
    computed from the old fields.
    """
    if documents:
        _messages().bulk_write(
            [UpdateOne({"_id": doc["_id"]}, {"$set": search_fields(doc)}) for doc in documents],
            ordered=False,
        )


# --- The mailbox version ----------------------------------------------------------------------
# A per-user counter in Redis, bumped by every write above: search caches result pages under
# the current version (``mails.search.page_cache``), so no cached page survives a change.


def mailbox_changed(user_ids: Iterable[UserId]) -> None:
    """Bump the mailbox version of each user: cached search pages must not be served."""
    for pk in user_ids:
        _bump_version(pk)


def mailbox_version(user_id: UserId) -> int:
    """Return the user's mailbox version (0 before the first write)."""
    value = connection().get(version_key(user_id))
    return int(value) if value else 0


def _bump_version(user_id: UserId) -> int:
    return int(connection().incr(version_key(user_id)))


def version_key(user_id: UserId) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:mailbox-version:{user_id}"


# --- The pending-analysis marker (see ``_write``) ---------------------------------------------


def pending_among(user_id: UserId, gmail_ids: list[str]) -> list[str]:
    """Return which of ``gmail_ids`` still wait for their analysis."""
    query = {"user_id": user_id, "gmail_id": {"$in": gmail_ids}, PENDING_FIELD: {"$exists": True}}
    return [doc["gmail_id"] for doc in _messages().find(query, {"_id": 0, "gmail_id": 1})]


def announce_pending(user_id: UserId, gmail_ids: list[str]) -> int:
    """Announce again those of ``gmail_ids`` still waiting for their analysis; return how many.

    For a step retrying a page it already wrote: a write MongoDB applied but did not
    acknowledge (a failover's write-concern error) was never announced, and skipping its
    messages as stored would leave them to reconciliation, minutes later.
    """
    pending = pending_among(user_id, gmail_ids) if gmail_ids else []
    if pending:
        messages_stored.send(sender=Message, user_id=user_id, gmail_ids=pending)
    return len(pending)


def pending_since(user_id: UserId, before: datetime, limit: int) -> list[str]:
    """Return up to ``limit`` ids pending since before ``before``, oldest first (partial index)."""
    query = {"user_id": user_id, PENDING_FIELD: {"$lte": before}}
    found = _messages().find(query, {"_id": 0, "gmail_id": 1}).sort(PENDING_FIELD, 1)
    return [doc["gmail_id"] for doc in found.limit(limit)]


def clear_pending(user_id: UserId, gmail_ids: list[str]) -> None:
    """Mark these messages as analysed."""
    if gmail_ids:
        _messages().update_many(
            {"user_id": user_id, "gmail_id": {"$in": gmail_ids}},
            {"$unset": {PENDING_FIELD: ""}},
        )


def rearm_pending(user_id: UserId, gmail_ids: list[str]) -> None:
    """Restart the grace period of these messages, only those still pending."""
    if gmail_ids:
        _messages().update_many(
            {"user_id": user_id, "gmail_id": {"$in": gmail_ids}, PENDING_FIELD: {"$exists": True}},
            {"$set": {PENDING_FIELD: timezone.now()}},
        )
