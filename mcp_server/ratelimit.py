"""Requests per access token at /mcp: a fixed Redis window (``RATE_LIMIT_MCP``, N/S).

Counted per grant (session id), so one runaway assistant cannot starve the person's other
connections. As with the app's other limits, a Redis outage lets requests through (logged).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from redis.exceptions import RedisError

from mailbox_project.redis import connection

logger = logging.getLogger(__name__)


def hit(session_id: str, *, now: float | None = None) -> int:
    """Count one request of the grant; return 0, or the seconds until its window ends."""
    rate: tuple[int, int] | None = settings.RATE_LIMIT_MCP
    if rate is None:
        return 0
    limit, seconds = rate
    now = time.time() if now is None else now
    window = int(now // seconds)
    key = f"{settings.CACHE_KEY_PREFIX}:mcp-rate:{session_id}:{window}"
    try:
        pipe = connection().pipeline()
        pipe.incr(key)
        pipe.expire(key, seconds + 1)
        count = int(pipe.execute()[0])
    except (RedisError, OSError) as exc:
        logger.warning("MCP rate limit not applied: Redis is unavailable (%s)", type(exc).__name__)
        return 0
    if count <= limit:
        return 0
    return max(1, int((window + 1) * seconds - now + 0.999))
