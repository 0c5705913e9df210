"""A write-behind buffer for session writes: many ``touch_session`` calls, few round trips.

Session writes (store, delete by token or id, touch) are queued and coalesced per session; a
daemon thread flushes the queue when it holds ``max_batch_size`` pending writes or its oldest
write is ``max_delay`` seconds old. A flush uses the delegate's bulk hooks when it has them
(``BulkSessionStore``) and the single-operation methods otherwise.

Other writes pass straight through: states and codes must be readable at once (the OAuth
redirect may come back to another process within milliseconds), and client and credential
writes are rare and need read-your-writes (a refreshed Google token is used on the next call).

Reads bypass the buffer, so a session written here is not visible to reads (here or through any
other store) until it is flushed; a caller that needs read-your-writes calls ``flush()`` first.

Failures are never dropped: a failed flush is retried once; if that fails too the batch goes
back to the head of the queue (newer writes still win) and ``TokenStoreFlushError`` is raised to
the caller of ``flush()``/``close()``. The background thread counts and logs its failures and
backs off for ``max_delay``; the writes stay queued for the next attempt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from accounts.tokens.base import TokenStore
from accounts.tokens.bulk import BulkSessionStore
from accounts.tokens.crypto import hash_token
from accounts.tokens.forwarding import ForwardingTokenStore
from accounts.tokens.records import SessionRecord
from accounts.tokens.write_batch import SessionWriteBatch

logger = logging.getLogger(__name__)


class TokenStoreFlushError(Exception):
    """Queued writes could not be written (after one retry); they are still queued."""


class BufferedTokenStore(ForwardingTokenStore):
    def __init__(
        self,
        delegate: TokenStore,
        *,
        max_batch_size: int = 500,
        max_delay: float = 1.0,
        owns_delegate: bool = True,
    ) -> None:
        super().__init__(delegate, owns_delegate=owns_delegate)
        if max_batch_size < 1 or max_delay <= 0:
            raise ValueError("max_batch_size must be at least 1 and max_delay positive")
        self._max_batch_size = max_batch_size
        # Past this many pending writes a writer flushes itself: back-pressure, not a leak.
        self._max_pending = max_batch_size * 10
        self._max_delay = max_delay
        self._bulk = delegate if isinstance(delegate, BulkSessionStore) else None
        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)
        self._flush_lock = threading.Lock()
        self._batch = SessionWriteBatch()
        self._retry_after = 0.0
        self._closing = False
        self._delegate_closed = False
        self._counters = dict.fromkeys(
            ("writes", "flushes", "round_trips", "errors", "retries", "failed_flushes"), 0
        )
        self._coalesced = 0
        self._thread = threading.Thread(target=self._run, name="token-store-flusher", daemon=True)
        self._thread.start()

    @property
    def uses_bulk(self) -> bool:
        """Return whether flushes use the delegate's bulk hooks."""
        return self._bulk is not None

    # --- Queued writes ---

    def store_session(self, record: SessionRecord) -> None:
        self._enqueue(lambda batch: batch.store(record))

    def delete_session_by_token(self, access_token: str) -> None:
        self._enqueue(lambda batch: batch.delete_by_token(hash_token(access_token), access_token))

    def delete_session_by_id(self, session_id: str) -> None:
        self._enqueue(lambda batch: batch.delete_by_id(session_id))

    def touch_session(self, session_id: str, when: datetime) -> None:
        self._enqueue(lambda batch: batch.touch(session_id, when))

    def _enqueue(self, write: Callable[[SessionWriteBatch], None]) -> None:
        with self._lock:
            if self._closing:
                raise RuntimeError("the buffered token store is closed")
            if self._batch.started is None:
                self._batch.started = time.monotonic()
                self._wakeup.notify_all()
            write(self._batch)
            self._counters["writes"] += 1
            pending = len(self._batch)
            if pending == self._max_batch_size:
                self._wakeup.notify_all()
        if pending >= self._max_pending:
            self.flush()

    # --- Flushing ---

    def flush(self) -> None:
        """Write every queued write to the delegate; raise ``TokenStoreFlushError`` on failure."""
        with self._flush_lock:
            with self._lock:
                batch, self._batch = self._batch, SessionWriteBatch()
            if not batch:
                return
            try:
                self._apply_with_retry(batch)
            except Exception as exc:
                with self._lock:
                    self._batch = SessionWriteBatch.merged(batch, self._batch)
                    self._counters["failed_flushes"] += 1
                raise TokenStoreFlushError(
                    f"{len(batch)} queued session writes could not be written; still queued"
                ) from exc
            with self._lock:
                self._counters["flushes"] += 1
                self._coalesced += batch.coalesced

    def _apply_with_retry(self, batch: SessionWriteBatch) -> None:
        try:
            self._apply(batch)
        except Exception:  # noqa: BLE001 - whatever the delegate raised is retried once
            # Every write in a batch is idempotent, so redoing a half-applied batch is safe.
            self._count("errors")
            self._count("retries")
            try:
                self._apply(batch)
            except Exception:
                self._count("errors")
                raise

    def _apply(self, batch: SessionWriteBatch) -> None:
        if self._bulk is not None:
            self._apply_bulk(self._bulk, batch)
            return
        delegate = self._delegate
        for access_token in batch.token_deletes.values():
            self._round_trip(delegate.delete_session_by_token, access_token)
        for session_id in batch.deletes():
            self._round_trip(delegate.delete_session_by_id, session_id)
        for record in batch.stores():
            self._round_trip(delegate.store_session, record)
        for session_id, when in batch.touches().items():
            self._round_trip(delegate.touch_session, session_id, when)

    def _apply_bulk(self, bulk: BulkSessionStore, batch: SessionWriteBatch) -> None:
        hashes, deletes = list(batch.token_deletes), batch.deletes()
        stores, touches = batch.stores(), batch.touches()
        if hashes:
            self._round_trip(bulk.bulk_delete_sessions_by_hash, hashes)
        if deletes:
            self._round_trip(bulk.bulk_delete_sessions_by_id, deletes)
        if stores:
            self._round_trip(bulk.bulk_store_sessions, stores)
        if touches:
            self._round_trip(bulk.bulk_touch_sessions, touches)

    def _round_trip(self, call: Callable[..., object], *args: Any) -> None:
        self._count("round_trips")
        call(*args)

    def _count(self, name: str) -> None:
        with self._lock:
            self._counters[name] += 1

    # --- The background flusher ---

    def _due_in(self) -> float | None:
        """Return seconds until the queue is due for a flush (0: now), None when empty."""
        if not self._batch:
            return None
        now = time.monotonic()
        if len(self._batch) >= self._max_batch_size:
            due = now
        else:
            due = (self._batch.started or now) + self._max_delay
        return max(0.0, max(due, self._retry_after) - now)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._closing and (wait := self._due_in()) != 0.0:
                    self._wakeup.wait(wait)
                if self._closing:
                    return
            try:
                self.flush()
            except TokenStoreFlushError as exc:
                logger.warning("token store flush failed (%s)", type(exc.__cause__).__name__)
                with self._lock:
                    self._retry_after = time.monotonic() + self._max_delay

    # --- Lifecycle and metrics ---

    def close(self) -> None:
        """Stop the flusher and drain the queue; raise if the queue cannot be written."""
        with self._lock:
            self._closing = True
            self._wakeup.notify_all()
        self._thread.join()
        self.flush()
        if not self._delegate_closed:
            self._delegate_closed = True
            super().close()

    def pending(self) -> int:
        """Return how many net writes are queued."""
        with self._lock:
            return len(self._batch)

    def metrics(self) -> dict[str, int]:
        """Return counts: writes, writes_coalesced, flushes, round_trips, errors, pending, ..."""
        with self._lock:
            coalesced = self._coalesced + self._batch.coalesced
            return {**self._counters, "writes_coalesced": coalesced, "pending": len(self._batch)}
