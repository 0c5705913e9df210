"""A bounded LRU map whose entries expire at their own deadline, with aliases.

``cachetools.TTLCache`` gives every entry the same lifetime; token records need one each (the
record's own expiry caps it). Aliases let one session be found by id, access hash or refresh
hash while stored once, so evicting or discarding it by any key removes every way to reach it.
Not thread-safe by itself: ``CachingTokenStore`` holds one lock around all its maps.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass(slots=True)
class _Entry(Generic[V]):
    value: V
    deadline: datetime
    aliases: tuple[Hashable, ...]


class ExpiringCache(Generic[V]):
    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self.evictions = 0
        self._entries: OrderedDict[Hashable, _Entry[V]] = OrderedDict()
        self._aliases: dict[Hashable, Hashable] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def _primary(self, key: Hashable) -> Hashable:
        return self._aliases.get(key, key)

    def get(self, key: Hashable, now: datetime) -> V | None:
        """Return the live value under ``key`` (primary or alias), dropping it if expired."""
        primary = self._primary(key)
        entry = self._entries.get(primary)
        if entry is None:
            return None
        if entry.deadline <= now:
            self._remove(primary)
            self.evictions += 1
            return None
        self._entries.move_to_end(primary)
        return entry.value

    def put(
        self, key: Hashable, value: V, deadline: datetime, aliases: Iterable[Hashable] = ()
    ) -> None:
        """Store ``value`` under ``key`` and its aliases until ``deadline``."""
        self.discard(key)
        entry = _Entry(value, deadline, tuple(aliases))
        for alias in entry.aliases:
            self.discard(alias)
        while len(self._entries) >= self.maxsize:
            oldest = next(iter(self._entries))
            self._remove(oldest)
            self.evictions += 1
        self._entries[key] = entry
        for alias in entry.aliases:
            self._aliases[alias] = key

    def update(self, key: Hashable, change: Callable[[V], V]) -> bool:
        """Apply ``change`` to the value under ``key`` in place (same deadline and aliases)."""
        entry = self._entries.get(self._primary(key))
        if entry is None:
            return False
        entry.value = change(entry.value)
        return True

    def discard(self, key: Hashable) -> bool:
        """Remove the entry reachable by ``key`` (primary or alias) with all its aliases."""
        primary = self._primary(key)
        if primary not in self._entries:
            return False
        self._remove(primary)
        return True

    def clear(self) -> None:
        self._entries.clear()
        self._aliases.clear()

    def _remove(self, primary: Hashable) -> None:
        entry = self._entries.pop(primary)
        for alias in entry.aliases:
            if self._aliases.get(alias) == primary:
                del self._aliases[alias]
