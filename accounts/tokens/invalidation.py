"""Cache invalidations shared by every process over Redis pub/sub.

Each process's ``CachingTokenStore`` may serve a token record from memory for up to
``TOKEN_STORE_CACHE_TTL`` seconds. Without help, a token revoked in one process would keep
working in the others for that long. So every write through a caching store publishes the keys
it touched (token *hashes* and record ids, never a token), and a daemon thread in every process
drops them from its own cache the moment they arrive.

Redis is a helper here, never a dependency of validation: while it is unreachable, publishing
logs a warning and the subscriber retries in the background; caches then fall back to the TTL.
Messages published while a subscriber was away are lost, so on every (re)subscription the
subscriber clears its whole cache: a missed revocation can never outlive a reconnect.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Protocol

import redis
from redis.client import PubSub

from mailbox_project.redis import client

logger = logging.getLogger(__name__)

OnKeys = Callable[[str, list[Hashable]], None]
OnResync = Callable[[], None]


class Invalidations(Protocol):
    """How a caching store tells other processes what it changed, and hears what they did."""

    def start(self, on_keys: OnKeys, on_resync: OnResync) -> None: ...

    def publish(self, kind: str, keys: Sequence[Hashable]) -> None: ...

    def wait_until_listening(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


class RedisInvalidations:
    """Publishes and subscribes to one Redis channel; one instance per caching store."""

    def __init__(self, url: str, channel: str, *, retry_delay: float = 0.5) -> None:
        self._url = url
        self._channel = channel
        self._retry_delay = retry_delay
        # Our own messages come back to us too; the cache already applied them.
        self._origin = uuid.uuid4().hex
        # One quick attempt: a revocation must not hang on a Redis that is down.
        self._publisher = client(url, timeout=1, retry=False)
        self._stopped = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_keys: OnKeys = lambda kind, keys: None
        self._on_resync: OnResync = lambda: None

    def start(self, on_keys: OnKeys, on_resync: OnResync) -> None:
        """Start the subscriber thread, which calls back for every other process's change."""
        self._on_keys, self._on_resync = on_keys, on_resync
        self._thread = threading.Thread(
            target=self._run, name="token-cache-invalidations", daemon=True
        )
        self._thread.start()

    def publish(self, kind: str, keys: Sequence[Hashable]) -> None:
        """Announce that ``keys`` of ``kind`` changed; a Redis failure is logged, not raised."""
        # Every cache key is a tuple of strings: a kind tag, then ids or token hashes.
        parts = [list(key) for key in keys if isinstance(key, tuple)]
        message = json.dumps({"origin": self._origin, "kind": kind, "keys": parts})
        try:
            self._publisher.publish(self._channel, message)
        except (redis.RedisError, OSError) as exc:
            logger.warning(
                "token cache invalidation not announced (%s); other processes drop the entry "
                "when its cache lifetime ends",
                type(exc).__name__,
            )

    def wait_until_listening(self, timeout: float) -> bool:
        """Return True once the subscription is live (tests; a readiness probe)."""
        return self._listening.wait(timeout)

    def close(self) -> None:
        # Not joined: the thread notices within a second, and a store is closed after every
        # test; waiting for it would add that second each time.
        self._stopped.set()
        self._publisher.close()

    # --- The subscriber thread ---

    def _run(self) -> None:
        delay = self._retry_delay
        while not self._stopped.is_set():
            try:
                self._listen()
                delay = self._retry_delay
            except (redis.RedisError, OSError) as exc:
                if self._listening.is_set() and not self._stopped.is_set():
                    logger.warning(
                        "token cache invalidations: Redis unreachable (%s), retrying",
                        type(exc).__name__,
                    )
                self._listening.clear()
                self._stopped.wait(delay)
                delay = min(delay * 2, 5.0)

    def _listen(self) -> None:
        subscriber = client(self._url, timeout=5, connect_timeout=2, health_check_interval=10)
        pubsub = PubSub(subscriber.connection_pool)
        try:
            pubsub.subscribe(self._channel)
            while not self._stopped.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message is not None:
                    self._dispatch(message)
        finally:
            pubsub.close()
            subscriber.close()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if message["type"] == "subscribe":
            # (Re)subscribed: anything published while we were away is lost, so forget it all.
            self._on_resync()
            self._listening.set()
        elif message["type"] == "message":
            self._apply(message["data"])

    def _apply(self, data: bytes) -> None:
        try:
            decoded = json.loads(data)
            kind = str(decoded["kind"])
            keys: list[Hashable] = [tuple(str(part) for part in key) for key in decoded["keys"]]
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored a malformed token cache invalidation")
            return
        if decoded.get("origin") != self._origin:
            self._on_keys(kind, keys)
