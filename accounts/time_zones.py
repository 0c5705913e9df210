"""The person's time zone: an IANA name checked against the zoneinfo database."""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_TIME_ZONE = "UTC"


@functools.cache
def _names() -> frozenset[str]:
    return frozenset(available_timezones())


def time_zone_names() -> list[str]:
    """Every IANA zone name, sorted (the account page's choices)."""
    return sorted(_names())


def is_time_zone(name: str) -> bool:
    """True for an IANA zone name ("Europe/Paris", "UTC"); never raises."""
    return name in _names()


def zone(name: str | None) -> ZoneInfo:
    """Return the zone named ``name``; UTC for an empty or unknown name (a stored value that
    a newer tzdata dropped must not break search)."""
    if not name or not is_time_zone(name):
        return ZoneInfo(DEFAULT_TIME_ZONE)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)
