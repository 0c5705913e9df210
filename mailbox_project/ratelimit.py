"""Per-user request limits: searches, the JSON API and "sync now", counted in Redis.

Each scope has a budget of N requests per S seconds per user (``RATE_LIMIT_SEARCH``,
``RATE_LIMIT_API``, ``RATE_LIMIT_SYNC_NOW``). The counting is django-ratelimit's ``get_usage``
over the django-redis cache: a fixed window per (scope, user), staggered per key so windows do
not all end at once, counted with SET NX then an atomic INCR, and it reports the seconds left
in the window, which become ``Retry-After``.

A limiter must never be why a request fails: when Redis cannot be reached the request goes
through (fail open) with a logged warning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class Scope(StrEnum):
    SEARCH = "search"
    API = "api"
    SYNC_NOW = "sync_now"

    @property
    def rate(self) -> tuple[int, int] | None:
        """Return (requests, seconds) from ``RATE_LIMIT_<SCOPE>``; None when it is off."""
        rate: tuple[int, int] | None = getattr(settings, f"RATE_LIMIT_{self.name}")
        return rate


@dataclass(frozen=True)
class Verdict:
    limited: bool
    # Seconds until the window ends (when limited): the Retry-After header's value.
    retry_after: int = 0


ALLOWED = Verdict(limited=False)


def hit(request: HttpRequest, scope: Scope) -> Verdict:
    """Count one request of the signed-in user in ``scope``; return whether it is over the limit."""
    rate = scope.rate
    if rate is None:
        return ALLOWED
    try:
        usage = get_usage(request, group=f"mailbox.{scope}", key="user", rate=rate, increment=True)
    except (ConnectionInterrupted, RedisError, OSError) as exc:
        logger.warning("Rate limit %s not applied: Redis is unavailable (%s)", scope, exc)
        return ALLOWED
    if usage is None or not usage["should_limit"]:
        return ALLOWED
    # django-ratelimit's window still holds at the second it names as its end (time_left 0):
    # the first second that counts afresh is one later.
    return Verdict(limited=True, retry_after=max(1, int(usage["time_left"]) + 1))
