"""A per-user mailbox version in Redis, bumped by every sync write.

Search caches results under the current version, so no cached page survives a change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_redis import get_redis_connection


def _key(user_id: Any) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:mailbox-version:{user_id}"


def current(user_id: Any) -> int:
    """Return the user's mailbox version (0 before the first write)."""
    value = get_redis_connection("default").get(_key(user_id))
    return int(value) if value else 0


def bump(user_id: Any) -> int:
    """Mark the user's mailbox as changed; return the new version."""
    return int(get_redis_connection("default").incr(_key(user_id)))
