"""A per-user mailbox version in Redis, bumped by every sync write.

Search caches results under the current version, so no cached page survives a change.
"""

from __future__ import annotations

from django.conf import settings

from mailbox_project.ids import UserId
from mailbox_project.redis import connection


def _key(user_id: UserId) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:mailbox-version:{user_id}"


def current(user_id: UserId) -> int:
    """Return the user's mailbox version (0 before the first write)."""
    value = connection().get(_key(user_id))
    return int(value) if value else 0


def bump(user_id: UserId) -> int:
    """Mark the user's mailbox as changed; return the new version."""
    return int(connection().incr(_key(user_id)))
