"""Benchmark: the token store's two wrappers against the bare MongoDB store, in one run.

(1) A ``CachingTokenStore`` hit against a ``MongoTokenStore`` read of the same session, per
    operation (goal: the hit is at least 50x faster).
(2) 10,000 ``touch_session`` writes over 500 sessions, bare against ``BufferedTokenStore``:
    MongoDB commands sent (counted by a pymongo command listener: one per round trip) and
    wall-clock time including the final drain (goal: at least 10x fewer round trips).

Runs against the test MongoDB (mailbox_project/testenv.py defaults, or MONGODB_URI) in a
throwaway database, ``mailbox_bench_<pid>``, dropped at the end.

    .venv/bin/python bench/tokens.py
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Forced, not defaulted: the bench drops its database at the end.
os.environ["MONGODB_NAME"] = f"mailbox_bench_{os.getpid()}"
import mailbox_project.testenv  # noqa: E402, F401 - environment defaults (test MongoDB, a key)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")

import django  # noqa: E402
from pymongo import monitoring  # noqa: E402


class CommandCounter(monitoring.CommandListener):
    """Counts the commands the client sends: one per server round trip."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.count += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


# Registered before Django opens its client, so every command is seen.
COUNTER = CommandCounter()
monitoring.register(COUNTER)
django.setup()

from django.db import connections  # noqa: E402

from accounts.tokens.buffered import BufferedTokenStore  # noqa: E402
from accounts.tokens.caching import CachingTokenStore  # noqa: E402
from accounts.tokens.factory import build_cipher  # noqa: E402
from accounts.tokens.mongo import MongoTokenStore  # noqa: E402
from accounts.tokens.records import SessionRecord, new_session, normalise_datetime  # noqa: E402

READS_BARE = 2_000
READS_CACHED = 200_000
TOUCHES = 10_000
SESSIONS = 500
READ_GOAL = 50.0
ROUND_TRIP_GOAL = 10.0


def per_op_microseconds(operation: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        operation()
    return (time.perf_counter() - start) / count * 1e6


def bench_reads(mongo: MongoTokenStore, now: datetime) -> None:
    issued = new_session("bench-user", "bench", now=now, access_ttl=timedelta(hours=1))
    mongo.store_session(issued.record)
    token = issued.access_token
    caching = CachingTokenStore(mongo, owns_delegate=False)
    for _ in range(200):  # warm both paths (connection pool, the one miss)
        assert mongo.load_session_by_token(token) == issued.record
        assert caching.load_session_by_token(token) == issued.record
    bare_us = per_op_microseconds(lambda: mongo.load_session_by_token(token), READS_BARE)
    cached_us = per_op_microseconds(lambda: caching.load_session_by_token(token), READS_CACHED)
    assert caching.metrics()["sessions"]["misses"] == 1  # every timed read was a hit
    print("(1) Read one session by access token")
    print(
        f"    MongoTokenStore.load_session_by_token {bare_us:8.2f} µs/op", f"({READS_BARE:,} reads)"
    )
    print(
        f"    CachingTokenStore hit                 {cached_us:8.2f} µs/op",
        f"({READS_CACHED:,} reads)",
    )
    print(f"    ratio {bare_us / cached_us:,.1f}x   (goal >= {READ_GOAL:.0f}x)")
    print()


def touches(records: list[SessionRecord], start: datetime) -> Iterator[tuple[str, datetime]]:
    for i in range(TOUCHES):
        yield records[i % SESSIONS].session_id, start + timedelta(milliseconds=i + 1)


def bench_touches(mongo: MongoTokenStore, now: datetime) -> None:
    records = [new_session(f"user-{i}", "bench", now=now).record for i in range(SESSIONS)]
    mongo.bulk_store_sessions(records)

    COUNTER.count = 0
    start = time.perf_counter()
    for session_id, when in touches(records, now):
        mongo.touch_session(session_id, when)
    bare_seconds = time.perf_counter() - start
    bare_trips = COUNTER.count

    buffered = BufferedTokenStore(mongo, max_batch_size=500, max_delay=1.0, owns_delegate=False)
    later = now + timedelta(minutes=1)
    COUNTER.count = 0
    start = time.perf_counter()
    for session_id, when in touches(records, later):
        buffered.touch_session(session_id, when)
    buffered.close()  # drains: the last writes are in MongoDB when the clock stops
    buffered_seconds = time.perf_counter() - start
    buffered_trips = COUNTER.count
    metrics = buffered.metrics()

    # Nothing was lost: the last session carries its very last touch.
    last = normalise_datetime(later + timedelta(milliseconds=TOUCHES))
    stored = mongo.load_session_by_id(records[-1].session_id)
    assert stored is not None
    assert stored.last_used_at == last
    print(f"(2) {TOUCHES:,} touch_session writes over {SESSIONS} sessions")
    print(f"    bare MongoTokenStore  {bare_trips:6,} MongoDB commands  {bare_seconds:7.3f} s")
    print(
        f"    BufferedTokenStore    {buffered_trips:6,} MongoDB commands  {buffered_seconds:7.3f} s"
        f"  ({metrics['flushes']} flushes, {metrics['round_trips']} bulk calls,"
        f" {metrics['writes_coalesced']:,} coalesced)"
    )
    ratio = bare_trips / buffered_trips
    print(f"    round trips ratio {ratio:,.1f}x   (goal >= {ROUND_TRIP_GOAL:.0f}x)")
    print(f"    wall-clock ratio  {bare_seconds / buffered_seconds:,.1f}x")


def main() -> None:
    database: Any = connections["default"].get_database()  # type: ignore[attr-defined]
    assert database.name == f"mailbox_bench_{os.getpid()}"
    database.client.drop_database(database.name)
    try:
        mongo = MongoTokenStore(database, build_cipher())
        mongo.ensure_indexes()
        version = database.client.server_info()["version"]
        print(f"Token store bench: MongoDB {version}, database {database.name}")
        now = normalise_datetime(datetime.now().astimezone())
        bench_reads(mongo, now)
        bench_touches(mongo, now)
    finally:
        database.client.drop_database(database.name)


if __name__ == "__main__":
    main()
