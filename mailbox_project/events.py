"""Recent events (task failures, Gmail 429s) in Redis, for "in the last hour" figures.

One sorted set per kind, scored by time; each write trims what is older than ``WINDOW`` and
caps the set at ``CAP`` members, so a storm of failures costs bounded memory. Events are rare
by nature (failures, refusals), so one Redis round trip each is affordable; Redis down → the
event is only counted in Prometheus.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import Counter

from django.conf import settings
from redis.exceptions import RedisError

from mailbox_project.redis import connection

logger = logging.getLogger(__name__)

WINDOW = 3600
CAP = 10_000


def key(kind: str) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:ops:events:{kind}"


def note(kind: str, label: str = "") -> None:
    """Record one event of ``kind`` now, with an optional label (a task name)."""
    now = time.time()
    member = f"{label}|{secrets.token_hex(4)}"
    try:
        pipe = connection().pipeline(transaction=False)
        pipe.zadd(key(kind), {member: now})
        pipe.zremrangebyscore(key(kind), 0, now - WINDOW)
        pipe.zremrangebyrank(key(kind), 0, -CAP - 1)
        pipe.expire(key(kind), WINDOW)
        pipe.execute()
    except RedisError:
        logger.debug("event %s not recorded: Redis unreachable", kind)


def recent(kind: str, seconds: float = WINDOW) -> Counter[str]:
    """Return the events of ``kind`` within ``seconds``, counted by label."""
    members = connection().zrangebyscore(key(kind), time.time() - seconds, "+inf")
    counts: Counter[str] = Counter()
    for member in members:
        text = member.decode() if isinstance(member, bytes) else str(member)
        counts[text.rsplit("|", 1)[0]] += 1
    return counts
