"""Benchmark: the applications tracker — grouping, rebuild, dashboard and list page, in one run.

    .venv/bin/python bench/tracker.py [--applications 1000] [--emails-per-app 5] [--rounds 20]

Stores generated analyses (about 5 emails per application, a confirmation first) through the
real cache into a throwaway database, ``mailbox_bench_tracker_<pid>`` (dropped at the start and the
end), then prints, all measured here:
  (1) grouping: ``grouping.record`` of the results in batches of 200 (what the pipeline's
      ``analysis_stored`` does), µs per email, against the floor of writing the same number
      of timeline documents with bare pymongo bulk upserts;
  (2) ``grouping.rebuild`` of the whole mailbox, against (1);
  (3) the dashboard's one aggregation, p50, against fetching the same documents and
      computing the figures in Python;
  (4) GET /applications (filter, sort, page) and GET /applications/<id>, p50 with the test
      client, and the index each hot query uses (``explain``): MongoDB's planner ignores the
      partial indexes behind unique constraints, so this shows the plain ones are used.

Needs the test services (MongoDB on 27018, Redis on 6379).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Forced, not defaulted: the bench drops this database. Named per process, so two runs
# at once never drop each other's data.
os.environ["MONGODB_NAME"] = f"mailbox_bench_tracker_{os.getpid()}"
os.environ["CACHE_KEY_PREFIX"] = "mailbox-bench-tracker"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/2")
os.environ.setdefault("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/2")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
import mailbox_project.testenv  # noqa: E402, F401 - test defaults for the rest of the environment

STATUSES = [
    "assessment",
    "interview_invitation",
    "information_request",
    "action_required",
    "rejection",
    "offer",
]
BATCH = 200


def setup() -> Any:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from mailbox_project.mongo import get_database

    get_database().client.drop_database(settings.DATABASES["default"]["NAME"])
    call_command("migrate", verbosity=0)
    return get_database()


def generate(applications: int, per_app: int, seed: int = 5) -> list[dict[str, Any]]:
    """Return analysis results: ``applications`` roles, about ``per_app`` emails each."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    results = []
    for index in range(applications):
        company = f"Company {index % 300} Inc."
        position = f"Role {index // 300}"
        day = rng.uniform(0, 120)
        count = max(1, round(rng.gauss(per_app, 1)))
        for n in range(count):
            status = "application_confirmation" if n == 0 else rng.choice(STATUSES)
            results.append(
                {
                    "message_id": f"m{index:05d}-{n}",
                    "subject": f"{status} at {company}",
                    "sender": "jobs@example.com",
                    "date": (start + timedelta(days=day + n * rng.uniform(1, 9))).isoformat(),
                    "status": status,
                    "company": company,
                    "position": position,
                    "details": "",
                    "confidence": 0.9,
                }
            )
    rng.shuffle(results)
    return results


def timed(operation: Callable[[], object]) -> float:
    start = time.perf_counter()
    operation()
    return time.perf_counter() - start


def p50(operation: Callable[[], object], rounds: int) -> float:
    operation()  # warm
    return statistics.median(timed(operation) for _ in range(rounds))


def bench_grouping(database: Any, user: Any, results: list[dict[str, Any]]) -> float:
    from analysis import cache
    from analysis.results import AnalysisResult
    from tracker import grouping
    from tracker.models import ApplicationEmail, JobApplication

    # The records the pipeline passes along; the dicts stay for the bare-upsert floor.
    records = [AnalysisResult.from_document(r) for r in results]
    for start in range(0, len(records), 1000):
        chunk = records[start : start + 1000]
        cache.put_many(user.pk, {r.message_id: r for r in chunk})
    batches = [results[i : i + BATCH] for i in range(0, len(results), BATCH)]
    record_batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]

    def group_all() -> None:
        for batch in record_batches:
            grouping.record(user.pk, batch)

    seconds = timed(group_all)
    floor = timed(lambda: _bare_upserts(database, user.pk, batches))
    emails = ApplicationEmail.objects.filter(user=user).count()
    apps = JobApplication.objects.for_user(user).count()
    assert emails == len(results)
    per_email = seconds / len(results) * 1e6
    print(f"(1) Grouping {len(results):,} analysed emails into {apps:,} applications")
    print(f"    grouping.record, batches of {BATCH}   {per_email:8.1f} µs/email")
    print(f"    bare pymongo upserts (floor)           {floor / len(results) * 1e6:8.1f} µs/email")
    print(f"    ratio {seconds / floor:,.1f}x the floor")
    return seconds


def _bare_upserts(database: Any, user_id: Any, batches: list[list[dict[str, Any]]]) -> None:
    from pymongo import UpdateOne

    scratch = database["bench_bare_links"]
    scratch.create_index([("user_id", 1), ("message_id", 1)])
    for batch in batches:
        scratch.bulk_write(
            [
                UpdateOne(
                    {"user_id": user_id, "message_id": r["message_id"]},
                    {"$set": {"status": r["status"], "date": r["date"], "company": r["company"]}},
                    upsert=True,
                )
                for r in batch
            ]
        )


def bench_rebuild(user: Any, grouped: float, emails: int) -> None:
    from tracker import grouping

    seconds = timed(lambda: grouping.rebuild(user.pk))
    print(f"(2) grouping.rebuild of {emails:,} emails  {seconds:6.2f} s", end="")
    print(f"  ({seconds / emails * 1e6:.1f} µs/email, {seconds / grouped:.2f}x the grouping)")


def python_figures(database: Any, user_id: Any) -> Any:
    """The dashboard's figures the naive way: fetch everything, compute in Python."""
    from tracker.models import RESPONSE_STATUSES

    timelines: dict[Any, list[tuple[str, datetime]]] = {}
    for doc in database["job_application_emails"].find(
        {"user_id": user_id}, {"application_id": 1, "status": 1, "date": 1}
    ):
        timelines.setdefault(doc["application_id"], []).append((doc["status"], doc["date"]))
    waits: dict[str, list[float]] = {}
    funnel = [0, 0, 0]
    for app in database["job_applications"].find({"user_id": user_id}):
        entries = timelines.get(app["_id"], [])
        statuses = {s for s, _ in entries} | {app["status"]}
        funnel[0] += 1
        funnel[1] += bool(statuses & {"interview_invitation", "offer"})
        funnel[2] += "offer" in statuses
        applied = min((d for s, d in entries if s == "application_confirmation"), default=None)
        answers = [
            d for s, d in entries if s in RESPONSE_STATUSES and (applied is None or d >= applied)
        ]
        if applied and answers:
            days = (min(answers) - applied).total_seconds() / 86400
            waits.setdefault(app["company_key"], []).append(days)
    return funnel, {key: statistics.median(days) for key, days in waits.items()}


def bench_dashboard(database: Any, user: Any, rounds: int) -> None:
    from tracker import dashboard

    figures = dashboard.compute(user.pk)
    funnel, medians = python_figures(database, user.pk)
    assert [figures.funnel.applied, figures.funnel.interview, figures.funnel.offer] == funnel
    assert len(figures.response_days) == len(medians)
    pipeline = p50(lambda: dashboard.compute(user.pk), rounds)
    naive = p50(lambda: python_figures(database, user.pk), rounds)
    print(f"(3) Dashboard over {figures.total:,} applications (figures equal both ways)")
    print(f"    one aggregation ($unionWith + $facet)  {pipeline * 1e3:8.1f} ms p50")
    print(f"    fetch everything, compute in Python    {naive * 1e3:8.1f} ms p50")
    print(f"    ratio {naive / pipeline:,.1f}x (the aggregation also computes the weekly counts)")


def winning_index(plan: dict[str, Any]) -> str:
    stage = plan["queryPlanner"]["winningPlan"]
    while "inputStage" in stage or "queryPlan" in stage:
        stage = stage.get("inputStage") or stage["queryPlan"]
    return f"{stage['stage']} {stage.get('indexName', '')}".strip()


def bench_pages(database: Any, user: Any, rounds: int) -> None:
    from django.test import Client

    from tracker.models import JobApplication

    client = Client()
    client.force_login(user)
    busiest = JobApplication.objects.for_user(user).order_by("-email_count").first()
    assert busiest is not None
    pages = {
        "GET /applications": "/applications",
        "GET /applications?q=role+2&sort=company": "/applications?q=role+2&sort=company",
        "GET /applications?status=offer&page=2": "/applications?status=offer&page=2",
        f"GET /applications/<id> ({busiest.email_count} emails)": f"/applications/{busiest.pk}",
        "GET /api/applications?page_size=100": "/api/applications?page_size=100",
        "GET /applications/export.csv": "/applications/export.csv",
    }
    print(f"(4) Pages, p50 of {rounds} (test client, in process)")
    for label, url in pages.items():
        assert client.get(url).status_code == 200, url
        print(f"    {label:48} {p50(partial(client.get, url), rounds) * 1e3:7.1f} ms")
    apps, aliases = database["job_applications"], database["job_application_aliases"]
    plans = {
        "list, newest first": apps.find({"user_id": user.pk})
        .sort("last_activity_at", -1)
        .limit(25)
        .explain(),
        "alias lookup": aliases.find(
            {"user_id": user.pk, "company_key": "company 7", "position_key": "role 1"}
        ).explain(),
        "timeline": database["job_application_emails"]
        .find({"user_id": user.pk, "application_id": busiest.pk})
        .sort("date", 1)
        .explain(),
    }
    for label, plan in plans.items():
        print(f"    plan of {label:22} {winning_index(plan)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--emails-per-app", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    database = setup()
    try:
        from accounts.models import User

        user = User.objects.create_user(email="bench@example.com")
        results = generate(args.applications, args.emails_per_app)
        version = database.client.server_info()["version"]
        print(f"Tracker bench: MongoDB {version}, database {database.name}")
        grouped = bench_grouping(database, user, results)
        bench_rebuild(user, grouped, len(results))
        bench_dashboard(database, user, args.rounds)
        bench_pages(database, user, args.rounds)
    finally:
        database.client.drop_database(database.name)


if __name__ == "__main__":
    main()
