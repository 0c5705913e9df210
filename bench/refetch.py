"""Refetch benchmark: mail an older parser stored, fetched again through the emulator.

    .venv/bin/python bench/refetch.py [--messages 2000]

Needs the test services (see bench/sync.py). Syncs a generated mailbox at Gmail's 250
units/s, marks every message stale (parser_version 0), then prints, measured in this run:
  (a) a whole pass (``refetch_all``, no pauses): messages/s and the ratio to the quota's
      ceiling of 50 messages/s (messages.get costs 5 units);
  (b) the task's pace: the mean seconds of one ``REFETCH_BATCH`` run, the share of time a
      pass keeps the quota busy with ``REFETCH_PAUSE`` between runs, and what a pass over
      100,000 messages takes at that pace;
  (c) the "any stale?" probe the sync makes after every step, on a mailbox with none left:
      keys and documents MongoDB examined and the median time, on ``user_parser_version``
      against the same query without it (the mailbox's newest-first index).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.sync import (  # sets the environment before Django loads
    QUOTA_CEILING_MESSAGES,
    emulator,
    full_sync,
    setup_django,
    signed_up_user,
)

PROBES = 200
BIG_MAILBOX = 100_000


def make_stale(user: Any) -> int:
    from mailbox_project.mongo import get_database

    result = get_database()["messages"].update_many(
        {"user_id": user.pk}, {"$set": {"parser_version": 0}}
    )
    return int(result.modified_count)


def bench_pass(user: Any) -> None:
    from mails import refetch

    stale = make_stale(user)
    began = time.perf_counter()
    result = refetch.refetch_all(user.pk)
    seconds = time.perf_counter() - began
    rate = result.refetched / seconds
    print(
        f"(a) pass: {stale} stale, {result.refetched} refetched in {seconds:.1f}s = "
        f"{rate:.1f} msg/s; ratio to the 50 msg/s ceiling {rate / QUOTA_CEILING_MESSAGES:.3f}"
    )


def bench_pace(user: Any) -> None:
    from bson import ObjectId

    from mails import refetch

    make_stale(user)
    runs: list[float] = []
    after: ObjectId | None = None
    while True:
        lock = refetch.sync_lock(user.pk)
        assert lock.acquire(wait=60)
        began = time.perf_counter()
        with lock:
            result = refetch.refetch_batch(user.pk, after=after)
        runs.append(time.perf_counter() - began)
        if result.next_after is None:
            break
        after = ObjectId(result.next_after)
    run = statistics.mean(runs)
    busy = run / (run + refetch.REFETCH_PAUSE)
    big = BIG_MAILBOX / refetch.REFETCH_BATCH * (run + refetch.REFETCH_PAUSE)
    print(
        f"(b) pace: {len(runs)} runs of <= {refetch.REFETCH_BATCH}, mean {run:.2f}s each; "
        f"with {refetch.REFETCH_PAUSE}s pauses the quota is busy {busy:.0%} of a pass; "
        f"a {BIG_MAILBOX:,}-message mailbox takes {big / 3600:.1f} h"
    )


def _probe_stats(query: dict[str, Any], hint: str) -> tuple[int, int, float]:
    from mailbox_project.mongo import get_database

    messages = get_database()["messages"]
    plan = messages.find(query, {"_id": 1}).hint(hint).limit(1).explain()
    stats = plan["executionStats"]
    times = []
    for _ in range(PROBES):
        began = time.perf_counter()
        list(messages.find(query, {"_id": 1}).hint(hint).limit(1))
        times.append(time.perf_counter() - began)
    return stats["totalKeysExamined"], stats["totalDocsExamined"], statistics.median(times)


def bench_probe(user: Any, count: int) -> None:
    from mails import refetch

    query = refetch.stale_query(user.pk)
    assert not refetch.has_stale(user.pk)
    keys, docs, seconds = _probe_stats(query, refetch.INDEX)
    print(
        f"(c) probe with {refetch.INDEX} over {count} messages, none stale: {keys} keys, "
        f"{docs} documents examined, median {seconds * 1000:.2f} ms"
    )
    keys, docs, seconds = _probe_stats(query, "user_newest_id")
    print(
        f"(c) the same probe without it (user_newest_id): {keys} keys, {docs} documents "
        f"examined, median {seconds * 1000:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    with emulator(args.messages, 250) as url:
        settings = setup_django(url, 250)
        settings.GMAIL_API_ROOT = url
        user = signed_up_user(url)
        stored, _ = full_sync(user)
        bench_pass(user)
        bench_pace(user)
        bench_probe(user, stored)


if __name__ == "__main__":
    main()
