"""One account's mailbox: messages, threads, labels and the history log.

A :class:`Mailbox` is plain data with no locking of its own; :class:`state.Emulator`
holds one lock around every call, which keeps the model simple and is fast enough
(the GIL serialises Python anyway).

History follows Gmail: one counter per mailbox that only grows; every change (delivery,
deletion, label change) takes the next id, becomes the message's ``historyId`` and is
appended as a record.  Only ``retention`` records are kept: a ``startHistoryId`` older
than the oldest retained record — or older than the last :meth:`Mailbox.expire_history` —
is answered with 404, which tells clients to do a full sync.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .mime import ParsedMessage

SYSTEM_LABELS = (
    "CHAT",
    "SENT",
    "INBOX",
    "IMPORTANT",
    "TRASH",
    "DRAFT",
    "SPAM",
    "CATEGORY_FORUMS",
    "CATEGORY_UPDATES",
    "CATEGORY_PERSONAL",
    "CATEGORY_PROMOTIONS",
    "CATEGORY_SOCIAL",
    "STARRED",
    "UNREAD",
)
# Gmail refuses to let clients set these through messages.modify.
UNSETTABLE_LABELS = frozenset({"CHAT", "SENT", "DRAFT"})
HIDDEN_SYSTEM_LABELS = frozenset({"CHAT"})


@dataclass(slots=True)
class StoredMessage:
    """A message in a mailbox; ``content`` is shared and immutable, labels are not."""

    id: str
    thread_id: str
    internal_date: int
    label_ids: list[str]
    history_id: int
    raw: bytes
    content: ParsedMessage
    # Rendered JSON per format; cleared whenever labels or historyId change.
    cache: dict[str, bytes] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, str]:
        """Return the sort key: Gmail lists newest first by internalDate."""
        return (self.internal_date, self.id)

    @property
    def size_estimate(self) -> int:
        """Return Gmail's sizeEstimate (the RFC 822 size is what Gmail reports)."""
        return len(self.raw)

    def ref(self) -> dict[str, Any]:
        """Return ``{id, threadId}`` as used in lists and history."""
        return {"id": self.id, "threadId": self.thread_id}


@dataclass(slots=True, frozen=True)
class HistoryRecord:
    """One change; ``labels`` are the message's labels after it."""

    id: int
    kind: str  # "added" | "deleted" | "labels"
    message_id: str
    thread_id: str
    labels: tuple[str, ...]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def involves_label(self, label_id: str) -> bool:
        """Return True if the record's message carries or changed ``label_id``."""
        return label_id in self.labels or label_id in self.added or label_id in self.removed

    def types(self) -> set[str]:
        """Return the Gmail historyTypes this record belongs to."""
        if self.kind == "added":
            return {"messageAdded"}
        if self.kind == "deleted":
            return {"messageDeleted"}
        kinds = set()
        if self.added:
            kinds.add("labelAdded")
        if self.removed:
            kinds.add("labelRemoved")
        return kinds

    def render(self, wanted: set[str] | None) -> dict[str, Any] | None:
        """Return the Gmail ``History`` JSON, or None if no wanted type is in it."""
        ref = {"id": self.message_id, "threadId": self.thread_id}
        full = {**ref, "labelIds": list(self.labels)}
        out: dict[str, Any] = {"id": str(self.id), "messages": [ref]}
        include = self.types() if wanted is None else self.types() & wanted
        if not include:
            return None
        if "messageAdded" in include:
            out["messagesAdded"] = [{"message": full}]
        if "messageDeleted" in include:
            out["messagesDeleted"] = [{"message": full}]
        if "labelAdded" in include:
            out["labelsAdded"] = [{"message": full, "labelIds": list(self.added)}]
        if "labelRemoved" in include:
            out["labelsRemoved"] = [{"message": full, "labelIds": list(self.removed)}]
        return out


@dataclass(slots=True)
class Watch:
    """An active ``users.watch``."""

    topic_name: str
    label_ids: tuple[str, ...]
    label_filter_behavior: str
    expiration_ms: int


class Mailbox:
    """Messages, labels and history of one Google account."""

    def __init__(self, email: str, name: str, sub: str, retention: int) -> None:
        self.email = email
        self.name = name
        self.sub = sub
        self.picture = f"https://lh3.googleusercontent.com/a/emulator-{sub}=s96-c"
        self.messages: dict[str, StoredMessage] = {}
        self._keys: list[tuple[int, str]] = []
        self.threads: dict[str, list[str]] = {}
        self.history: deque[HistoryRecord] = deque()
        self.retention = max(1, retention)
        self.history_id = 0
        self.history_floor = 0
        self.user_labels: dict[str, str] = {}
        self.truth: dict[str, dict[str, Any]] = {}
        self.watch: Watch | None = None

    # -- reading -----------------------------------------------------------------

    def newest_first(self) -> Iterator[StoredMessage]:
        """Yield messages by internalDate, newest first."""
        messages = self.messages
        for key in reversed(self._keys):
            yield messages[key[1]]

    def newest_first_after(self, key: tuple[int, str]) -> Iterator[StoredMessage]:
        """Yield messages strictly older than ``key``, newest first (for page tokens)."""
        messages = self.messages
        for i in range(bisect.bisect_left(self._keys, key) - 1, -1, -1):
            yield messages[self._keys[i][1]]

    def label_exists(self, label_id: str) -> bool:
        """Return True for system label ids and this mailbox's user label ids."""
        return label_id in SYSTEM_LABELS or label_id in self.user_labels

    def label_id_for(self, name_or_id: str) -> str | None:
        """Return the label id for an id or a (case-insensitive) label name."""
        if self.label_exists(name_or_id):
            return name_or_id
        upper = name_or_id.upper()
        if upper in SYSTEM_LABELS:
            return upper
        for label_id, name in self.user_labels.items():
            if name.lower() == name_or_id.lower():
                return label_id
        return None

    def add_user_label(self, name: str) -> str:
        """Create a user label (or return the existing one with this name)."""
        existing = self.label_id_for(name)
        if existing is not None:
            return existing
        label_id = f"Label_{len(self.user_labels) + 1}"
        self.user_labels[label_id] = name
        return label_id

    # -- history -----------------------------------------------------------------

    def next_history_id(self) -> int:
        """Advance the mailbox's history counter and return the new id."""
        self.history_id += 1
        return self.history_id

    def _record(self, record: HistoryRecord) -> None:
        if len(self.history) >= self.retention:
            dropped = self.history.popleft()
            self.history_floor = max(self.history_floor, dropped.id)
        self.history.append(record)

    def expire_history(self) -> None:
        """Forget all history: every earlier startHistoryId now answers 404."""
        self.history.clear()
        self.history_floor = self.history_id

    def history_after(self, start: int) -> list[HistoryRecord] | None:
        """Return records with id > ``start``, oldest first; None if ``start`` expired."""
        if start < self.history_floor:
            return None
        if start >= self.history_id:
            return []
        records = self.history
        if records and records[0].id > start:
            return list(records)
        return [r for r in records if r.id > start]

    # -- changes -----------------------------------------------------------------

    def insert(self, message: StoredMessage, *, record: bool = True) -> None:
        """Add a message; with ``record`` it gets a new historyId and a history record."""
        if record:
            message.history_id = self.next_history_id()
        self.messages[message.id] = message
        bisect.insort(self._keys, message.key)
        self.threads.setdefault(message.thread_id, []).append(message.id)
        if record:
            self._record(
                HistoryRecord(
                    message.history_id,
                    "added",
                    message.id,
                    message.thread_id,
                    tuple(message.label_ids),
                )
            )

    def remove(self, message_id: str) -> StoredMessage:
        """Delete a message permanently (KeyError if unknown)."""
        message = self.messages.pop(message_id)
        index = bisect.bisect_left(self._keys, message.key)
        del self._keys[index]
        siblings = self.threads.get(message.thread_id, [])
        if message_id in siblings:
            siblings.remove(message_id)
        if not siblings:
            self.threads.pop(message.thread_id, None)
        self.truth.pop(message_id, None)
        history_id = self.next_history_id()
        labels = tuple(message.label_ids)
        self._record(HistoryRecord(history_id, "deleted", message_id, message.thread_id, labels))
        return message

    def change_labels(
        self, message_id: str, add: Iterable[str], remove: Iterable[str]
    ) -> StoredMessage:
        """Add and remove labels; a real change gets one history record."""
        message = self.messages[message_id]
        current = message.label_ids
        removing = {label for label in remove if label in current}
        added = tuple(label for label in dict.fromkeys(add) if label not in current)
        removed = tuple(label for label in current if label in removing and label not in added)
        if not added and not removed:
            return message
        message.label_ids = [label for label in current if label not in removed] + list(added)
        message.history_id = self.next_history_id()
        message.cache.clear()
        record = HistoryRecord(
            message.history_id,
            "labels",
            message.id,
            message.thread_id,
            tuple(message.label_ids),
            added,
            removed,
        )
        self._record(record)
        return message

    # -- counts ------------------------------------------------------------------

    def label_counts(self, label_id: str) -> dict[str, int]:
        """Return messagesTotal/Unread and threadsTotal/Unread for one label."""
        total = unread = 0
        threads: set[str] = set()
        unread_threads: set[str] = set()
        for message in self.messages.values():
            if label_id in message.label_ids:
                total += 1
                threads.add(message.thread_id)
                if "UNREAD" in message.label_ids:
                    unread += 1
                    unread_threads.add(message.thread_id)
        return {
            "messagesTotal": total,
            "messagesUnread": unread,
            "threadsTotal": len(threads),
            "threadsUnread": len(unread_threads),
        }

    # -- reports -----------------------------------------------------------------

    def truth_rows(self) -> list[dict[str, Any]]:
        """Return the generator's ground truth joined with message facts, oldest first."""
        rows = []
        for message_id, truth in self.truth.items():
            message = self.messages.get(message_id)
            if message is not None:
                rows.append(
                    {
                        "id": message_id,
                        "threadId": message.thread_id,
                        "internalDate": str(message.internal_date),
                        "subject": message.content.subject,
                        "from": message.content.sender,
                        **truth,
                    }
                )
        return sorted(rows, key=lambda r: (int(r["internalDate"]), r["id"]))

    def summary(self) -> dict[str, Any]:
        """Return a JSON-friendly overview of the mailbox."""
        watch = self.watch
        return {
            "email": self.email,
            "name": self.name,
            "sub": self.sub,
            "messages": len(self.messages),
            "threads": len(self.threads),
            "historyId": str(self.history_id),
            "oldestValidStartHistoryId": str(self.history_floor),
            "userLabels": dict(self.user_labels),
            "watch": None
            if watch is None
            else {"topicName": watch.topic_name, "expiration": watch.expiration_ms},
        }
