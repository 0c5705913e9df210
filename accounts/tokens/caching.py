"""A per-process read cache in front of any token store: the hot path of bearer authentication.

Reads go through the cache and fill it; misses are remembered briefly (negative caching). An
entry lives until the earlier of ``max_ttl`` and its record's expiry, minus ``skew``, so an
expired (or about to expire) record is never served from memory. Every write through this
wrapper evicts the keys it touches after the delegate has applied it, and a per-kind generation
counter stops a read that raced with a write from putting the older value back: once a write
has returned, no reader sees what it replaced.

Other processes' writes reach this cache through ``invalidations`` (Redis pub/sub, see
``accounts.tokens.invalidation``): every write here is announced, and every announced write from
elsewhere evicts the same keys here, so a revocation takes effect everywhere at once. Without
it, or while Redis is unreachable, a token revoked elsewhere may be accepted here for up to
``max_ttl`` seconds: keep it short.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from accounts.tokens.base import TokenStore
from accounts.tokens.crypto import hash_token, secret_matches
from accounts.tokens.expiring import ExpiringCache
from accounts.tokens.forwarding import ForwardingTokenStore
from accounts.tokens.invalidation import Invalidations
from accounts.tokens.records import (
    AuthCodeRecord,
    ClientRecord,
    ProviderCredentials,
    SessionRecord,
    utcnow,
)

R = TypeVar("R")
KINDS = ("sessions", "auth_codes", "clients", "provider_credentials")


@dataclass
class _Kind:
    """One kind's cache, remembered misses and counters (counts only, never keys or values)."""

    entries: ExpiringCache[Any]
    negatives: ExpiringCache[bool]
    generation: int = 0
    counters: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("hits", "misses", "negative_hits", "invalidations"), 0
        )
    )


class CachingTokenStore(ForwardingTokenStore):
    """Caches sessions, auth codes, clients and provider credentials read through ``delegate``.

    States are one-time and never cached: consuming one always reaches the delegate. Lists
    (``list_sessions_for_user``, ``list_clients``) are not cached either, so the account page
    shows fresh ``last_used_at`` values.
    """

    def __init__(
        self,
        delegate: TokenStore,
        *,
        max_ttl: float = 30.0,
        negative_ttl: float = 5.0,
        skew: float = 2.0,
        maxsize: int = 10_000,
        clock: Callable[[], datetime] = utcnow,
        owns_delegate: bool = True,
        invalidations: Invalidations | None = None,
    ) -> None:
        super().__init__(delegate, owns_delegate=owns_delegate)
        self._max_ttl = timedelta(seconds=max_ttl)
        self._negative_ttl = timedelta(seconds=negative_ttl)
        self._skew = timedelta(seconds=skew)
        self._clock = clock
        self._lock = threading.Lock()
        self._kinds = {
            name: _Kind(ExpiringCache(maxsize), ExpiringCache(maxsize)) for name in KINDS
        }
        self._invalidations = invalidations
        if invalidations is not None:
            invalidations.start(self._evict_announced, self.clear)

    # --- The read-through and invalidation machinery ---

    def _read(
        self,
        kind_name: str,
        key: Hashable,
        fetch: Callable[[], R | None],
        remember: Callable[[_Kind, R, datetime], None],
        fresh: Callable[[R, datetime], bool] = lambda record, now: True,
    ) -> R | None:
        kind = self._kinds[kind_name]
        now = self._clock()
        with self._lock:
            cached = kind.entries.get(key, now)
            if cached is not None and fresh(cached, now):
                kind.counters["hits"] += 1
                return cached  # type: ignore[no-any-return]
            if kind.negatives.get(key, now):
                kind.counters["negative_hits"] += 1
                return None
            kind.counters["misses"] += 1
            generation = kind.generation
        value = fetch()
        with self._lock:
            # A write since we looked means our value may be older than the write: keep it out.
            if kind.generation == generation:
                if value is None:
                    kind.negatives.put(key, True, now + self._negative_ttl)
                else:
                    remember(kind, value, now)
        return value

    def _deadline(self, now: datetime, expires_at: datetime | None) -> datetime:
        deadline = now + self._max_ttl
        return deadline if expires_at is None else min(deadline, expires_at - self._skew)

    def _put(
        self, kind: _Kind, key: Hashable, record: Any, now: datetime, expires_at: datetime | None
    ) -> None:
        deadline = self._deadline(now, expires_at)
        if deadline > now:
            kind.entries.put(key, record, deadline)

    def _invalidate(
        self,
        kind_name: str,
        *keys: Hashable,
        change: Callable[[Any], Any] | None = None,
        announce: bool = True,
    ) -> None:
        self._forget(kind_name, keys, change)
        # An in-place change (a touch) is no revocation: other processes may keep their copy.
        if announce and change is None and self._invalidations is not None:
            self._invalidations.publish(kind_name, keys)

    def _evict_announced(self, kind_name: str, keys: list[Hashable]) -> None:
        """Drop what another process changed (called from the subscriber thread)."""
        if kind_name in self._kinds:
            self._forget(kind_name, keys, None)

    def _forget(
        self, kind_name: str, keys: Sequence[Hashable], change: Callable[[Any], Any] | None
    ) -> None:
        kind = self._kinds[kind_name]
        with self._lock:
            kind.generation += 1
            kind.counters["invalidations"] += 1
            for key in keys:
                if change is None or not kind.entries.update(key, change):
                    kind.entries.discard(key)
                kind.negatives.discard(key)

    def metrics(self) -> dict[str, dict[str, int]]:
        """Return per-kind counts: hits, misses, negative hits, invalidations, evictions, size."""
        with self._lock:
            return {
                name: {
                    **kind.counters,
                    "evictions": kind.entries.evictions + kind.negatives.evictions,
                    "size": len(kind.entries),
                }
                for name, kind in self._kinds.items()
            }

    def wait_until_listening(self, timeout: float) -> bool:
        """Return True once other processes' invalidations reach this cache."""
        return self._invalidations is not None and self._invalidations.wait_until_listening(timeout)

    def clear(self) -> None:
        """Forget every cached entry (counters are kept)."""
        with self._lock:
            for kind in self._kinds.values():
                kind.generation += 1
                kind.entries.clear()
                kind.negatives.clear()

    # --- Sessions ---

    def _remember_session(self, kind: _Kind, record: SessionRecord, now: datetime) -> None:
        deadline = self._deadline(now, record.expires_at)
        if deadline <= now:
            return
        aliases: list[Hashable] = [("access", record.access_token_hash)]
        if record.refresh_token_hash is not None:
            aliases.append(("refresh", record.refresh_token_hash))
        kind.entries.put(("id", record.session_id), record, deadline, aliases)

    def load_session_by_token(self, access_token: str) -> SessionRecord | None:
        return self._read(
            "sessions",
            ("access", hash_token(access_token)),
            lambda: self._delegate.load_session_by_token(access_token),
            self._remember_session,
            lambda record, now: record.access_valid_at(now + self._skew),
        )

    def load_session_by_id(self, session_id: str) -> SessionRecord | None:
        return self._read(
            "sessions",
            ("id", session_id),
            lambda: self._delegate.load_session_by_id(session_id),
            self._remember_session,
        )

    def load_session_by_refresh_token(self, refresh_token: str) -> SessionRecord | None:
        return self._read(
            "sessions",
            ("refresh", hash_token(refresh_token)),
            lambda: self._delegate.load_session_by_refresh_token(refresh_token),
            self._remember_session,
            lambda record, now: record.refresh_valid_at(now + self._skew),
        )

    def store_session(self, record: SessionRecord) -> None:
        keys: list[Hashable] = [("id", record.session_id), ("access", record.access_token_hash)]
        if record.refresh_token_hash is not None:
            keys.append(("refresh", record.refresh_token_hash))
        try:
            self._delegate.store_session(record)
        finally:
            self._invalidate("sessions", *keys)

    def delete_session_by_token(self, access_token: str) -> None:
        try:
            self._delegate.delete_session_by_token(access_token)
        finally:
            self._invalidate("sessions", ("access", hash_token(access_token)))

    def delete_session_by_id(self, session_id: str) -> None:
        try:
            self._delegate.delete_session_by_id(session_id)
        finally:
            self._invalidate("sessions", ("id", session_id))

    def touch_session(self, session_id: str, when: datetime) -> None:
        def touched(record: SessionRecord) -> SessionRecord:
            last = record.last_used_at
            latest = when if last is None else max(last, when)
            return dataclasses.replace(record, last_used_at=latest)

        try:
            self._delegate.touch_session(session_id, when)
        except BaseException:
            self._invalidate("sessions", ("id", session_id), announce=False)
            raise
        # Updated in place, not evicted: a touched session is a hot one.
        self._invalidate("sessions", ("id", session_id), change=touched)

    # --- Authorization codes ---

    def load_auth_code(self, code: str) -> AuthCodeRecord | None:
        return self._read(
            "auth_codes",
            ("code", hash_token(code)),
            lambda: self._delegate.load_auth_code(code),
            lambda kind, r, now: self._put(kind, ("code", r.code_hash), r, now, r.expires_at),
        )

    def store_auth_code(self, record: AuthCodeRecord) -> None:
        try:
            self._delegate.store_auth_code(record)
        finally:
            self._invalidate("auth_codes", ("code", record.code_hash))

    def consume_auth_code(self, code: str) -> AuthCodeRecord | None:
        try:
            return self._delegate.consume_auth_code(code)
        finally:
            self._invalidate("auth_codes", ("code", hash_token(code)))

    def delete_auth_code(self, code: str) -> None:
        try:
            self._delegate.delete_auth_code(code)
        finally:
            self._invalidate("auth_codes", ("code", hash_token(code)))

    # --- Clients ---

    def load_client(self, client_id: str) -> ClientRecord | None:
        return self._read(
            "clients",
            ("client", client_id),
            lambda: self._delegate.load_client(client_id),
            lambda kind, r, now: self._put(kind, ("client", r.client_id), r, now, None),
        )

    def verify_client_secret(self, client_id: str, secret: str) -> bool:
        client = self.load_client(client_id)
        return secret_matches(client.secret_hash if client else None, secret)

    def store_client(self, record: ClientRecord) -> None:
        try:
            self._delegate.store_client(record)
        finally:
            self._invalidate("clients", ("client", record.client_id))

    def delete_client(self, client_id: str) -> None:
        try:
            self._delegate.delete_client(client_id)
        finally:
            self._invalidate("clients", ("client", client_id))

    # --- Provider credentials ---

    def load_provider_credentials(
        self, user_id: str, provider: str = "google"
    ) -> ProviderCredentials | None:
        # Until shortly before the access token expires: then the caller refreshes and stores.
        key = ("provider", user_id, provider)
        return self._read(
            "provider_credentials",
            key,
            lambda: self._delegate.load_provider_credentials(user_id, provider),
            lambda kind, r, now: self._put(kind, key, r, now, r.expires_at),
        )

    def store_provider_credentials(self, credentials: ProviderCredentials) -> None:
        try:
            self._delegate.store_provider_credentials(credentials)
        finally:
            self._invalidate("provider_credentials", ("provider", *credentials.key))

    def delete_provider_credentials(self, user_id: str, provider: str = "google") -> None:
        try:
            self._delegate.delete_provider_credentials(user_id, provider)
        finally:
            self._invalidate("provider_credentials", ("provider", user_id, provider))

    def close(self) -> None:
        if self._invalidations is not None:
            self._invalidations.close()
        self.clear()
        super().close()
