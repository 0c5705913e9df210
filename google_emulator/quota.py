"""Per-account quota, concurrency limit, injected faults and call counters.

Gmail meters each user in quota units per second (``METHOD_COSTS`` are Gmail's
published per-method costs).  The emulator uses a token bucket per account refilled at
``units_per_second`` with a burst capacity of one second's worth.  A call that does not
fit is answered 429 ``rateLimitExceeded`` (or 403 ``userRateLimitExceeded``) with a
``Retry-After`` header: whole seconds until the bucket holds the call's cost again,
at least 1.  (Google itself often omits Retry-After; clients must also back off
without it.)
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

METHOD_COSTS: dict[str, int] = {
    "users.getProfile": 1,
    "users.watch": 100,
    "users.stop": 50,
    "users.labels.list": 1,
    "users.labels.get": 1,
    "users.messages.list": 5,
    "users.messages.get": 5,
    "users.messages.attachments.get": 5,
    "users.messages.modify": 5,
    "users.messages.trash": 5,
    "users.messages.untrash": 5,
    "users.messages.delete": 10,
    "users.messages.batchModify": 50,
    "users.history.list": 2,
    "users.threads.get": 10,
}


@dataclass(slots=True)
class Limits:
    """The run-time adjustable limits and faults of one account."""

    units_per_second: float | None = 250.0
    concurrent_limit: int | None = None
    exceeded_status: int = 429
    fault_rate: float = 0.0
    fault_statuses: tuple[int, ...] = (500, 503)
    latency_ms: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return the limits as JSON-friendly data."""
        return {
            "unitsPerSecond": self.units_per_second,
            "concurrentLimit": self.concurrent_limit,
            "exceededStatus": self.exceeded_status,
            "faultRate": self.fault_rate,
            "faultStatuses": list(self.fault_statuses),
            "latencyMs": self.latency_ms,
        }


@dataclass(slots=True)
class Stats:
    """Counters for tests and benchmarks."""

    calls: Counter[str] = field(default_factory=Counter)
    units: int = 0
    rate_limited: int = 0
    faults_injected: int = 0
    statuses: Counter[int] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        """Return the counters as JSON-friendly data."""
        return {
            "calls": dict(self.calls),
            "quota_units": self.units,
            "rate_limited": self.rate_limited,
            "faults_injected": self.faults_injected,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


class AccountGate:
    """Decides, per call, whether an account's request is throttled or fails."""

    def __init__(self, limits: Limits, seed: str) -> None:
        self._lock = threading.Lock()
        self.stats = Stats()
        self._rng = random.Random(seed)
        self._in_flight = 0
        self.configure(limits)

    def configure(self, limits: Limits) -> None:
        """Apply new limits; the bucket starts full."""
        with self._lock:
            self.limits = limits
            rate = limits.units_per_second
            self._rate = float(rate) if rate else 0.0
            self._tokens = self._rate
            self._stamp = time.monotonic()

    def charge(self, method: str) -> int | None:
        """Count a call; return None if allowed, else the Retry-After seconds."""
        cost = METHOD_COSTS.get(method, 1)
        with self._lock:
            self.stats.calls[method] += 1
            if not self._rate:
                self.stats.units += cost
                return None
            now = time.monotonic()
            self._tokens = min(self._rate, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            needed = min(cost, self._rate)
            if self._tokens >= needed:
                self._tokens -= cost
                self.stats.units += cost
                return None
            self.stats.rate_limited += 1
            return max(1, math.ceil((needed - self._tokens) / self._rate))

    def acquire(self, slots: int = 1) -> int:
        """Take up to ``slots`` concurrency slots; return how many were granted."""
        with self._lock:
            limit = self.limits.concurrent_limit
            granted = slots if not limit else max(0, min(slots, limit - self._in_flight))
            self._in_flight += granted
            if granted < slots:
                self.stats.rate_limited += slots - granted
            return granted

    def release(self, slots: int = 1) -> None:
        """Give concurrency slots back."""
        with self._lock:
            self._in_flight -= slots

    def fault(self) -> int | None:
        """Return an injected 5xx status for this call, or None."""
        with self._lock:
            rate = self.limits.fault_rate
            if rate <= 0 or self._rng.random() >= rate:
                return None
            self.stats.faults_injected += 1
            return self._rng.choice(self.limits.fault_statuses or (500,))

    def record_status(self, status: int) -> None:
        """Count a response status."""
        with self._lock:
            self.stats.statuses[status] += 1
