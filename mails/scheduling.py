"""Who syncs when: one self-rescheduling chain per user, guarded by Redis.

- A *chain* is a sequence of ``sync_mailbox`` tasks carrying one chain id. Redis holds the
  user's live chain id (``SET NX`` with a TTL refreshed by every step), so two sign-ins or two
  workers never start two chains; a task whose id is not the live one is a stray duplicate
  (a redelivery, an old chain) and exits.
- A *lock* (Redis, with expiry) makes sure one step runs per user at a time. It is released
  before the chain reschedules itself.
- A *wake-up* (push notification, "Sync now") marks the mailbox dirty: a running chain sees the
  mark and runs again at once; an idle chain is woken by a one-off step.
- The beat dispatcher restarts chains for active users whose chain died (a worker crash).
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.conf import settings
from django_redis import get_redis_connection
from redis import Redis
from redis.lock import Lock

# Delete a key only if it still holds our value (a chain must not end its successor).
_COMPARE_AND_DELETE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _redis() -> Redis:
    return cast(Redis, get_redis_connection("default"))


def _key(kind: str, user_id: Any) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:sync-{kind}:{user_id}"


def chain_ttl() -> int:
    """Seconds a chain stays live without a step: the interval plus one task's longest run."""
    return int(settings.SYNC_INTERVAL + settings.CELERY_TASK_TIME_LIMIT + settings.SYNC_CHAIN_GRACE)


def claim_chain(user_id: Any) -> str | None:
    """Return a new chain id if no chain is live for the user, else None."""
    chain_id = uuid.uuid4().hex
    claimed = _redis().set(_key("chain", user_id), chain_id, nx=True, ex=chain_ttl())
    return chain_id if claimed else None


def live_chain(user_id: Any) -> str | None:
    value = _redis().get(_key("chain", user_id))
    return value.decode() if isinstance(value, bytes) else value


def keep_chain_alive(user_id: Any, chain_id: str) -> bool:
    """Refresh the chain's TTL; return False when ``chain_id`` is not the user's live chain."""
    if live_chain(user_id) != chain_id:
        return False
    _redis().expire(_key("chain", user_id), chain_ttl())
    return True


def end_chain(user_id: Any, chain_id: str) -> None:
    _redis().eval(_COMPARE_AND_DELETE, 1, _key("chain", user_id), chain_id)


def step_lock(user_id: Any) -> Lock:
    """Return the per-user lock one sync step holds; it expires with the task's time limit."""
    return cast(
        Lock,
        _redis().lock(
            _key("lock", user_id),
            timeout=settings.CELERY_TASK_TIME_LIMIT + settings.SYNC_CHAIN_GRACE,
            blocking=False,
        ),
    )


def mark_dirty(user_id: Any) -> None:
    """Note that the mailbox changed since the running step began (a push arrived)."""
    _redis().set(_key("dirty", user_id), 1, ex=chain_ttl())


def take_dirty(user_id: Any) -> bool:
    """Return whether a wake-up arrived, clearing the mark."""
    return bool(_redis().getdel(_key("dirty", user_id)))


def claim_pending(user_id: Any) -> bool:
    """Return True if no wake-up task is queued for the user yet (and now one is).

    Push storms collapse into one queued task; the mark is released when that task starts, so a
    change arriving while it runs queues the next one and nothing waits for the next interval.
    """
    return bool(_redis().set(_key("pending", user_id), 1, nx=True, ex=chain_ttl()))


def release_pending(user_id: Any) -> None:
    _redis().delete(_key("pending", user_id))
