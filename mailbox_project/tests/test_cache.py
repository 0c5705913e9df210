"""The default cache is Redis, with the configured prefix and working expiry."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django_redis import get_redis_connection

from mailbox_project.testing import wait_until


def test_values_round_trip_through_redis_with_the_key_prefix() -> None:
    cache.set("greeting", {"text": "héllo", "n": 3}, timeout=30)
    assert cache.get("greeting") == {"text": "héllo", "n": 3}
    raw_keys = get_redis_connection("default").keys(f"{settings.CACHE_KEY_PREFIX}:*greeting")
    assert len(raw_keys) == 1


def test_a_value_expires_after_its_ttl() -> None:
    cache.set("short-lived", "v", timeout=1)
    assert cache.ttl("short-lived") in (0, 1)  # type: ignore[attr-defined]  # django-redis API
    assert cache.get("short-lived") == "v"
    wait_until(lambda: cache.get("short-lived") is None, 5, "the key to expire")
