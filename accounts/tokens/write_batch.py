"""The buffered store's queue: session writes coalesced to one net write per session.

Applying a batch in this order gives the same result as applying its writes one by one:
deletes by token hash first, then per session a delete, an upsert or a ``last_used_at`` move.
That holds because a later write to a session replaces what the batch holds for it (last write
wins), a touch is folded into a pending upsert, and a delete by token turns a pending upsert of
that token into a delete by id (the store is cancelled; the delete still happens).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from accounts.tokens.records import SessionRecord


@dataclass(slots=True)
class SessionWrite:
    """The net pending write for one session: at most one of the three is set."""

    record: SessionRecord | None = None
    deleted: bool = False
    touched_at: datetime | None = None


def _later(current: datetime | None, when: datetime) -> datetime:
    return when if current is None else max(current, when)


class SessionWriteBatch:
    def __init__(self) -> None:
        self.writes: dict[str, SessionWrite] = {}
        # hash -> clear token: bulk deletes use the hash, single-op fallbacks need the token.
        self.token_deletes: dict[str, str] = {}
        self.started: float | None = None
        self.coalesced = 0

    def __len__(self) -> int:
        return len(self.writes) + len(self.token_deletes)

    def _write(self, session_id: str) -> SessionWrite:
        write = self.writes.get(session_id)
        if write is None:
            write = self.writes[session_id] = SessionWrite()
        else:
            self.coalesced += 1
        return write

    def store(self, record: SessionRecord) -> None:
        write = self._write(record.session_id)
        # An upsert replaces the whole session, so earlier deletes and touches are moot.
        write.record, write.deleted, write.touched_at = record, False, None

    def delete_by_id(self, session_id: str) -> None:
        write = self._write(session_id)
        write.record, write.deleted, write.touched_at = None, True, None

    def touch(self, session_id: str, when: datetime) -> None:
        write = self._write(session_id)
        if write.record is not None:
            latest = _later(write.record.last_used_at, when)
            write.record = dataclasses.replace(write.record, last_used_at=latest)
        elif not write.deleted:
            write.touched_at = _later(write.touched_at, when)

    def delete_by_token(self, token_hash: str, access_token: str) -> None:
        if token_hash in self.token_deletes:
            self.coalesced += 1
        self.token_deletes[token_hash] = access_token
        for write in self.writes.values():
            if write.record is not None and write.record.access_token_hash == token_hash:
                write.record, write.deleted = None, True

    def replay_into(self, target: SessionWriteBatch) -> None:
        """Apply this batch's net writes to ``target``, as if they were made there."""
        for token_hash, access_token in self.token_deletes.items():
            target.delete_by_token(token_hash, access_token)
        for session_id, write in self.writes.items():
            if write.deleted:
                target.delete_by_id(session_id)
            elif write.record is not None:
                target.store(write.record)
            elif write.touched_at is not None:
                target.touch(session_id, write.touched_at)

    @classmethod
    def merged(cls, older: SessionWriteBatch, newer: SessionWriteBatch) -> SessionWriteBatch:
        """Return one batch equivalent to ``older`` followed by ``newer``."""
        batch = cls()
        older.replay_into(batch)
        newer.replay_into(batch)
        batch.started = older.started if older.started is not None else newer.started
        batch.coalesced = older.coalesced + newer.coalesced
        return batch

    def deletes(self) -> list[str]:
        return [sid for sid, write in self.writes.items() if write.deleted]

    def stores(self) -> list[SessionRecord]:
        return [write.record for write in self.writes.values() if write.record is not None]

    def touches(self) -> dict[str, datetime]:
        return {
            sid: write.touched_at
            for sid, write in self.writes.items()
            if write.touched_at is not None
        }
