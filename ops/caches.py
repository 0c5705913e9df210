"""Forget every Redis-held copy of database content, after a restore replaced the database.

What is cleared (``P`` = ``CACHE_KEY_PREFIX``; docs/architecture.md, "Redis keys"):

* search first pages, ``P:search:*`` (``mails.search.page_cache``);
* analysis L2 entries, generation tokens and classifier versions, ``P:analysis:{r,gen}:*`` and
  ``P:analysis:versions``: a missing generation token makes every process's L1 a miss within
  2 s (``analysis.cache`` re-reads it that often and picks a fresh one);
* the token cache: this process's stores are reset, and every other process's subscriber to
  the invalidation channel on our Redis database is disconnected; a token cache clears itself
  entirely whenever it (re)subscribes (``accounts.tokens.invalidation``). Without Redis the
  caches' own TTL (30 s) bounds what survives.

Counters (quota, metrics) and locks are left alone: they describe processes, not data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from redis import Redis
from redis.exceptions import RedisError

from accounts.tokens.factory import reset_token_stores
from analysis.cache import clear_local as clear_analysis_l1
from mailbox_project.redis import connection
from mails.search import page_cache

SCAN_COUNT = 1000


@dataclass(frozen=True)
class ClearedCaches:
    search_pages: int
    analysis_keys: int
    token_subscribers: int
    error: str = ""


def clear_caches() -> ClearedCaches:
    """Delete the cached copies of database content; return what was cleared."""
    reset_token_stores()
    clear_analysis_l1()
    try:
        redis = connection()
        pages = _delete_matching(redis, page_cache.key_pattern())
        prefix = f"{settings.CACHE_KEY_PREFIX}:analysis"
        analysis = _delete_matching(redis, f"{prefix}:r:*") + _delete_matching(
            redis, f"{prefix}:gen:*"
        )
        analysis += int(redis.delete(f"{prefix}:versions"))
        subscribers = _disconnect_token_subscribers(redis)
    except RedisError as exc:
        return ClearedCaches(0, 0, 0, error=f"Redis unreachable ({type(exc).__name__})")
    return ClearedCaches(pages, analysis, subscribers)


def _delete_matching(redis: Redis, pattern: str) -> int:
    deleted = 0
    batch: list[bytes] = []
    for key in redis.scan_iter(match=pattern, count=SCAN_COUNT):
        batch.append(key)
        if len(batch) >= SCAN_COUNT:
            deleted += int(redis.delete(*batch))
            batch.clear()
    if batch:
        deleted += int(redis.delete(*batch))
    return deleted


def _disconnect_token_subscribers(redis: Redis) -> int:
    """Disconnect pub/sub clients of our Redis database; they resubscribe and clear."""
    database = int(redis.connection_pool.connection_kwargs.get("db", 0))
    killed = 0
    for client in redis.client_list(_type="pubsub"):
        if int(client.get("db", -1)) == database:
            killed += int(redis.client_kill_filter(_id=client["id"]))
    return killed
