"""The sync engine: Gmail's documented full sync, then partial syncs from history.

https://developers.google.com/workspace/gmail/api/guides/sync

``sync_step`` does one bounded piece of work — one page of a full sync, or one partial sync —
so a task never outlives the broker's visibility timeout. Every write is an idempotent upsert
keyed by (user, gmail id), and the checkpoint (page token, history id) is saved only after the
work it covers is stored: a worker killed at any instant resumes without loss or duplicates.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from pymongo import UpdateOne

from mailbox_project.mongo import get_database
from mails import labels, versions
from mails.gmail import FetchResult, GmailClient, HistoryExpired
from mails.models import Message, SyncState
from mails.parsing import MessageParseError, parse_message
from mails.search.index import label_term, search_fields
from mails.signals import messages_deleted, messages_stored

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Failed-message records kept on the sync state, newest last, for the admin and the banner.
MAX_FAILURES_KEPT = 200
# Batches being written while the next is parsed.
WRITERS = 2
# Set on a message when it is first stored, removed when its analysis is stored and placed.
PENDING_FIELD = "analysis_pending_since"


@dataclass(frozen=True)
class StepResult:
    """What one sync step did, and whether the chain should continue at once."""

    kind: str  # "full_page", "full_done" or "partial"
    more: bool = False
    stored: int = 0
    deleted: int = 0
    relabelled: int = 0

    def summary(self) -> str:
        return (
            f"{self.kind}: {self.stored} stored, {self.deleted} deleted, "
            f"{self.relabelled} relabelled{', more to do' if self.more else ''}"
        )


def _messages() -> Any:
    return get_database()[Message._meta.db_table]


def sync_step(user: User, *, client: GmailClient | None = None, full: bool = False) -> StepResult:
    """Run the next piece of ``user``'s sync and return what it did.

    ``full`` forces a new full sync (keeping the data already stored).
    """
    state, _ = SyncState.objects.get_or_create(user=user)
    client = client or GmailClient(user)
    # A full sync in progress resumes from its checkpoint; a partial one always has a history id.
    if full or state.phase == SyncState.Phase.NEW:
        begin_full_sync(state, client)
    if state.phase == SyncState.Phase.FULL:
        return full_sync_page(state, client)
    try:
        return partial_sync(state, client)
    except HistoryExpired:
        logger.info("history expired for user %s: full resync", user.pk)
        begin_full_sync(state, client)
        return StepResult("partial", more=True)


# --- Full sync ----------------------------------------------------------------------------


def begin_full_sync(state: SyncState, client: GmailClient) -> None:
    """Record the mailbox's history id and start listing from the first page.

    The history id is taken *before* listing, so every change made while the listing runs is
    replayed by the first partial sync.
    """
    profile = client.get_profile()
    # Label names are what label: searches by; a full sync is when they are re-read.
    labels.refresh(state.user_id, client)
    now = timezone.now()
    state.phase = SyncState.Phase.FULL
    state.generation += 1
    state.full_sync_history_id = int(profile["historyId"])
    state.page_token = ""
    state.messages_done = 0
    state.messages_total = int(profile.get("messagesTotal", 0))
    state.started_at = now
    state.finished_at = None
    state.save()


def full_sync_page(state: SyncState, client: GmailClient) -> StepResult:
    """Store one messages.list page and move the checkpoint past it."""
    page = client.list_messages(state.page_token or None, settings.SYNC_PAGE_SIZE)
    ids = [message_id for message_id, _ in page.ids]
    known = _mark_seen(state, ids)
    missing = [i for i in ids if i not in known]
    stored = store_all(state, client.iter_messages(missing), client)
    state.messages_done += len(ids)
    state.messages_total = max(state.messages_total, state.messages_done)
    if page.next_page_token:
        state.page_token = page.next_page_token
        state.save()
        return StepResult("full_page", more=True, stored=stored)
    deleted = _finish_full_sync(state)
    return StepResult("full_done", more=True, stored=stored, deleted=deleted)


def _mark_seen(state: SyncState, ids: list[str]) -> set[str]:
    """Return which of ``ids`` are stored already, stamping them as seen by this full sync."""
    if not ids:
        return set()
    query = {"user_id": state.user_id, "gmail_id": {"$in": ids}}
    known = {doc["gmail_id"] for doc in _messages().find(query, {"gmail_id": 1})}
    if known:
        _messages().update_many(
            {"user_id": state.user_id, "gmail_id": {"$in": list(known)}},
            {"$set": {"sync_generation": state.generation}},
        )
    return known


def _finish_full_sync(state: SyncState) -> int:
    """Switch to partial sync and drop local messages Gmail no longer has."""
    stale = [
        doc["gmail_id"]
        for doc in _messages().find(
            {"user_id": state.user_id, "sync_generation": {"$ne": state.generation}},
            {"gmail_id": 1},
        )
    ]
    deleted = delete_messages(state.user_id, stale)
    state.phase = SyncState.Phase.PARTIAL
    # Start history from where the listing started (never move it backwards).
    state.history_id = max(state.history_id or 0, state.full_sync_history_id or 0)
    state.page_token = ""
    state.finished_at = timezone.now()
    state.save()
    return deleted


# --- Partial sync -------------------------------------------------------------------------


@dataclass
class HistoryChanges:
    """The net effect of history records, in order."""

    added: dict[str, None]
    deleted: dict[str, None]
    label_ops: list[tuple[str, str, list[str]]]  # (gmail id, "add" | "remove", label ids)

    @classmethod
    def collect(cls, records: Iterable[dict[str, Any]]) -> HistoryChanges:
        changes = cls({}, {}, [])
        for record in records:
            for item in record.get("messagesAdded", []):
                message_id = item["message"]["id"]
                changes.added[message_id] = None
                changes.deleted.pop(message_id, None)
            for item in record.get("messagesDeleted", []):
                message_id = item["message"]["id"]
                changes.deleted[message_id] = None
                changes.added.pop(message_id, None)
            for key, op in (("labelsAdded", "add"), ("labelsRemoved", "remove")):
                for item in record.get(key, []):
                    changes.label_ops.append((item["message"]["id"], op, item["labelIds"]))
        return changes


def partial_sync(state: SyncState, client: GmailClient) -> StepResult:
    """Apply every history record since ``state.history_id``, then move it forward."""
    assert state.history_id is not None
    records: list[dict[str, Any]] = []
    latest = state.history_id
    for page in client.iter_history(state.history_id):
        records.extend(page.get("history", []))
        latest = max(latest, int(page.get("historyId", latest)))
    changes = HistoryChanges.collect(records)
    added = [i for i in changes.added if i not in changes.deleted]
    stored = store_all(state, client.iter_messages(added), client)
    new_labels = {label for _, op, ids in changes.label_ops if op == "add" for label in ids}
    labels.refresh_if_unknown(state.user_id, new_labels, client)
    relabelled = _apply_label_ops(state.user_id, changes.label_ops, skip=set(added))
    deleted = delete_messages(state.user_id, list(changes.deleted))
    # Only after everything above is stored does the checkpoint move — and only forwards.
    SyncState.objects.filter(pk=state.pk, history_id__lt=latest).update(history_id=latest)
    state.history_id = max(state.history_id, latest)
    SyncState.objects.filter(pk=state.pk).update(finished_at=timezone.now())
    return StepResult("partial", stored=stored, deleted=deleted, relabelled=relabelled)


def _apply_label_ops(user_id: Any, ops: list[tuple[str, str, list[str]]], *, skip: set[str]) -> int:
    """Apply label changes in order; messages fetched just now already have current labels.

    Each label is also a search term (``label:<id>``), changed in the same update so search
    never sees a message's labels and its terms disagree.
    """
    requests = []
    for message_id, op, label_ids in ops:
        if message_id in skip:
            continue
        terms = [label_term(label) for label in label_ids]
        update: dict[str, Any] = (
            {"$addToSet": {"label_ids": {"$each": label_ids}, "search_terms": {"$each": terms}}}
            if op == "add"
            else {"$pull": {"label_ids": {"$in": label_ids}, "search_terms": {"$in": terms}}}
        )
        requests.append(UpdateOne({"user_id": user_id, "gmail_id": message_id}, update))
    if not requests:
        return 0
    _messages().bulk_write(requests, ordered=True)
    touched = list({message_id for message_id, _, _ in ops if message_id not in skip})
    _refresh_flags(user_id, touched)
    versions.bump(user_id)
    return len(touched)


def _refresh_flags(user_id: Any, gmail_ids: list[str]) -> None:
    """Recompute the unread/starred flags that are derived from labels."""
    for flag, label in (("is_unread", "UNREAD"), ("is_starred", "STARRED")):
        base = {"user_id": user_id, "gmail_id": {"$in": gmail_ids}}
        _messages().update_many({**base, "label_ids": label}, {"$set": {flag: True}})
        _messages().update_many({**base, "label_ids": {"$ne": label}}, {"$set": {flag: False}})


# --- Storage ------------------------------------------------------------------------------


@dataclass
class _Prepared:
    """A fetched batch, parsed and ready to write."""

    documents: list[dict[str, Any]]


def store_fetched(
    state: SyncState, fetched: FetchResult, *, client: GmailClient | None = None
) -> int:
    """Parse and upsert fetched messages; record failures; return how many were stored.

    With a ``client``, label ids not seen before make the labels be re-read first.
    """
    prepared = _prepare(state, fetched, client)
    return _announce(state, prepared, _write(_messages(), state.user_id, prepared))


def store_all(state: SyncState, batches: Iterable[FetchResult], client: GmailClient) -> int:
    """``store_fetched`` for a stream of batches, parsing one while the previous is written.

    The search index makes MongoDB's share of a write as large as Python's share of parsing,
    and the two run on different cores: overlapping them is most of the sync's throughput. At
    most one write is in flight, and each is announced (version bump, signal) only after it is
    acknowledged, so nothing is reported stored before it is.
    """
    stored = 0
    # Taken here: Django's connections are per thread, and the writers must reuse this one's.
    collection = _messages()
    in_flight: deque[tuple[_Prepared, Future[list[str]]]] = deque()
    with ThreadPoolExecutor(WRITERS, "mongo-write") as writers:
        try:
            for fetched in batches:
                prepared = _prepare(state, fetched, client)
                if len(in_flight) >= WRITERS:
                    done, future = in_flight.popleft()
                    stored += _announce(state, done, future.result())
                in_flight.append(
                    (prepared, writers.submit(_write, collection, state.user_id, prepared))
                )
        finally:
            # Also when a fetch fails mid-page: what was written is announced now, since the
            # retry skips it as stored. (A crash announces nothing; the pending marker that
            # ``_write`` sets is what gets those messages analysed.)
            while in_flight:
                done, future = in_flight.popleft()
                stored += _announce(state, done, future.result())
    return stored


def _prepare(state: SyncState, fetched: FetchResult, client: GmailClient | None) -> _Prepared:
    failures = dict(fetched.failed)
    documents = []
    now = timezone.now()
    for message_id, api_message in fetched.messages.items():
        try:
            parsed = parse_message(api_message)
        except MessageParseError as exc:
            failures[message_id] = f"unparseable: {exc}"
            continue
        fields = parsed.as_model_fields()
        fields.update(search_fields(fields))
        fields.update(user_id=state.user_id, synced_at=now, sync_generation=state.generation)
        documents.append(fields)
    _record_failures(state, failures)
    if documents and client is not None:
        seen = {label for doc in documents for label in doc["label_ids"]}
        labels.refresh_if_unknown(state.user_id, seen, client)
    return _Prepared(documents)


def _write(collection: Any, user_id: Any, prepared: _Prepared) -> list[str]:
    """Upsert the documents; return the gmail ids that were new.

    A new message is stored with ``analysis_pending_since`` in the same upsert, so the need
    for its analysis is as durable as the message: whatever happens before the announcement
    (a crash, the broker down), ``analysis.tasks.reconcile_pending`` finds it. The analysis
    removes the marker once its result is stored and placed. A message stored already keeps
    its marker state: Gmail never changes a message's content, only its labels.
    """
    documents = prepared.documents
    if not documents:
        return []
    pending = {PENDING_FIELD: timezone.now()}
    result = collection.bulk_write(
        [
            UpdateOne(
                {"user_id": user_id, "gmail_id": doc["gmail_id"]},
                {"$set": doc, "$setOnInsert": pending},
                upsert=True,
            )
            for doc in documents
        ],
        ordered=False,
    )
    return [documents[index]["gmail_id"] for index in result.upserted_ids]


def _announce(state: SyncState, prepared: _Prepared, new_ids: list[str]) -> int:
    if not prepared.documents:
        return 0
    versions.bump(state.user_id)
    if new_ids:
        messages_stored.send(sender=Message, user_id=state.user_id, gmail_ids=new_ids)
    return len(prepared.documents)


def delete_messages(user_id: Any, gmail_ids: list[str]) -> int:
    """Delete the user's messages with these ids; return how many existed."""
    if not gmail_ids:
        return 0
    deleted = _messages().delete_many({"user_id": user_id, "gmail_id": {"$in": gmail_ids}})
    if deleted.deleted_count:
        versions.bump(user_id)
        messages_deleted.send(sender=Message, user_id=user_id, gmail_ids=gmail_ids)
    return int(deleted.deleted_count)


def _record_failures(state: SyncState, failures: dict[str, str]) -> None:
    if not failures:
        return
    for message_id, reason in failures.items():
        logger.warning("skipped message %s of user %s: %s", message_id, state.user_id, reason)
    entries = [{"gmail_id": i, "reason": r[:300]} for i, r in failures.items()]
    state.failed_messages = (list(state.failed_messages) + entries)[-MAX_FAILURES_KEPT:]
    SyncState.objects.filter(pk=state.pk).update(failed_messages=state.failed_messages)
