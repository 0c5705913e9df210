"""The three-tier cache of email analyses: L1 in this process, L2 in Redis, L3 in MongoDB.

Reads fall through L1 → L2 → L3 and fill the tiers above; writes go through all three. Every
key holds the user id and the classifier version, so a new classifier re-analyses lazily and
one user's entry can never answer another's (Gmail ids are only unique per mailbox).

Entries are ``analysis.results.CacheEntry``: an ``AnalysisResult``, or a ``FailedAnalysis``
marker (see ``is_failed``) that lives ``ANALYSIS_FAILED_TTL`` seconds in L1 and L2 only, then
the message is analysed again. L1 holds the frozen objects themselves; L2 (a JSON value) and
L3 (the document's ``result``) hold ``to_document()`` forms, read back by
``entry_from_document`` whatever their schema version. A stored value that is no analysis
counts as a miss, so the message is analysed again.

Invalidation across processes: L1 keys also hold a per-user *generation*, a random token in
Redis that ``delete`` and ``purge_user`` replace. Each process re-reads a user's token at most
every ``GENERATION_RECHECK`` seconds, so a deleted entry outlives its deletion in another
process's L1 by at most that long, while an L1 hit costs no network round trip. A random token
rather than a counter: after a Redis flush a counter would restart at 0 and revive old keys.

Hits, misses and evictions per tier are counted in one Redis hash, flushed from each process at
most once a second (``metrics``), never per key.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import timedelta
from functools import cached_property
from typing import Any, TypeGuard

from cachetools import TTLCache
from django.conf import settings
from django.utils import timezone
from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError
from redis import Redis
from redis.exceptions import RedisError

from analysis import cache_metrics as metrics
from analysis.classify import classifier_version
from analysis.models import EmailAnalysis
from analysis.results import AnalysisResult, CacheEntry, FailedAnalysis, entry_from_document
from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from mailbox_project.redis import connection

logger = logging.getLogger(__name__)

# Seconds a process trusts its copy of a user's generation (the cross-process staleness bound).
GENERATION_RECHECK = 2.0
# The L3 lifetime, as the TTL index on cached_at enforces it (migration 0002). Reads apply it
# too: MongoDB's TTL monitor deletes expired documents only once a minute.
L3_TTL = timedelta(days=360)
SCAN_BATCH = 500

Entry = CacheEntry
# (user, generation, classifier version, message id)
L1Key = tuple[str, str, str, str]


def prefix() -> str:
    """Return the Redis key prefix of everything the analysis cache stores."""
    return f"{settings.CACHE_KEY_PREFIX}:analysis"


def is_failed(entry: Entry | None) -> TypeGuard[FailedAnalysis]:
    """Return whether a cache entry is a failed marker rather than a result."""
    return isinstance(entry, FailedAnalysis)


def results_only(entries: Mapping[str, Entry]) -> dict[str, AnalysisResult]:
    """Return the results among ``entries``, failed markers left out."""
    return {m: e for m, e in entries.items() if isinstance(e, AnalysisResult)}


def _decoded(message_id: str, document: object) -> Entry | None:
    """Return the entry a stored document holds, or None (a miss) if it holds none."""
    if not isinstance(document, Mapping):
        return None
    try:
        return entry_from_document(document, message_id)
    except ValueError:
        logger.warning("analysis cache entry of message %s is unreadable: a miss", message_id)
        return None


# --- L1: this process --------------------------------------------------------------------------


class _CountingTTLCache(TTLCache[L1Key, tuple[Entry, float | None]]):
    """A TTLCache that counts what it drops on its own: the least recently used when full, and
    the expired. Removals we ask for (invalidation) are not evictions."""

    def popitem(self) -> tuple[L1Key, tuple[Entry, float | None]]:
        item = super().popitem()
        metrics.add({"l1_evictions": 1})
        return item

    def expire(self, time: float | None = None) -> Any:
        expired = super().expire(time)
        if expired:
            metrics.add({"l1_evictions": len(expired)})
        return expired


class _Local:
    """L1 entries keyed (user, generation, version, message id) -> (entry, deadline or None),
    and each user's generation token as last read from Redis. Guarded by one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.entries = _CountingTTLCache(
            maxsize=settings.ANALYSIS_L1_MAXSIZE, ttl=settings.ANALYSIS_L1_TTL
        )
        self.generations: dict[str, tuple[str, float]] = {}


_local = _Local()


def clear_local() -> None:
    """Empty this process's L1 (for tests and benchmarks; other processes are untouched)."""
    global _local
    _local = _Local()


# A forked worker starts empty: a lock held by another thread at fork would never be released.
os.register_at_fork(after_in_child=clear_local)


def _l1_get(keys: Mapping[str, L1Key]) -> dict[str, Entry]:
    found: dict[str, Entry] = {}
    now = time.monotonic()
    with _local.lock:
        for message_id, key in keys.items():
            item = _local.entries.get(key)
            if item is None:
                continue
            entry, deadline = item
            if deadline is not None and deadline <= now:
                del _local.entries[key]  # a failed marker past its short life
                continue
            found[message_id] = entry  # frozen: shared, never copied
    return found


def _l1_put(keys: Mapping[str, L1Key], entries: Mapping[str, Entry], short: bool = False) -> None:
    now = time.monotonic()
    with _local.lock:
        for message_id, entry in entries.items():
            brief = short or is_failed(entry)
            deadline = now + settings.ANALYSIS_FAILED_TTL if brief else None
            _local.entries[keys[message_id]] = (entry, deadline)


def _l1_drop(keys: Iterable[L1Key]) -> None:
    with _local.lock:
        for key in keys:
            _local.entries.pop(key, None)


# --- Generations ---------------------------------------------------------------------------


def _generation_key(user: str) -> str:
    return f"{prefix()}:gen:{user}"


def _generation(scope: _Scope) -> str:
    user = scope.user
    now = time.monotonic()
    with _local.lock:
        known = _local.generations.get(user)
    if known is not None and now - known[1] < GENERATION_RECHECK:
        return known[0]
    redis = scope.redis
    key = _generation_key(user)
    # NX: the first reader after a flush (or ever) picks a fresh token for everyone.
    redis.set(key, secrets.token_hex(8), nx=True)
    token = _text(redis.get(key) or "")
    with _local.lock:
        _local.generations[user] = (token, now)
    return token


def _new_generation(redis: Redis, user: str) -> None:
    token = secrets.token_hex(8)
    redis.set(_generation_key(user), token)
    with _local.lock:
        _local.generations[user] = (token, time.monotonic())


# --- L2: Redis -------------------------------------------------------------------------------


def _redis() -> Redis:
    return connection()


def _l2_key(user: str, version: str, message_id: str) -> str:
    return f"{prefix()}:r:{user}:{version}:{message_id}"


def _l2_get(redis: Redis, user: str, version: str, message_ids: list[str]) -> dict[str, Entry]:
    values = redis.mget([_l2_key(user, version, m) for m in message_ids])
    found: dict[str, Entry] = {}
    for message_id, value in zip(message_ids, values, strict=True):
        entry = _decoded(message_id, json.loads(value)) if value is not None else None
        if entry is not None:
            found[message_id] = entry
    return found


def _versions_key() -> str:
    return f"{prefix()}:versions"


def _l2_put(
    redis: Redis, user: str, version: str, entries: Mapping[str, Entry], short: bool = False
) -> None:
    pipe = redis.pipeline(transaction=False)
    # Every version that has L2 entries, so a delete reaches them all: the engine can switch
    # back (the LLM engine configured, then not) while older entries still live.
    pipe.sadd(_versions_key(), version)
    for message_id, entry in entries.items():
        brief = short or is_failed(entry)
        ttl = settings.ANALYSIS_FAILED_TTL if brief else settings.ANALYSIS_L2_TTL
        value = json.dumps(entry.to_document())
        pipe.set(_l2_key(user, version, message_id), value, ex=ttl)
    pipe.execute()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _l2_user_keys(redis: Redis, user: str) -> list[bytes]:
    return list(redis.scan_iter(match=f"{prefix()}:r:{user}:*", count=SCAN_BATCH))


# --- L3: MongoDB -----------------------------------------------------------------------------


def _collection() -> Collection[dict[str, Any]]:
    return get_database()[EmailAnalysis._meta.db_table]


def _l3_query(user: UserId, version: str, message_ids: list[str]) -> dict[str, Any]:
    return {
        "user_id": user,
        "message_id": {"$in": message_ids},
        "classifier_version": version,
        "cached_at": {"$gt": timezone.now() - L3_TTL},
    }


def _l3_get(user: UserId, version: str, message_ids: list[str]) -> dict[str, Entry]:
    documents = _collection().find(
        _l3_query(user, version, message_ids), {"_id": 0, "message_id": 1, "result": 1}
    )
    found: dict[str, Entry] = {}
    for document in documents:
        entry = _decoded(document["message_id"], document.get("result"))
        if entry is not None:
            found[document["message_id"]] = entry
    return found


def _l3_put(user: UserId, version: str, results: Mapping[str, AnalysisResult]) -> None:
    now = timezone.now()
    writes = [
        UpdateOne(
            {"user_id": user, "message_id": message_id},
            {
                "$set": {
                    "cached_at": now,
                    "classifier_version": version,
                    "result": result.to_document(),
                }
            },
            upsert=True,
        )
        for message_id, result in results.items()
    ]
    try:
        _collection().bulk_write(writes, ordered=False)
    except BulkWriteError as exc:
        # Two workers upserting the same new (user, message) race on the unique index; the
        # loser's retry finds the winner's document and updates it.
        if any(error.get("code") != 11000 for error in exc.details.get("writeErrors", [])):
            raise
        _collection().bulk_write(writes, ordered=False)


# --- Public interface ------------------------------------------------------------------------


class _Scope:
    """One call's user (as key text and ObjectId), classifier version and Redis client."""

    def __init__(self, user_id: UserId) -> None:
        self.user_oid = user_id
        self.user = str(user_id)
        self.version = classifier_version()

    @cached_property
    def redis(self) -> Redis:
        # Lazily: an L1 hit with a fresh generation needs no Redis client at all.
        return _redis()

    def l1_keys(self, message_ids: Iterable[str]) -> dict[str, L1Key]:
        generation = _generation(self)
        return {m: (self.user, generation, self.version, m) for m in message_ids}


def _unique(message_ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(str(m) for m in message_ids))


def get(user_id: UserId, message_id: str) -> Entry | None:
    """Return the user's cached entry for one message (result or failed marker), or None."""
    return get_many(user_id, [message_id]).get(str(message_id))


def get_many(user_id: UserId, message_ids: Iterable[str]) -> dict[str, Entry]:
    """Return {message id: entry} of the user's cached analyses under the current classifier.

    One lookup per tier for what the tier above missed: L1 dict reads, one Redis MGET, one
    MongoDB ``$in`` query; what a lower tier finds is copied into the tiers above. With Redis
    down, MongoDB answers alone: L1 cannot be trusted without the user's generation.
    """
    ids = _unique(message_ids)
    if not ids:
        return {}
    scope = _Scope(user_id)
    try:
        keys = scope.l1_keys(ids)
        found = _l1_get(keys)
        missing = [m for m in ids if m not in found]
        counts = {"l1_hits": len(found), "l1_misses": len(missing)}
        if missing:
            from_l2 = _l2_get(scope.redis, scope.user, scope.version, missing)
            _l1_put(keys, from_l2)
            found.update(from_l2)
            missing = [m for m in missing if m not in from_l2]
            counts.update(l2_hits=len(from_l2), l2_misses=len(missing))
    except RedisError:
        logger.warning("Redis unavailable: analysis cache read from MongoDB only", exc_info=True)
        return _l3_get(scope.user_oid, scope.version, ids)
    if missing:
        from_l3 = _l3_get(scope.user_oid, scope.version, missing)
        _fill_from_l3(scope, keys, from_l3)
        found.update(from_l3)
        counts.update(l3_hits=len(from_l3), l3_misses=len(missing) - len(from_l3))
    metrics.add(counts)
    return found


def _fill_from_l3(scope: _Scope, keys: Mapping[str, L1Key], entries: Mapping[str, Entry]) -> None:
    if not entries:
        return
    try:
        _l2_put(scope.redis, scope.user, scope.version, entries)
    except RedisError:
        logger.warning("Redis unavailable: analysis cache not filled", exc_info=True)
        return
    _l1_put(keys, entries)


def put(user_id: UserId, message_id: str, result: AnalysisResult) -> None:
    """Store one analysis result in all three tiers."""
    put_many(user_id, {str(message_id): result})


def put_many(user_id: UserId, results: Mapping[str, AnalysisResult]) -> None:
    """Store the user's analysis results {message id: result} in all three tiers.

    L3 first: if MongoDB fails, no faster tier holds a result the persistent one lacks.
    """
    if not results:
        return
    for message_id, result in results.items():
        if not isinstance(result, AnalysisResult):
            raise ValueError(f"a failed marker for {message_id} goes through put_failed")
    scope = _Scope(user_id)
    _l3_put(scope.user_oid, scope.version, results)
    _l2_put(scope.redis, scope.user, scope.version, results)
    _l1_put(scope.l1_keys(results), results)


def put_provisional(user_id: UserId, results: Mapping[str, AnalysisResult]) -> None:
    """Store results of a stand-in engine in L1 and L2 only, for ``ANALYSIS_FAILED_TTL``.

    Readers get them meanwhile; then the message is analysed again, by the configured engine
    once it answers. MongoDB keeps only the configured engine's results.
    """
    if not results:
        return
    scope = _Scope(user_id)
    _l2_put(scope.redis, scope.user, scope.version, results, short=True)
    _l1_put(scope.l1_keys(results), results, short=True)


def put_failed(user_id: UserId, message_id: str, reason: str) -> None:
    """Remember briefly (L1 and L2, ``ANALYSIS_FAILED_TTL``) that analysing a message failed."""
    message_id = str(message_id)
    marker = FailedAnalysis(message_id=message_id, reason=reason[:300])
    scope = _Scope(user_id)
    _l2_put(scope.redis, scope.user, scope.version, {message_id: marker})
    _l1_put(scope.l1_keys([message_id]), {message_id: marker})


def delete(user_id: UserId, message_ids: Iterable[str]) -> None:
    """Remove the user's analyses of these messages from every tier (and other processes' L1)."""
    ids = _unique(message_ids)
    if not ids:
        return
    scope = _Scope(user_id)
    _collection().delete_many({"user_id": scope.user_oid, "message_id": {"$in": ids}})
    versions = {_text(v) for v in scope.redis.smembers(_versions_key())} | {scope.version}
    scope.redis.delete(*[_l2_key(scope.user, v, m) for v in versions for m in ids])
    _l1_drop(scope.l1_keys(ids).values())
    _new_generation(scope.redis, scope.user)


def purge_user(user_id: UserId) -> int:
    """Remove all of the user's analyses from every tier; return how many L3 held."""
    scope = _Scope(user_id)
    deleted = _collection().delete_many({"user_id": scope.user_oid}).deleted_count
    keys = _l2_user_keys(scope.redis, scope.user)
    for start in range(0, len(keys), SCAN_BATCH):
        scope.redis.delete(*keys[start : start + SCAN_BATCH])
    with _local.lock:
        mine = [key for key in list(_local.entries.keys()) if key[0] == scope.user]
    _l1_drop(mine)
    _new_generation(scope.redis, scope.user)
    return int(deleted)


def stored_ids(user_id: UserId, message_ids: Iterable[str] | None = None) -> list[str]:
    """Return the message ids the user has in L3 (all, or those among ``message_ids``)."""
    scope = _Scope(user_id)
    query: dict[str, Any] = {"user_id": scope.user_oid}
    if message_ids is not None:
        query["message_id"] = {"$in": _unique(message_ids)}
    return [doc["message_id"] for doc in _collection().find(query, {"_id": 0, "message_id": 1})]


def current_ids(user_id: UserId, message_ids: Iterable[str]) -> list[str]:
    """Return which of these messages have an analysis in L3 under the current classifier."""
    scope = _Scope(user_id)
    query = _l3_query(scope.user_oid, scope.version, _unique(message_ids))
    return [doc["message_id"] for doc in _collection().find(query, {"_id": 0, "message_id": 1})]


def stats() -> dict[str, dict[str, float]]:
    """Return hits, misses, evictions and hit ratio per tier, summed over all processes."""
    return metrics.totals()


def redis_usage() -> dict[str, Any]:
    """Return the key count and memory of the analysis prefix, and the Redis instance's own
    eviction and expiry counters (instance-wide: Redis does not count them per prefix)."""
    return metrics.redis_usage(_redis(), f"{prefix()}:*")
