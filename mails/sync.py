"""The sync engine: Gmail's documented full sync, then partial syncs from history.

https://developers.google.com/workspace/gmail/api/guides/sync

``sync_step`` does one bounded piece of work — one page of a full sync, or one partial sync —
so a task never outlives the broker's visibility timeout. Every write is an idempotent upsert
keyed by (user, gmail id), and the checkpoint (page token, history id) is saved only after the
work it covers is stored: a worker killed at any instant resumes without loss or duplicates.
This module decides what to fetch and when the checkpoint moves; ``mails.store`` does every
write to the messages (and the announcements that follow them).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from mails import labels, store
from mails.gmail import GmailClient, HistoryExpired, HistoryRecord, LabelChange
from mails.models import SyncState

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


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
    state.full_sync_history_id = profile.history_id
    state.page_token = ""
    state.messages_done = 0
    state.messages_total = profile.messages_total
    state.started_at = now
    state.finished_at = None
    state.save()


def full_sync_page(state: SyncState, client: GmailClient) -> StepResult:
    """Store one messages.list page and move the checkpoint past it."""
    page = client.list_messages(state.page_token or None, settings.SYNC_PAGE_SIZE)
    ids = [message_id for message_id, _ in page.ids]
    seen = store.seen_by(state.user_id, ids)
    missing = [i for i in ids if i not in seen]
    stored = store.store_all(
        state, client.iter_messages(missing), check_labels=_label_check(state, client)
    )
    # Stored by this full sync already (a retried page): announce any still unanalysed.
    store.announce_pending(state.user_id, [i for i, g in seen.items() if g == state.generation])
    # Stored before this full sync began (a resync): only their labels can have changed.
    earlier = [i for i, generation in seen.items() if generation != state.generation]
    relabelled = _refresh_labels(state, client, earlier)
    state.messages_done += len(ids)
    state.messages_total = max(state.messages_total, state.messages_done)
    if page.next_page_token:
        state.page_token = page.next_page_token
        state.save()
        return StepResult("full_page", more=True, stored=stored, relabelled=relabelled)
    deleted = _finish_full_sync(state)
    return StepResult("full_done", more=True, stored=stored, deleted=deleted, relabelled=relabelled)


def _refresh_labels(state: SyncState, client: GmailClient, ids: list[str]) -> int:
    """Bring stored messages' labels up to date; return how many changed.

    A message Gmail no longer has (404) stays unstamped, so the end of the full sync deletes
    it; one whose labels cannot be read for good is kept as it is (stamped) rather than lost.
    """
    relabelled = 0
    check = _label_check(state, client)
    for batch in client.iter_messages(ids, labels_only=True):
        labels = {i: list(m.get("labelIds") or []) for i, m in batch.messages.items()}
        check({label for label_ids in labels.values() for label in label_ids})
        relabelled += store.relabel_seen(state.user_id, state.generation, labels)
        store.mark_seen(state.user_id, state.generation, list(batch.failed))
    return relabelled


def _label_check(state: SyncState, client: GmailClient) -> store.LabelCheck:
    """Re-read the labels when stored mail is about to carry a label id not seen before.

    Ids found stored are remembered until the labels are re-read: a page's batches carry the
    same few labels, and each look-up was a MongoDB round trip the parsing waited for.
    """
    known: set[str] = set()

    def check(seen: set[str]) -> bool:
        fresh = seen - known
        if not fresh:
            return False
        refreshed = labels.refresh_if_unknown(state.user_id, fresh, client)
        if refreshed:
            known.clear()  # a re-read may have dropped labels remembered as stored
        else:
            known.update(fresh)
        return refreshed

    return check


def _finish_full_sync(state: SyncState) -> int:
    """Switch to partial sync and drop local messages Gmail no longer has."""
    stale = store.unseen_since(state.user_id, state.generation)
    deleted = store.delete_messages(state.user_id, stale)
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
    label_changes: list[LabelChange]

    @classmethod
    def collect(cls, records: Iterable[HistoryRecord]) -> HistoryChanges:
        changes = cls({}, {}, [])
        for record in records:
            for message_id in record.added:
                changes.added[message_id] = None
                changes.deleted.pop(message_id, None)
            for message_id in record.deleted:
                changes.deleted[message_id] = None
                changes.added.pop(message_id, None)
            changes.label_changes.extend(record.label_changes)
        return changes


def partial_sync(state: SyncState, client: GmailClient) -> StepResult:
    """Apply every history record since ``state.history_id``, then move it forward."""
    assert state.history_id is not None
    records: list[HistoryRecord] = []
    latest = state.history_id
    for page in client.iter_history(state.history_id):
        records.extend(page.records)
        latest = max(latest, page.history_id or latest)
    changes = HistoryChanges.collect(records)
    added = [i for i in changes.added if i not in changes.deleted]
    check_labels = _label_check(state, client)
    stored = store.store_all(state, client.iter_messages(added), check_labels=check_labels)
    check_labels({label for c in changes.label_changes if c.op == "add" for label in c.label_ids})
    relabelled = store.apply_label_ops(state.user_id, changes.label_changes, skip=set(added))
    deleted = store.delete_messages(state.user_id, list(changes.deleted))
    # Only after everything above is stored does the checkpoint move — and only forwards.
    SyncState.objects.filter(pk=state.pk, history_id__lt=latest).update(history_id=latest)
    state.history_id = max(state.history_id, latest)
    SyncState.objects.filter(pk=state.pk).update(finished_at=timezone.now())
    return StepResult("partial", stored=stored, deleted=deleted, relabelled=relabelled)
