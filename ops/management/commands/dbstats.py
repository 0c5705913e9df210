"""``manage.py dbstats``: the database and cache part of the System page, for terminals."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mailbox_project.mongo import get_database
from ops.stats import SystemFigures, collect


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


class Command(BaseCommand):
    help = "Print MongoDB and Redis figures (collections, indexes, cache fill, keys per prefix)."

    def handle(self, *args: Any, **options: Any) -> None:
        figures = collect(get_database(), services=False)
        self._mongo(figures)
        self._redis(figures)
        self._analysis(figures)
        for error in figures.errors:
            self.stderr.write(f"unavailable: {error}")
        self.stdout.write(f"read in {figures.seconds:.3f} s")

    def _mongo(self, figures: SystemFigures) -> None:
        m = figures.mongo
        if m is None:
            return
        self.stdout.write(
            f"MongoDB {m.version}, replica set {m.replica_set}: {', '.join(m.members)}"
        )
        self.stdout.write(
            f"connections {m.connections_current} open / {m.connections_available} available; "
            f"WiredTiger cache {_mb(m.cache_bytes)} of {_mb(m.cache_max_bytes)} "
            f"({m.cache_fill:.0%})"
        )
        self.stdout.write("opcounters " + ", ".join(f"{k} {v}" for k, v in m.opcounters.items()))
        self.stdout.write(f"{'collection':34} {'documents':>10} {'data':>12} {'storage':>12}")
        for c in m.collections:
            self.stdout.write(
                f"{c.name:34} {c.documents:>10} {_mb(c.data_size):>12} {_mb(c.storage_size):>12}"
            )
            for ix in c.indexes:
                ttl = f"  TTL {ix.ttl_seconds} s" if ix.ttl_seconds is not None else ""
                self.stdout.write(f"    index {ix.name:40} {_mb(ix.size):>12}{ttl}")

    def _redis(self, figures: SystemFigures) -> None:
        r = figures.redis
        if r is None:
            return
        limit = f" of {_mb(r.maxmemory)}" if r.maxmemory else ""
        self.stdout.write(
            f"Redis: {_mb(r.used_memory)}{limit}, hit ratio {r.hit_ratio:.3f}, "
            f"{r.evicted} evicted, {r.clients} clients"
        )
        sampled = "" if r.keys_sampled_all else " (first keys only)"
        self.stdout.write(f"keys per prefix{sampled}:")
        for prefix, count in r.keys_by_prefix.items():
            self.stdout.write(f"    {prefix:40} {count:>10}")

    def _analysis(self, figures: SystemFigures) -> None:
        a = figures.analysis
        if a is None:
            return
        tiers = ", ".join(f"{t} {row['hit_ratio']:.3f}" for t, row in a.tiers.items())
        more = " or more" if a.backlog_capped else ""
        self.stdout.write(f"analysis backlog {a.backlog}{more}; cache hit ratios {tiers}")
