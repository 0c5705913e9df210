"""A per-user token bucket in Gmail quota units, kept in Redis so every worker shares it.

Gmail limits each user to 250 quota units per second (100 for projects created after
2026-05-01); messages.get costs 5, so a batch of 50 gets spends a whole second's budget.
Callers *reserve* units: the bucket may go negative, and the caller sleeps until its reservation
is covered. Reservations queue fairly across workers and the average rate never exceeds the
configured one. https://developers.google.com/workspace/gmail/api/reference/quota
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django_redis import get_redis_connection

# Per-method costs in Gmail quota units.
COSTS = {
    "messages.list": 5,
    "messages.get": 5,
    "history.list": 2,
    "getProfile": 1,
    "labels.list": 1,
    "watch": 100,
    "stop": 50,
    "attachments.get": 5,
}

# KEYS[1] bucket; ARGV rate (units/s), capacity, cost. Returns seconds to wait (as a string).
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - ts) * rate) - cost
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('EXPIRE', KEYS[1], 120)
if tokens >= 0 then return '0' end
return tostring(-tokens / rate)
"""


class QuotaBucket:
    """The shared bucket of one user."""

    def __init__(self, user_id: Any, units_per_second: float | None = None) -> None:
        configured = units_per_second or settings.GMAIL_QUOTA_UNITS_PER_SECOND
        # Aim a little under Google's limit: requests bunch up on the way, and a 429 costs a
        # retry that is worth more than the few percent of throughput given up here.
        self.rate = float(configured) * settings.GMAIL_QUOTA_HEADROOM
        self.capacity = float(configured)
        self.key = f"{settings.CACHE_KEY_PREFIX}:gmail-quota:{user_id}"
        self._redis = get_redis_connection("default")
        self._script = self._redis.register_script(_RESERVE)

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def max_batch(self, cost_each: int) -> int:
        """Return how many calls of ``cost_each`` one burst may hold (at most Gmail's 50)."""
        if not self.enabled:
            return 50
        return max(1, min(50, int(self.capacity // cost_each)))

    def reserve(self, units: float) -> float:
        """Reserve ``units`` and return how long the caller must wait before spending them."""
        if not self.enabled:
            return 0.0
        return float(self._script(keys=[self.key], args=[self.rate, self.capacity, units]))

    def spend(self, units: float) -> None:
        """Reserve ``units`` and sleep until they are available."""
        wait = self.reserve(units)
        if wait > 0:
            time.sleep(wait)
