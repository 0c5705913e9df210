"""The one place that opens Redis connections, and the one per-user lock.

Connections:

* ``connection()`` is django-redis's pooled client of the ``default`` cache (``REDIS_URL``).
  Every key, counter, script and lock of the app uses it.
* ``client(url, ...)`` opens a client with a pool of its own, for what must not share that pool
  or its timeouts: the token cache's pub/sub subscriber (it holds a connection while it
  listens) and its publisher (one quick attempt), and the health probe (short timeouts, also
  against the broker's URL).

Per-user locks (``UserLock``, ``user_lock``): a redis-py ``Lock`` under
``{CACHE_KEY_PREFIX}:lock-{kind}:{user_id}``; release and renewal compare the holder's token,
so nobody frees or extends a lock someone else holds.

* Acquiring waits at most ``wait`` seconds; ``user_lock`` then raises ``Busy``.
* With ``renew=True`` a background thread resets the TTL every ``ttl / 4`` seconds while the body
  runs (and calls ``on_renew``, the sync heartbeat's chain refresh). The TTL can therefore be
  short: a killed holder frees the lock within ``ttl`` seconds, however long a live one holds it.
* The release is guarded and never hides the outcome. A lock can be *lost*: its renewals could
  not reach Redis, or the process stalled past the TTL, and someone else may have held it
  meanwhile. Then a warning is logged, ``lost`` is True, and

  - if the body raised, its exception propagates, with a note saying the lock was lost (a
    release problem never replaces the real error, as an unguarded ``release()`` did);
  - if the body finished, ``LockLost`` is raised, unless the caller passed ``on_lost="warn"``
    because an overlap cannot harm it.

  A release that cannot reach Redis is logged; the lock then expires within its TTL.

What each caller does with a lost lock:

* the sync step (``mails.scheduling.step_lock``: TTL ``SYNC_HEARTBEAT_TTL``, no wait, renewed by
  the heartbeat): warn. Its writes are idempotent upserts, the chain's compare-and-set keeps two
  chains apart, and the next step repairs whatever an overlap left.
* the token refresh (``accounts.google``: TTL and wait 30 s): warn. The body stored a fresh
  token; an overlapping refresh stored another valid one. At worst Google saw one refresh more.
* the tracker (``tracker.grouping.user_lock``: TTL 30 s renewed, wait up to 300 s): raise,
  as ``TrackerBusy``. Two placements may have interleaved: the page asks the person to try again
  (corrections set values, so repeating one is harmless), an analysis batch fails as when the
  tracker stays busy, and ``rebuild_applications`` regroups from the stored analyses.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Literal, cast

from django.conf import settings
from django_redis import get_redis_connection
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import LockError, LockNotOwnedError, RedisError
from redis.lock import Lock
from redis.retry import Retry

logger = logging.getLogger(__name__)

OnLost = Literal["raise", "warn"]


def connection() -> Redis:
    """Return the shared, pooled client of the ``default`` cache (``REDIS_URL``)."""
    return cast(Redis, get_redis_connection("default"))


def client(
    url: str,
    *,
    timeout: float,
    connect_timeout: float | None = None,
    health_check_interval: int = 0,
    retry: bool = True,
) -> Redis:
    """Return a client with a connection pool of its own (pub/sub, probes, other URLs).

    ``retry=False`` makes one attempt per call: for callers that must not hang on a Redis
    that is down.
    """
    options: dict[str, object] = {}
    if not retry:
        options["retry"] = Retry(NoBackoff(), 0)
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout if connect_timeout is None else connect_timeout,
        health_check_interval=health_check_interval,
        **options,
    )


def lock_key(kind: str, user_id: object) -> str:
    """Return the Redis key of a user's lock of ``kind``."""
    return f"{settings.CACHE_KEY_PREFIX}:lock-{kind}:{user_id}"


class Busy(Exception):
    """The lock stayed held by someone else for longer than the caller would wait."""

    def __init__(self, kind: str, user_id: object) -> None:
        super().__init__(f"the {kind} lock of user {user_id} is held elsewhere")
        self.kind = kind
        self.user_id = user_id


class LockLost(Exception):
    """The lock expired (or was taken over) while its body ran; others may have overlapped."""


class UserLock:
    """A per-user lock: ``acquire(wait)``, then ``with lock:`` for the body (renewal, release)."""

    def __init__(
        self,
        kind: str,
        user_id: object,
        *,
        ttl: float,
        renew: bool = False,
        on_renew: Callable[[], object] | None = None,
        on_lost: OnLost = "raise",
    ) -> None:
        self.kind = kind
        self.user_id = user_id
        self.ttl = ttl
        self.lost = False
        self._renew = renew
        self._on_renew = on_renew
        self._on_lost = on_lost
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Not thread-local: the renewal thread extends it with the token the body's thread got.
        self._lock = Lock(connection(), lock_key(kind, user_id), timeout=ttl, thread_local=False)

    def acquire(self, wait: float = 0.0) -> bool:
        """Return whether the lock was taken within ``wait`` seconds (0: one try)."""
        return bool(self._lock.acquire(blocking=wait > 0, blocking_timeout=wait))

    def locked(self) -> bool:
        """Return whether anyone holds this user's lock of this kind."""
        return bool(self._lock.locked())

    def renew(self) -> bool:
        """Reset the TTL; return False (and note the loss) if the lock is no longer ours.

        Raises ``RedisError`` when Redis cannot be reached: the lock may still be ours.
        """
        try:
            self._lock.reacquire()
        except LockNotOwnedError:
            self._note_lost()
            return False
        return True

    def __enter__(self) -> UserLock:
        if self._renew:
            self._thread = threading.Thread(
                target=self._renew_loop, name=f"lock-{self.kind}-renewal", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._release()
        if not self.lost:
            return
        if exc is not None:
            exc.add_note(f"The {self.kind} lock of user {self.user_id} was lost meanwhile.")
        elif self._on_lost == "raise":
            raise LockLost(f"the {self.kind} lock of user {self.user_id} was lost")

    def _renew_loop(self) -> None:
        period = max(0.1, self.ttl / 4)
        while not self._stop.wait(period):
            try:
                if self.renew() and self._on_renew is not None:
                    self._on_renew()
            except RedisError as exc:
                logger.warning(
                    "renewal of the %s lock of user %s failed: %s", self.kind, self.user_id, exc
                )

    def _release(self) -> None:
        try:
            self._lock.release()
        except LockNotOwnedError:
            self._note_lost()
        except LockError:
            self._note_lost()  # never acquired, or its token is gone: not ours to release
        except RedisError as exc:
            logger.warning(
                "%s lock of user %s not released (%s); it expires within %s s",
                self.kind,
                self.user_id,
                type(exc).__name__,
                self.ttl,
            )

    def _note_lost(self) -> None:
        if not self.lost:
            self.lost = True
            logger.warning(
                "%s lock of user %s expired or was taken over while held",
                self.kind,
                self.user_id,
            )


@contextmanager
def user_lock(
    kind: str,
    user_id: object,
    *,
    ttl: float,
    wait: float = 0.0,
    renew: bool = False,
    on_lost: OnLost = "raise",
) -> Iterator[UserLock]:
    """Hold the user's lock of ``kind`` for the block; raise ``Busy`` after ``wait`` seconds.

    See the module docstring for ``LockLost`` and ``on_lost``.
    """
    lock = UserLock(kind, user_id, ttl=ttl, renew=renew, on_lost=on_lost)
    if not lock.acquire(wait):
        raise Busy(kind, user_id)
    with lock:
        yield lock
