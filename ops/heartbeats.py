"""Celery workers say they are alive: each writes its name and the time into one Redis hash.

A thread started when a worker is ready writes every ``EVERY`` seconds; the System page calls a
worker alive when its beat is younger than ``STALE``. Cheaper than a broadcast ping (which
waits for every worker's answer), and it survives a page view when workers are busy.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.conf import settings
from redis.exceptions import RedisError

from mailbox_project.redis import connection

logger = logging.getLogger(__name__)

EVERY = 15.0
STALE = 60.0
_stop = threading.Event()


def key() -> str:
    return f"{settings.CACHE_KEY_PREFIX}:ops:workers"


def beat(name: str) -> None:
    connection().hset(key(), name, str(time.time()))


def start(name: str) -> None:
    """Beat for worker ``name`` from a daemon thread until ``stop``."""
    _stop.clear()

    def run() -> None:
        while True:
            try:
                beat(name)
            except RedisError:
                logger.debug("worker heartbeat not written: Redis unreachable")
            if _stop.wait(EVERY):
                return

    threading.Thread(target=run, name="ops-heartbeat", daemon=True).start()


def stop(name: str) -> None:
    _stop.set()
    with contextlib.suppress(RedisError):  # else it goes stale within STALE seconds
        connection().hdel(key(), name)


def last_beats() -> dict[str, float]:
    """Return every worker's last beat (seconds since the epoch), stale ones included."""
    raw = connection().hgetall(key())
    return {(k.decode() if isinstance(k, bytes) else str(k)): float(v) for k, v in raw.items()}
