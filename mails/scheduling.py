"""Who syncs when: one self-rescheduling chain per user, guarded by Redis.

- A *chain* is a sequence of ``sync_mailbox`` tasks carrying one chain id. Redis holds the
  user's live chain id (``SET NX``), so two sign-ins or two workers never start two chains; a
  task whose id is not the live one is a stray duplicate (a redelivery, an old chain) and exits.
- The chain id's TTL is a *heartbeat*, not a lease covering the longest possible step: a
  running step refreshes it every few seconds from a background thread (``heartbeat``), and a
  step waiting in the queue or on a countdown is covered until it is due plus
  ``SYNC_CHAIN_GRACE``. A killed worker's chain therefore expires within
  ``SYNC_HEARTBEAT_TTL`` seconds, and the next dispatcher run starts a new one; should the old
  chain still be alive after all, its next refresh fails and it exits (compare-and-set).
- A *lock* (``mailbox_project.redis.UserLock``, renewed by the same heartbeat) makes sure one step
  runs per user at a time. It is released before the chain reschedules itself.
- A *wake-up* (push notification, "Sync now") marks the mailbox dirty: a running chain sees the
  mark and runs again at once; an idle chain is woken by a one-off step.
- The beat dispatcher restarts chains for active users whose chain died (a worker crash).
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from redis import Redis

from mailbox_project.ids import UserId
from mailbox_project.redis import UserLock, connection

logger = logging.getLogger(__name__)

# Delete a key only if it still holds our value (a chain must not end its successor).
_COMPARE_AND_DELETE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# Refresh a key's TTL only if it still holds our value; 1 if it did.
_COMPARE_AND_EXPIRE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


def _redis() -> Redis:
    return connection()


def _key(kind: str, user_id: UserId) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:sync-{kind}:{user_id}"


def chain_ttl() -> int:
    """Seconds a wake-up mark lasts: the interval plus one task's longest run."""
    return int(settings.SYNC_INTERVAL + settings.CELERY_TASK_TIME_LIMIT + settings.SYNC_CHAIN_GRACE)


def due_ttl(countdown: float = 0) -> int:
    """Seconds a chain stays live while its next step waits: until due, plus queueing slack."""
    return int(countdown + settings.SYNC_CHAIN_GRACE)


def claim_chain(user_id: UserId) -> str | None:
    """Return a new chain id if no chain is live for the user, else None.

    The caller queues the chain's first step at once, so the claim lasts as a queued step does.
    """
    chain_id = uuid.uuid4().hex
    claimed = _redis().set(_key("chain", user_id), chain_id, nx=True, ex=due_ttl())
    return chain_id if claimed else None


def live_chain(user_id: UserId) -> str | None:
    value = _redis().get(_key("chain", user_id))
    return value.decode() if isinstance(value, bytes) else value


def keep_chain_alive(user_id: UserId, chain_id: str, ttl: int | None = None) -> bool:
    """Keep the chain live ``ttl`` more seconds (a heartbeat's by default).

    Return False, changing nothing, when ``chain_id`` is not the user's live chain.
    """
    seconds = settings.SYNC_HEARTBEAT_TTL if ttl is None else ttl
    key = _key("chain", user_id)
    return bool(_redis().eval(_COMPARE_AND_EXPIRE, 1, key, chain_id, max(1, int(seconds))))


def end_chain(user_id: UserId, chain_id: str) -> None:
    _redis().eval(_COMPARE_AND_DELETE, 1, _key("chain", user_id), chain_id)


def step_lock(user_id: UserId, chain_id: str | None = None) -> UserLock:
    """Return the per-user lock of one sync step: ``acquire()`` (no waiting), then ``with``.

    While the body runs, a heartbeat (a background thread) renews the lock and keeps the chain
    ``chain_id`` live; a killed worker stops beating, so both expire within
    ``SYNC_HEARTBEAT_TTL`` seconds. A lost lock is only warned about: the step's writes are
    idempotent and the next step repairs an overlap (see ``mailbox_project.redis``).
    """

    def beat() -> None:
        if chain_id is not None and not keep_chain_alive(user_id, chain_id):
            # Replaced by a new chain; the lock still keeps the two apart, and this chain
            # exits instead of rescheduling.
            logger.warning("sync chain %s of user %s was replaced", chain_id, user_id)

    return UserLock(
        "sync",
        user_id,
        ttl=settings.SYNC_HEARTBEAT_TTL,
        renew=True,
        on_renew=beat,
        on_lost="warn",
    )


def mark_dirty(user_id: UserId) -> None:
    """Note that the mailbox changed since the running step began (a push arrived)."""
    _redis().set(_key("dirty", user_id), 1, ex=chain_ttl())


def take_dirty(user_id: UserId) -> bool:
    """Return whether a wake-up arrived, clearing the mark."""
    return bool(_redis().getdel(_key("dirty", user_id)))


def claim_pending(user_id: UserId) -> bool:
    """Return True if no wake-up task is queued for the user yet (and now one is).

    Push storms collapse into one queued task; the mark is released when that task starts, so a
    change arriving while it runs queues the next one and nothing waits for the next interval.
    """
    return bool(_redis().set(_key("pending", user_id), 1, nx=True, ex=chain_ttl()))


def release_pending(user_id: UserId) -> None:
    _redis().delete(_key("pending", user_id))
