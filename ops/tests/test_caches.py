"""After a restore no cached copy of the old database survives in Redis."""

from __future__ import annotations

import time

from redis.exceptions import ConnectionError as RedisConnectionError

from mailbox_project.redis import client, connection
from ops.caches import clear_caches


def test_search_pages_analysis_entries_go_and_counters_stay(settings) -> None:
    prefix = settings.CACHE_KEY_PREFIX
    redis = connection()
    redis.set(f"{prefix}:search:u1:digest", '{"v": 4, "ids": [], "next": null}')
    redis.set(f"{prefix}:analysis:r:u1:rules-1:m1", "{}")
    redis.set(f"{prefix}:analysis:gen:u1", "token")
    redis.sadd(f"{prefix}:analysis:versions", "rules-1")
    redis.set(f"{prefix}:gmail-quota:u1", "5")
    redis.hset(f"{prefix}:analysis:metrics", "l1_hits", 3)

    cleared = clear_caches()

    assert not redis.exists(f"{prefix}:search:u1:digest")
    assert cleared.search_pages == 1
    assert cleared.analysis_keys == 3
    assert not redis.exists(f"{prefix}:analysis:r:u1:rules-1:m1", f"{prefix}:analysis:gen:u1")
    assert not redis.exists(f"{prefix}:analysis:versions")
    assert redis.get(f"{prefix}:gmail-quota:u1") == b"5"
    assert redis.hget(f"{prefix}:analysis:metrics", "l1_hits") == b"3"


def test_token_cache_subscribers_are_made_to_resubscribe(settings) -> None:
    # A token cache clears itself whenever its subscription (re)starts; a restore forces that
    # by disconnecting the subscribers of our Redis database.
    pubsub = client(settings.REDIS_URL, timeout=5).pubsub()
    pubsub.subscribe(f"{settings.CACHE_KEY_PREFIX}:token-store:invalidations")
    first = pubsub.get_message(timeout=2)
    assert first is not None
    assert first["type"] == "subscribe"

    assert clear_caches().token_subscribers >= 1

    deadline = time.monotonic() + 10
    again = None
    while again is None and time.monotonic() < deadline:
        try:
            again = pubsub.get_message(timeout=1)
        except RedisConnectionError:
            continue
    pubsub.close()
    assert again is not None
    assert again["type"] == "subscribe"
