"""Build the app's token stores from Django settings, once per process.

``get_token_store()`` is the read store of the hot path (``CachingTokenStore`` over the
backend); ``get_buffered_token_store()`` buffers session writes, above all ``touch_session``,
over the same backend; ``get_uncached_token_store()`` is that backend itself, for a read that
must see what another process just wrote. All are created lazily, and again after a fork: a
flusher thread does not survive ``fork()``, and gunicorn and Celery's prefork pool fork late.

Settings (all read with ``getattr`` and a default):
``TOKEN_STORE_BACKEND`` ("mongo" | "sqlite"), ``TOKEN_STORE_SQLITE_PATH``,
``TOKEN_ENCRYPTION_KEYS`` (list, newest first), ``TOKEN_STORE_ALLOW_PLAINTEXT``,
``TOKEN_STORE_CACHE_TTL``, ``TOKEN_STORE_CACHE_NEGATIVE_TTL``, ``TOKEN_STORE_CACHE_MAXSIZE``,
``TOKEN_STORE_BUFFER_BATCH_SIZE``, ``TOKEN_STORE_BUFFER_MAX_DELAY``,
``TOKEN_STORE_INVALIDATION_PUBSUB`` (bool: announce and hear writes on Redis at ``REDIS_URL``).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from accounts.tokens.base import TokenStore
from accounts.tokens.buffered import BufferedTokenStore
from accounts.tokens.caching import CachingTokenStore
from accounts.tokens.crypto import TokenCipher
from accounts.tokens.invalidation import RedisInvalidations
from accounts.tokens.mongo import MongoTokenStore
from accounts.tokens.sqlite import SqliteTokenStore

logger = logging.getLogger(__name__)

BACKENDS = ("mongo", "sqlite")


def build_cipher(keys: Sequence[str | bytes] | None = None) -> TokenCipher:
    """Return the cipher for ``keys`` (default: TOKEN_ENCRYPTION_KEYS) and the plaintext opt-in."""
    if keys is None:
        keys = getattr(settings, "TOKEN_ENCRYPTION_KEYS", [])
    allow_plaintext = bool(getattr(settings, "TOKEN_STORE_ALLOW_PLAINTEXT", False))
    return TokenCipher(list(keys), allow_plaintext=allow_plaintext)


def build_backend(cipher: TokenCipher | None = None) -> TokenStore:
    """Return a new, bare backend store chosen by TOKEN_STORE_BACKEND."""
    cipher = cipher or build_cipher()
    backend = getattr(settings, "TOKEN_STORE_BACKEND", "mongo")
    if backend == "mongo":
        # django-mongodb-backend's connection hands out its pymongo Database (untyped).
        database = connections["default"].get_database()  # type: ignore[attr-defined]
        return MongoTokenStore(database, cipher)
    if backend == "sqlite":
        default_path = os.path.join(getattr(settings, "BASE_DIR", "."), "tokens.sqlite3")
        return SqliteTokenStore(getattr(settings, "TOKEN_STORE_SQLITE_PATH", default_path), cipher)
    raise ImproperlyConfigured(f"TOKEN_STORE_BACKEND must be one of {BACKENDS}, got {backend!r}")


@dataclass
class _Stores:
    pid: int
    backend: TokenStore
    caching: CachingTokenStore
    buffered: BufferedTokenStore


_lock = threading.Lock()
_stores: _Stores | None = None


def build_invalidations() -> RedisInvalidations | None:
    """Return the Redis channel shared by every process's token cache, unless turned off."""
    url = getattr(settings, "REDIS_URL", "")
    if not url or not getattr(settings, "TOKEN_STORE_INVALIDATION_PUBSUB", True):
        return None
    prefix = getattr(settings, "CACHE_KEY_PREFIX", "mailbox")
    return RedisInvalidations(url, f"{prefix}:token-store:invalidations")


def _build() -> _Stores:
    backend = build_backend()
    caching = CachingTokenStore(
        backend,
        max_ttl=float(getattr(settings, "TOKEN_STORE_CACHE_TTL", 30.0)),
        negative_ttl=float(getattr(settings, "TOKEN_STORE_CACHE_NEGATIVE_TTL", 5.0)),
        maxsize=int(getattr(settings, "TOKEN_STORE_CACHE_MAXSIZE", 10_000)),
        invalidations=build_invalidations(),
    )
    # The caching store owns the backend; the buffered one must not close it under it.
    buffered = BufferedTokenStore(
        backend,
        max_batch_size=int(getattr(settings, "TOKEN_STORE_BUFFER_BATCH_SIZE", 500)),
        max_delay=float(getattr(settings, "TOKEN_STORE_BUFFER_MAX_DELAY", 1.0)),
        owns_delegate=False,
    )
    return _Stores(os.getpid(), backend, caching, buffered)


def _current() -> _Stores:
    global _stores
    with _lock:
        if _stores is None or _stores.pid != os.getpid():
            # After a fork the parent's stores are forgotten, not closed: they are the parent's.
            _stores = _build()
        return _stores


def get_token_store() -> CachingTokenStore:
    """Return this process's read store: the cache over the configured backend."""
    return _current().caching


def get_uncached_token_store() -> TokenStore:
    """Return this process's bare backend: for reads that must see other processes' writes.

    Writes through it bypass ``get_token_store()``'s cache invalidation; write through that.
    """
    return _current().backend


def get_buffered_token_store() -> BufferedTokenStore:
    """Return this process's buffered store for session writes (``touch_session``)."""
    return _current().buffered


def reset_token_stores() -> None:
    """Drain and close this process's stores and forget them (tests, settings changes)."""
    global _stores
    with _lock:
        stores, _stores = _stores, None
    if stores is None or stores.pid != os.getpid():
        return
    try:
        stores.buffered.close()
    finally:
        stores.caching.close()


@atexit.register
def _drain_at_exit() -> None:
    # Queued last-used times would die with the daemon flusher thread: write them first.
    try:
        reset_token_stores()
    except Exception as exc:  # noqa: BLE001 - at exit there is no caller left to raise to
        logger.warning("queued token store writes were lost at exit (%s)", type(exc).__name__)
