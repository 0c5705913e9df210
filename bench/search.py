"""Search benchmark: 100,000 messages for one user plus 100,000 for another.

    .venv/bin/python bench/search.py [--messages 100000] [--rounds 10] [--rebuild]

Runs on a MongoDB of its own with a production-sized cache (the test server's is 256 MB, and
a 100k-message term index does not fit in it), started once with
`python scripts/devservices.py start --data-dir .data/bench --mongo-port 27019 --mongo-cache-gb 6`
(or point MONGODB_URI elsewhere). The mailboxes (bench/mailgen.py: Zipf vocabulary,
realistic sizes) are stored through the sync's own store path into the database
``mailbox_bench_search`` and kept between runs (``--rebuild`` makes them again). Prints,
measured in this run, for a fixed mix of 20 queries run ``--rounds`` times:
  - p50/p95 through the search service (first-page cache bypassed: the mailbox version is
    bumped before every call), and of the first page served from the cache;
  - p50/p95 through HTTP (``GET /api/mails?q=`` with a bearer token, gunicorn, 2 workers);
  - the same mix as a naive regex scan (case-insensitive regex over sender, subject and body,
    newest first, limit 50 — what a LIKE search does), and the ratio naive / service.
Goal: p95 <= 50 ms through the service and <= 100 ms through HTTP on a 2-core machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
os.environ["MONGODB_NAME"] = "mailbox_bench_search"
os.environ.setdefault("MONGODB_URI", "mongodb://127.0.0.1:27019/?replicaSet=rs0")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/0")
import django  # noqa: E402

import mailbox_project.testenv  # noqa: E402,F401  (test defaults for the rest of the environment)

django.setup()

from django.core.management import call_command  # noqa: E402

from accounts import api_tokens  # noqa: E402
from accounts.models import User  # noqa: E402
from bench.mailgen import MailboxFactory, Person, Vocabulary  # noqa: E402
from mailbox_project.mongo import get_database  # noqa: E402
from mails import labels as mail_labels  # noqa: E402
from mails import store  # noqa: E402
from mails.gmail import FetchResult, GmailLabel  # noqa: E402
from mails.models import Message, SyncState  # noqa: E402
from mails.search.service import search  # noqa: E402
from mails.store import store_fetched  # noqa: E402

SEED = 20261120
OWNERS = (Person("Bench Owner", "owner@bench.test"), Person("Bench Other", "other@bench.test"))
LOG = open(os.environ.get("BENCH_LOG", os.devnull), "ab")  # noqa: SIM115


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the mailboxes ------------------------------------------------------------------------


def build(count: int, rebuild: bool) -> list[User]:
    call_command("migrate", verbosity=0)
    meta = get_database()["bench_meta"]
    wanted = {"_id": "search", "seed": SEED, "count": count}
    users = [User.objects.filter(email=p.address).first() for p in OWNERS]
    if not rebuild and meta.find_one(wanted) and all(users):
        print(f"reusing the stored mailboxes ({count:,} messages each)")
        return [u for u in users if u is not None]
    for person in OWNERS:
        User.objects.filter(email=person.address).delete()
    get_database()["messages"].delete_many({})
    meta.delete_many({})
    vocabulary = Vocabulary(__import__("random").Random(SEED), 30_000)
    end_ms = int(time.time() * 1000)
    built = []
    for number, person in enumerate(OWNERS):
        user = User.objects.create_user(email=person.address, name=person.name)
        state, _ = SyncState.objects.get_or_create(user=user)
        factory = MailboxFactory(SEED + number, person, vocabulary, end_ms)
        labels = [
            {"id": label_id, "name": name, "type": "user"}
            for name, label_id in factory.label_ids.items()
        ]
        mail_labels.refresh(user.pk, _LabelSource(labels))
        started = time.perf_counter()
        for batch in factory.batches(count, 500):
            store_fetched(state, FetchResult(messages={m["id"]: m for m in batch}))
        elapsed = time.perf_counter() - started
        print(f"stored {count:,} messages for {person.address} in {elapsed:.0f} s "
              f"({count / elapsed:,.0f}/s through parse + index + store)")  # fmt: skip
        built.append(user)
    meta.insert_one({**wanted, "end_ms": end_ms})
    return built


def collection_figures() -> None:
    database = get_database()
    stats = database.command("collStats", "messages")
    data_mib, index_mib = stats["size"] / 2**20, stats["totalIndexSize"] / 2**20
    print(f"messages collection: {stats['count']:,} documents, "
          f"{data_mib:,.0f} MiB data, {index_mib:,.0f} MiB indexes")  # fmt: skip
    for name, size in sorted(stats["indexSizes"].items()):
        print(f"  index {name}: {size / 2**20:,.1f} MiB")


class _LabelSource:
    """Stands in for Gmail's labels.list: the bench's mail is not in any Gmail."""

    def __init__(self, labels: list[dict[str, str]]) -> None:
        self.labels = labels

    def list_labels(self) -> list[GmailLabel]:
        return GmailLabel.list_from_api({"labels": self.labels})


# --- the query mix ------------------------------------------------------------------------


def query_mix(user: User) -> list[str]:
    """Twenty queries; the phrase and the rare word are taken from the stored mail itself."""
    messages = get_database()["messages"]
    sample = messages.find_one({"user_id": user.pk, "subject": {"$regex": r"^\w+ \w+ \w+"}})
    words = (sample or {}).get("subject", "meeting review agenda").lower().split()
    phrase = " ".join(words[1:3])
    top = messages.find_one({"user_id": user.pk, "label_ids": "INBOX"}, {"from_address": 1})
    sender = (top or {}).get("from_address", "alex@example.com")
    rare = words[-1]
    return [
        "meeting",
        rare,
        f'"{phrase}"',
        f"from:{sender}",
        "from:acme.io",
        "to:garcia",
        "subject:(invoice payment)",
        "invoice -payment",
        "meeting OR webinar",
        "{budget review}",
        "label:work",
        "label:projects-alpha report",
        "in:sent project",
        "is:unread is:important",
        "has:attachment filename:pdf",
        "after:2025/01/01 before:2025/06/30 review",
        "newer_than:30d",
        "larger:1M",
        "café",
        "(release OR deploy) -bug in:anywhere",
    ]


# --- measuring ----------------------------------------------------------------------------


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def measure_service(user: User, queries: list[str], rounds: int) -> dict[str, list[float]]:
    per_query: dict[str, list[float]] = {q: [] for q in queries}
    for q in queries:  # warm-up: the working set in memory, as on a running server
        search(user, q)
    for _ in range(rounds):
        for q in queries:
            store.mailbox_changed([user.pk])  # outside the timing: makes the first-page cache miss
            per_query[q].append(timed(partial(search, user, q)))
    return per_query


def measure_cached(user: User, queries: list[str], rounds: int) -> list[float]:
    for q in queries:
        search(user, q)
    return [timed(partial(search, user, q)) for _ in range(rounds) for q in queries]


NAIVE_FIELDS = ("subject", "from_name", "from_address", "body_text")


def naive_filter(user: User, query: str) -> dict[str, Any]:
    """What a LIKE search does: every positive value as a substring of sender, subject or body."""
    values = []
    for token in re.findall(r'"[^"]*"|\S+', query):
        if token.startswith("-") or token in {"OR", "AND"}:
            continue
        value = token.split(":", 1)[-1].strip('"(){}')
        if value:
            values.append(value)
    clauses = [
        {"$or": [{f: {"$regex": re.escape(v), "$options": "i"}} for f in NAIVE_FIELDS]}
        for v in values
    ]
    return {"user_id": user.pk, **({"$and": clauses} if clauses else {})}


def measure_naive(user: User, queries: list[str], rounds: int) -> list[float]:
    messages = get_database()["messages"]
    projection = {"body_text": 0}

    def run(q: str) -> None:
        cursor = messages.find(naive_filter(user, q), projection)
        list(cursor.sort([("internal_date", -1), ("_id", -1)]).limit(50))

    return [timed(partial(run, q)) for _ in range(rounds) for q in queries]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure_http(user: User, queries: list[str], rounds: int) -> tuple[list[float], dict[int, int]]:
    token = api_tokens.create(user, "bench", days=1).access_token
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "mailbox_project.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT, env=os.environ.copy(), stdout=LOG, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    statuses: dict[int, int] = {}
    try:
        connection = _wait_for_server(port)
        headers = {"Authorization": f"Bearer {token}"}

        def get(q: str) -> None:
            connection.request("GET", "/api/mails?" + urlencode({"q": q}), headers=headers)
            response = connection.getresponse()
            response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1

        for q in queries * 2:  # warm both workers
            get(q)
        statuses.clear()
        samples = []
        for _ in range(rounds):
            for q in queries:
                store.mailbox_changed([user.pk])
                samples.append(timed(partial(get, q)))
        return samples, statuses
    finally:
        server.terminate()
        server.wait(10)


def _wait_for_server(port: int) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return connection
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the web server did not start (set BENCH_LOG=path to see its output)")


def report(name: str, samples: list[float]) -> tuple[float, float]:
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    print(f"{name:<44} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   ({len(samples)} calls)")
    return p50, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    owner, other = build(args.messages, args.rebuild)
    collection_figures()
    queries = query_mix(owner)
    others = Message.objects.filter(user=other).count()
    print(f"\n{len(queries)} queries x {args.rounds} rounds, for {owner.email} "
          f"(another {others:,} messages belong to {other.email})")  # fmt: skip

    per_query = measure_service(owner, queries, args.rounds)
    print("\nper query through the service (first-page cache bypassed):")
    for q, samples in per_query.items():
        found = len(search(owner, q).messages)
        print(f"  {q:<44} p50 {statistics.median(samples):7.2f} ms   max {max(samples):7.2f} ms   "
              f"{found} on page 1")  # fmt: skip
    print()
    service = [s for samples in per_query.values() for s in samples]
    s50, s95 = report("service, first-page cache bypassed", service)
    report("service, first page from the cache", measure_cached(owner, queries, args.rounds))
    http_samples, statuses = measure_http(owner, queries, args.rounds)
    _h50, h95 = report("HTTP GET /api/mails (gunicorn, 2 workers)", http_samples)
    print(f"  HTTP statuses: {statuses}")
    n50, n95 = report("naive regex scan (same collection)", measure_naive(owner, queries, 3))
    print(f"\nratio naive / service: p50 {n50 / s50:,.1f}x   p95 {n95 / s95:,.1f}x")
    print(f"goal service p95 <= 50 ms: {s95:.1f} ms ({'met' if s95 <= 50 else 'NOT met'})")
    print(f"goal HTTP p95 <= 100 ms: {h95:.1f} ms ({'met' if h95 <= 100 else 'NOT met'})")


if __name__ == "__main__":
    main()
