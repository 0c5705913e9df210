"""Benchmark: the analysis pipeline and its three cache tiers, measured in one run.

    .venv/bin/python bench/analysis.py [--users 12] [--messages 400] [--views 3000]

Builds realistic mailboxes by syncing the Google emulator (in this process) into a throwaway
MongoDB database, ``mailbox_bench_analysis_<pid>`` (dropped at the start and the end), with
Redis keys under their own prefix. Prints, all measured here:
  (1) classifications per second: ``classify()`` alone, and the whole pipeline (load from
      ``messages``, classify, write through three tiers, the tracker's grouping);
  (2) per-tier hit latency — L1 in µs, L2 and L3 in ms — and each one's ratio to classifying
      afresh (``classify()`` alone, and a full on-demand analysis of one message);
  (3) the share of tracker-page lookups served by L1/L2 after warm-up: application pages
      read their timeline's analyses with ``service.results_for(..., compute_missing=False)``
      (what analysis/views.py does), over random users and applications.

Needs the test services (MongoDB on 27018, Redis on 6379).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Forced, not defaulted: the bench drops this database. Named per process, so two runs
# at once never drop each other's data.
os.environ["MONGODB_NAME"] = f"mailbox_bench_analysis_{os.getpid()}"
os.environ["CACHE_KEY_PREFIX"] = "mailbox-bench-analysis"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/12")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
import mailbox_project.testenv  # noqa: E402, F401 - test defaults for the rest of the environment


def setup() -> Any:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from mailbox_project.mongo import get_database

    get_database().client.drop_database(settings.DATABASES["default"]["NAME"])
    call_command("migrate", verbosity=0)
    drop_analysis_keys()
    return settings


def drop_analysis_keys() -> None:
    from analysis import cache

    redis = cache._redis()
    keys = list(redis.scan_iter(match=f"{cache.prefix()}:*", count=1000))
    for start in range(0, len(keys), 500):
        redis.delete(*keys[start : start + 500])


@contextmanager
def mailboxes(settings: Any, users: int, messages: int) -> Iterator[list[Any]]:
    """Sync ``users`` emulated mailboxes of ``messages`` each; yield the users."""
    from accounts import google as google_oauth
    from accounts.models import User
    from analysis.tasks import analyse_new_messages
    from google_emulator.config import EmulatorConfig
    from google_emulator.testing import EmulatorServer
    from mails import sync
    from mails.signals import messages_stored

    config = EmulatorConfig(accounts=users, messages=messages, seed=11, quota_units_per_second=None)
    # The bench analyses in this process; the sync must not queue tasks for absent workers.
    messages_stored.disconnect(analyse_new_messages, dispatch_uid="analysis.analyse_new_messages")
    with EmulatorServer(config) as server:
        url = server.url
        settings.GOOGLE_EMULATOR_URL = settings.GMAIL_API_ROOT = url
        settings.GOOGLE_TOKEN_URL = f"{url}/token"
        settings.GMAIL_QUOTA_UNITS_PER_SECOND = 0
        made = []
        for email in server.emails:
            user = User.objects.create_user(email=email)
            google_oauth.store_tokens(user, server.emulator.issue_tokens(email))
            result = sync.sync_step(user)
            while result.more:
                result = sync.sync_step(user)
            made.append(user)
    yield made


def per_op(operation: Callable[[], object], count: int) -> float:
    """Return seconds per call of ``operation`` over ``count`` calls."""
    start = time.perf_counter()
    for _ in range(count):
        operation()
    return (time.perf_counter() - start) / count


def counters() -> dict[str, dict[str, float]]:
    from analysis import cache

    return cache.stats()


def delta(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]
) -> dict[str, Any]:
    return {
        f"{tier}_{field}": int(after[tier][field] - before[tier][field])
        for tier in ("l1", "l2", "l3")
        for field in ("hits", "misses")
    }


# --- (1) classifications per second ---------------------------------------------------------


def analyse_all(users: list[Any]) -> float:
    """Re-analyse every mailbox in analysis-task batches; return seconds per message."""
    from analysis import service

    total = 0
    start = time.perf_counter()
    for user in users:
        for batch in service.mailbox_batches(user.pk, force=True):
            total += service.run(user.pk, batch, force=True).analysed
    return (time.perf_counter() - start) / total


@contextmanager
def tracker_disconnected() -> Iterator[None]:
    from analysis.signals import analysis_stored
    from tracker.receivers import place_stored_analyses

    uid = "tracker-analysis-stored"
    analysis_stored.disconnect(place_stored_analyses, dispatch_uid=uid)
    try:
        yield
    finally:
        analysis_stored.connect(place_stored_analyses, dispatch_uid=uid)


def bench_throughput(users: list[Any]) -> float:
    from analysis.classify import EmailInput, classify
    from analysis.engines.base import DOCUMENT_FIELDS
    from mails import store

    emails = [
        EmailInput.from_document(document)
        for user in users
        for document in store.documents(user.pk, gmail_ids(user), DOCUMENT_FIELDS)
    ]
    start = time.perf_counter()
    for email in emails:
        classify(email)
    classify_seconds = (time.perf_counter() - start) / len(emails)
    with tracker_disconnected():
        analysis_seconds = analyse_all(users)
    whole_seconds = analyse_all(users)  # also builds the applications section (3) reads
    print(f"(1) Classifications per second ({len(emails):,} emails, analysis-task batches)")
    print(f"    classify() alone              {1 / classify_seconds:8,.0f} /s")
    print(
        f"    analysis pipeline             {1 / analysis_seconds:8,.0f} /s   "
        "(load from messages, classify, write through 3 tiers)"
    )
    print(
        f"    with the tracker's grouping   {1 / whole_seconds:8,.0f} /s   "
        "(the same, plus the analysis_stored receivers)"
    )
    print()
    return classify_seconds


# --- (2) per-tier hit latency -------------------------------------------------------------


def gmail_ids(user: Any) -> list[str]:
    from mails.models import Message

    return list(Message.objects.filter(user=user).values_list("gmail_id", flat=True))


def bench_tiers(user: Any, classify_seconds: float) -> None:
    from analysis import cache, service

    ids = gmail_ids(user)
    redis = cache._redis()
    # What a reader's full miss costs: load the message, classify, write through, tracker.
    sample = ids[:200]
    on_demand = per_op(lambda: service.analyze(user.pk, [sample.pop()], force=True), len(sample))
    with tracker_disconnected():
        sample = ids[:200]
        bare = per_op(lambda: service.analyze(user.pk, [sample.pop()], force=True), len(sample))

    cache.get_many(user.pk, ids)  # warm L1
    before = counters()
    rounds = max(1, 40_000 // len(ids))
    l1 = per_op(lambda: [cache.get(user.pk, m) for m in ids], rounds) / len(ids)
    l1_counts = delta(before, counters())

    def l2_round() -> float:
        cache.clear_local()
        return per_op(lambda: [cache.get(user.pk, m) for m in ids], 1) / len(ids)

    before = counters()
    l2 = statistics.median(l2_round() for _ in range(10))
    l2_counts = delta(before, counters())

    def l3_round() -> float:
        cache.clear_local()
        keys = cache._l2_user_keys(redis, str(user.pk))
        if keys:
            redis.delete(*keys)
        return per_op(lambda: [cache.get(user.pk, m) for m in ids], 1) / len(ids)

    before = counters()
    l3 = statistics.median(l3_round() for _ in range(5))
    l3_counts = delta(before, counters())

    print("(2) Hit latency per tier (one cache.get of one message; median of rounds)")
    print(f"    classify() alone          {classify_seconds * 1e6:10.1f} µs")
    print(f"    on-demand analysis        {on_demand * 1e3:10.3f} ms   (with the tracker)")
    print(f"      without the tracker     {bare * 1e3:10.3f} ms   (load, classify, store)")
    rows = (
        ("L1 hit (this process)", l1 * 1e6, "µs", l1, l1_counts["l1_hits"]),
        ("L2 hit (Redis)", l2 * 1e3, "ms", l2, l2_counts["l2_hits"]),
        ("L3 hit (MongoDB, fills L2)", l3 * 1e3, "ms", l3, l3_counts["l3_hits"]),
    )
    print(f"    {'':26}{'latency':>13}   classify()/hit   on-demand/hit   timed hits")
    for name, value, unit, seconds, hits in rows:
        print(
            f"    {name:26}{value:10.3f} {unit}   {classify_seconds / seconds:13.1f}x"
            f"   {on_demand / seconds:12.1f}x   {hits:10,}"
        )
    misses = l1_counts["l1_misses"] + l2_counts["l2_misses"] + l3_counts["l3_misses"]
    print(f"    (from the counters: timed lookups that missed their tier: {misses})")
    print()


# --- (3) tracker pages --------------------------------------------------------------------


def bench_tracker(users: list[Any], views: int, settings: Any) -> None:
    from analysis import cache, cache_metrics, service
    from tracker.models import ApplicationEmail

    timelines: dict[Any, list[list[str]]] = {}
    for user in users:
        pages: dict[Any, list[str]] = {}
        emails = ApplicationEmail.objects.filter(user=user).order_by("date", "message_id")
        for application_id, message_id in emails.values_list("application_id", "message_id"):
            pages.setdefault(application_id, []).append(message_id)
        if pages:
            timelines[user.pk] = list(pages.values())
    working_set = sum(len(ids) for timeline in timelines.values() for ids in timeline)
    pages_total = sum(len(timeline) for timeline in timelines.values())
    if not timelines:
        print("(3) no applications were formed: nothing to measure")
        return
    rng = random.Random(5)
    cache.clear_local()
    for user_id, timeline in timelines.items():  # warm-up: every application page once
        for ids in timeline:
            service.results_for(user_id, ids, compute_missing=False)
    cache_metrics.reset()
    user_ids = list(timelines)
    start = time.perf_counter()
    for _ in range(views):
        user_id = rng.choice(user_ids)
        service.results_for(user_id, rng.choice(timelines[user_id]), compute_missing=False)
    per_view = (time.perf_counter() - start) / views
    stats = counters()
    lookups = stats["l1"]["hits"] + stats["l1"]["misses"]
    share = {tier: stats[tier]["hits"] / lookups for tier in ("l1", "l2", "l3")}
    print("(3) Tracker application pages after warm-up")
    print(
        f"    {views:,} page views over {pages_total:,} applications of {len(user_ids)} users; "
        f"{working_set:,} timeline analyses vs L1 size {settings.ANALYSIS_L1_MAXSIZE:,}"
    )
    print(
        f"    {int(lookups):,} lookups: L1 {share['l1']:.1%}, L2 {share['l2']:.1%}, "
        f"L3 {share['l3']:.1%}, missing {stats['l3']['misses'] / lookups:.1%}"
    )
    print(
        f"    served by L1/L2: {share['l1'] + share['l2']:.1%}; "
        f"{per_view * 1e3:.3f} ms of cache reads per page"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--views", type=int, default=3000)
    args = parser.parse_args()
    settings = setup()
    from mailbox_project.mongo import get_database

    try:
        with mailboxes(settings, args.users, args.messages) as users:
            classify_seconds = bench_throughput(users)
            bench_tiers(users[0], classify_seconds)
            bench_tracker(users, args.views, settings)
    finally:
        drop_analysis_keys()
        get_database().client.drop_database(settings.DATABASES["default"]["NAME"])


if __name__ == "__main__":
    main()
