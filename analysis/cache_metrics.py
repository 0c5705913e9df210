"""Counters of the analysis cache: hits, misses and evictions per tier, in one Redis hash.

Counting must not cost an L1 hit a network round trip, so each process adds to a local tally
and a timer thread sends it with one pipelined HINCRBY batch at most once a second. The
admin's figures therefore lag by up to a second, summed over every process.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from redis import Redis
from redis.exceptions import RedisError

from mailbox_project.redis import connection

logger = logging.getLogger(__name__)

TIERS = ("l1", "l2", "l3")
FIELDS = ("hits", "misses", "evictions")
FLUSH_INTERVAL = 1.0
# An admin page must stay fast on a big Redis: stop counting keys after this many.
USAGE_SCAN_LIMIT = 200_000


def key() -> str:
    """Return the Redis hash holding the counters (under the analysis cache's prefix)."""
    return f"{settings.CACHE_KEY_PREFIX}:analysis:metrics"


class _Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: Counter[str] = Counter()
        self.timer: threading.Timer | None = None


_tally = _Tally()


def _after_fork() -> None:
    # A forked worker inherits the parent's tally but not its timer thread.
    global _tally
    _tally = _Tally()


os.register_at_fork(after_in_child=_after_fork)


def _redis() -> Redis:
    return connection()


def add(counts: Mapping[str, int]) -> None:
    """Add counts such as ``{"l1_hits": 3}``; they reach Redis within ``FLUSH_INTERVAL``."""
    with _tally.lock:
        _tally.pending.update({name: n for name, n in counts.items() if n})
        if _tally.timer is None and _tally.pending:
            _tally.timer = threading.Timer(FLUSH_INTERVAL, _timed_flush)
            _tally.timer.daemon = True
            _tally.timer.start()


def _timed_flush() -> None:
    with _tally.lock:
        _tally.timer = None
    try:
        flush()
    except RedisError:
        logger.warning("could not send analysis cache counters to Redis", exc_info=True)


def flush() -> None:
    """Send this process's pending counts to Redis now (one round trip)."""
    with _tally.lock:
        pending, _tally.pending = _tally.pending, Counter()
    if not pending:
        return
    pipe = _redis().pipeline(transaction=False)
    for name, count in pending.items():
        pipe.hincrby(key(), name, count)
    try:
        pipe.execute()
    except RedisError:
        with _tally.lock:
            _tally.pending.update(pending)  # kept for the next try
        raise


def reset() -> None:
    """Zero every counter: this process's pending tally and the shared hash."""
    with _tally.lock:
        _tally.pending.clear()
    _redis().delete(key())


def totals() -> dict[str, dict[str, float]]:
    """Return ``{tier: {hits, misses, evictions, hit_ratio}}`` summed over all processes."""
    flush()
    raw = {_text(k): int(v) for k, v in _redis().hgetall(key()).items()}
    tiers: dict[str, dict[str, float]] = {}
    for tier in TIERS:
        row: dict[str, float] = {f: float(raw.get(f"{tier}_{f}", 0)) for f in FIELDS}
        lookups = row["hits"] + row["misses"]
        row["hit_ratio"] = row["hits"] / lookups if lookups else 0.0
        tiers[tier] = row
    return tiers


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def redis_usage(redis: Redis, pattern: str) -> dict[str, Any]:
    """Return the keys matching ``pattern``, their memory, and Redis's instance-wide counters.

    ``evicted_keys`` and ``expired_keys`` are Redis's own totals for the whole instance since
    it started: Redis does not say which prefix a key it evicted belonged to.
    """
    keys = 0
    memory = 0
    complete = True
    batch: list[bytes] = []
    for name in redis.scan_iter(match=pattern, count=1000):
        batch.append(name)
        keys += 1
        if len(batch) == 500:
            memory += _memory(redis, batch)
            batch = []
        if keys >= USAGE_SCAN_LIMIT:
            complete = False
            break
    memory += _memory(redis, batch)
    info = redis.info("stats")
    return {
        "keys": keys,
        "memory_bytes": memory,
        "complete": complete,
        "pattern": pattern,
        "instance_evicted_keys": int(info.get("evicted_keys", 0)),
        "instance_expired_keys": int(info.get("expired_keys", 0)),
        "maxmemory_policy": _policy(redis),
    }


def _memory(redis: Redis, names: list[bytes]) -> int:
    if not names:
        return 0
    pipe = redis.pipeline(transaction=False)
    for name in names:
        pipe.memory_usage(name)
    return sum(int(size or 0) for size in pipe.execute())


def _policy(redis: Redis) -> str:
    try:
        return str(redis.config_get("maxmemory-policy").get("maxmemory-policy", "unknown"))
    except RedisError:
        return "unknown"  # CONFIG may be disabled (managed Redis)
