"""The optional bulk capability: many session writes in one round trip and one transaction.

Wrappers feature-detect it with ``isinstance(store, BulkSessionStore)`` and fall back to the
single-operation methods when a backend lacks it; the outcome is the same either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from accounts.tokens.records import SessionRecord


@runtime_checkable
class BulkSessionStore(Protocol):
    def bulk_store_sessions(self, records: Sequence[SessionRecord]) -> None:
        """Upsert every record by session id, atomically."""
        ...

    def bulk_delete_sessions_by_hash(self, access_token_hashes: Sequence[str]) -> int:
        """Delete the sessions with these access-token hashes; return how many were deleted."""
        ...

    def bulk_delete_sessions_by_id(self, session_ids: Sequence[str]) -> int:
        """Delete the sessions with these ids; return how many were deleted."""
        ...

    def bulk_touch_sessions(self, last_used: Mapping[str, datetime]) -> int:
        """Move each session's ``last_used_at`` forward to its time; return how many matched."""
        ...
