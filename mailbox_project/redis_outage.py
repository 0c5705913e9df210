"""Working through a Redis outage: Redis is a cache and the broker here, never the record.

With Redis down, the Django cache (django-redis with ``DJANGO_REDIS_IGNORE_EXCEPTIONS``) reads
as a miss and drops writes; code on the raw client catches ``ERRORS`` where a request can go on
without Redis (search uncached, "sync now" refused with a message) and lets it raise where being
right needs Redis (locks, the broker in a worker).
"""

from __future__ import annotations

import logging
import math
import threading
import time

from django_redis.exceptions import ConnectionInterrupted
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

# What a call to Redis raises when Redis cannot be reached or answer: redis-py's errors,
# django-redis's wrapper of them, kombu's (a publish to the broker), and the socket's own.
ERRORS: tuple[type[Exception], ...] = (RedisError, ConnectionInterrupted, OperationalError, OSError)


class IgnoredCacheErrors(logging.Filter):
    """Log django-redis's ignored cache errors as one warning line every ``interval`` seconds.

    django-redis logs each ignored error with ``logger.exception``: an ERROR with a traceback
    for every cache call of every request while Redis is down, which would bury everything else.
    """

    interval = 10.0

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self._lock = threading.Lock()
        self._last = -math.inf

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            now = time.monotonic()
            if now - self._last < self.interval:
                return False
            self._last = now
        error = record.exc_info[1] if record.exc_info else None
        cause = error.__cause__ if error is not None and error.__cause__ else error
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = "Redis cache unavailable, bypassed (%s); repeats muted for %ds"
        record.args = (type(cause).__name__, self.interval)
        record.exc_info, record.exc_text = None, None
        return True
