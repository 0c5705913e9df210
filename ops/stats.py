"""The figures of the System page and ``manage.py dbstats``, each read cheaply.

Round trips per collection of all figures (counted by ``ops/tests/test_system_page.py``):
MongoDB 7 whatever the number of collections — ``serverStatus``, ``replSetGetStatus``,
``$listCatalog`` (names, options and index specs of every collection), one ``$collStats``
aggregation joined with ``$unionWith`` over every collection, one ``$facet`` over users (lag,
reconnects), and two counts through indexes (full syncs, analysis backlog through the partial
pending index); Redis a handful (INFO, a capped SCAN for keys per prefix, queue lengths in one
pipeline, heartbeats, recent events, cache tier counters, the backup record).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from pymongo.database import Database
from pymongo.errors import OperationFailure, PyMongoError
from redis import Redis
from redis.exceptions import RedisError

from analysis import cache_metrics
from mailbox_project import events
from mailbox_project.redis import connection
from mails.store import PENDING_FIELD
from ops import heartbeats
from ops import status as backup_status
from ops.exposition import queue_lengths
from ops.status import BackupStatus

# Keys per prefix are counted on at most this many keys (a SCAN over a big Redis is not cheap).
KEY_SAMPLE = 20_000
BACKLOG_CAP = 10_000


@dataclass(frozen=True)
class IndexFigure:
    name: str
    size: int
    ttl_seconds: int | None


@dataclass(frozen=True)
class CollectionFigure:
    name: str
    documents: int
    data_size: int
    storage_size: int
    indexes: list[IndexFigure]


@dataclass(frozen=True)
class MongoFigures:
    version: str
    replica_set: str
    members: list[str]  # "host: STATE"
    connections_current: int
    connections_available: int
    opcounters: dict[str, int]
    cache_bytes: int
    cache_max_bytes: int
    collections: list[CollectionFigure]

    @property
    def cache_fill(self) -> float:
        return self.cache_bytes / self.cache_max_bytes if self.cache_max_bytes else 0.0


@dataclass(frozen=True)
class RedisFigures:
    used_memory: int
    maxmemory: int
    keys_by_prefix: dict[str, int]
    keys_sampled_all: bool
    hits: int
    misses: int
    evicted: int
    clients: int

    @property
    def hit_ratio(self) -> float:
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0


@dataclass(frozen=True)
class WorkerFigure:
    name: str
    last_beat: datetime
    alive: bool


@dataclass(frozen=True)
class CeleryFigures:
    queues: dict[str, int]
    workers: list[WorkerFigure]
    failures_last_hour: dict[str, int]


@dataclass(frozen=True)
class SyncFigures:
    active_users: int
    in_full_sync: int
    lag_p50: float | None
    lag_p95: float | None
    lag_max: float | None
    needs_reconnect: int
    rate_limited_last_hour: int


@dataclass(frozen=True)
class AnalysisFigures:
    backlog: int
    backlog_capped: bool  # at least BACKLOG_CAP: counting on would cost a fetch per message
    tiers: dict[str, dict[str, float]]


@dataclass
class SystemFigures:
    mongo: MongoFigures | None = None
    redis: RedisFigures | None = None
    celery: CeleryFigures | None = None
    sync: SyncFigures | None = None
    analysis: AnalysisFigures | None = None
    backup: BackupStatus | None = None
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


# --- MongoDB -----------------------------------------------------------------------------------


def mongo_figures(db: Database[dict[str, Any]]) -> MongoFigures:
    admin = db.client.admin
    server = admin.command(
        {"serverStatus": 1, "locks": 0, "metrics": 0, "tcmalloc": 0, "transactions": 0}
    )
    replica = admin.command("replSetGetStatus")
    catalog = _catalog(db)
    cache = server.get("wiredTiger", {}).get("cache", {})
    return MongoFigures(
        version=str(server.get("version", "?")),
        replica_set=str(replica.get("set", "")),
        members=[f"{m['name']}: {m['stateStr']}" for m in replica.get("members", [])],
        connections_current=int(server["connections"]["current"]),
        connections_available=int(server["connections"]["available"]),
        opcounters={k: int(v) for k, v in server.get("opcounters", {}).items()},
        cache_bytes=int(cache.get("bytes currently in the cache", 0)),
        cache_max_bytes=int(cache.get("maximum bytes configured", 0)),
        collections=_collections(db, catalog),
    )


def _catalog(db: Database[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Return each collection's index specs (one ``$listCatalog`` round trip)."""
    try:
        rows = db.client.admin.aggregate(
            [{"$listCatalog": {}}, {"$match": {"db": db.name, "type": "collection"}}]
        )
        return {
            str(row["name"]): [ix["spec"] for ix in row["md"]["indexes"]]
            for row in rows
            if not str(row["name"]).startswith("system.")
        }
    except OperationFailure:
        # Before MongoDB 6.0, or without the privilege: one listIndexes per collection.
        return {
            name: [dict(spec) for spec in db[name].list_indexes()]
            for name in db.list_collection_names(filter={"type": "collection"})
            if not name.startswith("system.")
        }


def _collections(
    db: Database[dict[str, Any]], catalog: dict[str, list[dict[str, Any]]]
) -> list[CollectionFigure]:
    names = sorted(catalog)
    if not names:
        return []
    stage: list[dict[str, Any]] = [
        {"$collStats": {"storageStats": {}}},
        {
            "$project": {
                "ns": 1,
                "count": "$storageStats.count",
                "size": "$storageStats.size",
                "storageSize": "$storageStats.storageSize",
                "indexSizes": "$storageStats.indexSizes",
            }
        },
    ]
    pipeline: list[dict[str, Any]] = stage + [
        {"$unionWith": {"coll": name, "pipeline": stage}} for name in names[1:]
    ]
    figures = []
    for row in db[names[0]].aggregate(pipeline):
        name = str(row["ns"]).split(".", 1)[1]
        sizes = row.get("indexSizes", {})
        indexes = [
            IndexFigure(
                str(spec["name"]),
                int(sizes.get(spec["name"], 0)),
                int(spec["expireAfterSeconds"]) if "expireAfterSeconds" in spec else None,
            )
            for spec in catalog.get(name, [])
        ]
        figures.append(
            CollectionFigure(
                name,
                int(row.get("count", 0)),
                int(row.get("size", 0)),
                int(row.get("storageSize", 0)),
                indexes,
            )
        )
    return sorted(figures, key=lambda f: f.storage_size, reverse=True)


# --- Redis -------------------------------------------------------------------------------------


def redis_figures(redis: Redis) -> RedisFigures:
    info = redis.info()
    keys, complete = keys_by_prefix(redis)
    return RedisFigures(
        used_memory=int(info.get("used_memory", 0)),
        maxmemory=int(info.get("maxmemory", 0)),
        keys_by_prefix=keys,
        keys_sampled_all=complete,
        hits=int(info.get("keyspace_hits", 0)),
        misses=int(info.get("keyspace_misses", 0)),
        evicted=int(info.get("evicted_keys", 0)),
        clients=int(info.get("connected_clients", 0)),
    )


def prefix_of(key: str) -> str:
    """Return a key's family: ``P:analysis:r:…`` → ``P:analysis``, ``P:1:search:…`` →
    ``P:search`` (django-redis's version part dropped)."""
    parts = key.split(":")
    if len(parts) >= 3 and parts[1].isdigit():  # django cache keys: prefix:version:key
        return f"{parts[0]}:{parts[2]}"
    return ":".join(parts[:2])


def keys_by_prefix(redis: Redis) -> tuple[dict[str, int], bool]:
    """Return key counts per family over at most ``KEY_SAMPLE`` keys, and whether that was all."""
    counts: Counter[str] = Counter()
    for seen, key in enumerate(redis.scan_iter(count=1000), start=1):
        counts[prefix_of(key.decode() if isinstance(key, bytes) else str(key))] += 1
        if seen >= KEY_SAMPLE:
            return dict(counts.most_common()), False
    return dict(counts.most_common()), True


# --- Celery, sync, analysis ----------------------------------------------------------------------


def celery_figures(now: datetime) -> CeleryFigures:
    workers = [
        WorkerFigure(
            name,
            datetime.fromtimestamp(beat, UTC),
            now.timestamp() - beat < heartbeats.STALE,
        )
        for name, beat in sorted(heartbeats.last_beats().items())
    ]
    return CeleryFigures(queue_lengths(), workers, dict(events.recent("task-failure")))


def sync_figures(db: Database[dict[str, Any]], now: datetime) -> SyncFigures:
    active_since = now - timedelta(seconds=settings.SYNC_ACTIVE_WINDOW)
    active = {"is_active": True, "last_seen_at": {"$gte": active_since}, "needs_reconnect": False}
    facets = next(
        db["users"].aggregate(
            [
                {
                    "$facet": {
                        "active": [
                            {"$match": active},
                            {"$project": {"_id": 0, "last_sync_time": 1}},
                        ],
                        "reconnect": [{"$match": {"needs_reconnect": True}}, {"$count": "n"}],
                    }
                }
            ]
        )
    )
    lags = sorted(
        (now - _aware(row["last_sync_time"])).total_seconds()
        for row in facets["active"]
        if row.get("last_sync_time")
    )
    full = db["sync_states"].count_documents({"phase": {"$in": ["new", "full"]}})
    return SyncFigures(
        active_users=len(facets["active"]),
        in_full_sync=full,
        lag_p50=_percentile(lags, 0.5),
        lag_p95=_percentile(lags, 0.95),
        lag_max=lags[-1] if lags else None,
        needs_reconnect=facets["reconnect"][0]["n"] if facets["reconnect"] else 0,
        rate_limited_last_hour=sum(events.recent("gmail-429").values()),
    )


def analysis_figures(db: Database[dict[str, Any]]) -> AnalysisFigures:
    # Through the partial index that holds exactly the pending messages. MongoDB still fetches
    # each document to check $exists (measured: 100,000 pending took 0.6-1 s), so the count
    # stops at BACKLOG_CAP: a backlog that large says enough.
    backlog = db["messages"].count_documents(
        {PENDING_FIELD: {"$exists": True}}, hint="user_analysis_pending", limit=BACKLOG_CAP
    )
    return AnalysisFigures(backlog, backlog >= BACKLOG_CAP, cache_metrics.totals())


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _percentile(ordered: list[float], share: float) -> float | None:
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


# --- Everything ----------------------------------------------------------------------------------


def collect(db: Database[dict[str, Any]], *, services: bool = True) -> SystemFigures:
    """Return every figure; a part that fails is reported in ``errors``, never raised.

    ``services=False`` reads the database and cache parts only (``dbstats``).
    """
    started = time.perf_counter()
    now = datetime.now(UTC)
    figures = SystemFigures()
    parts: list[tuple[str, Any]] = [
        ("MongoDB", lambda: setattr(figures, "mongo", mongo_figures(db))),
        ("Redis", lambda: setattr(figures, "redis", redis_figures(connection()))),
        ("analysis", lambda: setattr(figures, "analysis", analysis_figures(db))),
    ]
    if services:
        parts += [
            ("Celery", lambda: setattr(figures, "celery", celery_figures(now))),
            ("sync", lambda: setattr(figures, "sync", sync_figures(db, now))),
            ("backups", lambda: setattr(figures, "backup", backup_status.read())),
        ]
    for name, read in parts:
        try:
            read()
        except (PyMongoError, RedisError, OSError) as exc:
            figures.errors.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
    figures.seconds = time.perf_counter() - started
    return figures
