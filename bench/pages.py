"""Mail pages benchmark: what the search page, the message page and the API add to a search.

    .venv/bin/python bench/pages.py [--messages 5000] [--rounds 20]

Needs the test services (`python scripts/devservices.py start --data-dir .data/test
--mongo-port 27018`). Stores a generated mailbox (bench/mailgen.py) through the sync's own
store path into ``mailbox_bench_pages_<pid>`` (dropped at the end), then prints, measured in
this run, in process with Django's test client (no network, first-page cache bypassed before
every call):
  - p50/p95 of the search service alone for a query mix — the reference;
  - p50/p95 of GET /mails?q=, GET /api/mails?q= (with and without fields=body) for the same
    mix, and the ratio of each to the reference (what rendering, highlighting, labels,
    badges and the sync banner cost on top of the search);
  - p50/p95 of GET /mails/<id> for the message with the longest body;
  - highlight() and linkify() alone on 100 KB of ASCII and of accented text.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
os.environ["MONGODB_NAME"] = f"mailbox_bench_pages_{os.getpid()}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/8")
import django  # noqa: E402

import mailbox_project.testenv  # noqa: E402,F401  (test defaults for the rest of the environment)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.mailgen import MailboxFactory, Person, Vocabulary  # noqa: E402
from mailbox_project.mongo import get_database  # noqa: E402
from mails import store  # noqa: E402
from mails.gmail import FetchResult  # noqa: E402
from mails.highlight import highlight, linkify  # noqa: E402
from mails.models import Message, SyncState  # noqa: E402
from mails.search.service import search  # noqa: E402
from mails.store import store_fetched  # noqa: E402

SEED = 20261121
OWNER = Person("Pages Owner", "pages@bench.test")


def build(count: int) -> User:
    call_command("migrate", verbosity=0)
    meta = get_database()["bench_meta"]
    wanted = {"_id": "pages", "seed": SEED, "count": count}
    user = User.objects.filter(email=OWNER.address).first()
    if user and meta.find_one(wanted):
        print(f"reusing the stored mailbox ({count:,} messages)")
        return user
    User.objects.filter(email=OWNER.address).delete()
    get_database()["messages"].delete_many({})
    meta.delete_many({})
    import random

    vocabulary = Vocabulary(random.Random(SEED), 30_000)
    user = User.objects.create_user(email=OWNER.address, name=OWNER.name)
    state, _ = SyncState.objects.get_or_create(user=user)
    factory = MailboxFactory(SEED, OWNER, vocabulary, int(time.time() * 1000))
    for batch in factory.batches(count, 500):
        store_fetched(state, FetchResult(messages={m["id"]: m for m in batch}))
    meta.insert_one(wanted)
    print(f"stored {count:,} messages")
    return user


def query_mix(user: User) -> list[str]:
    sample = get_database()["messages"].find_one(
        {"user_id": user.pk, "subject": {"$regex": r"^\w+ \w+ \w+"}}
    )
    words = (sample or {}).get("subject", "meeting review agenda").lower().split()
    return ["", "meeting", words[-1], f'"{" ".join(words[1:3])}"', "has:attachment", "is:unread"]


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(user: User, call: Callable[[str], Any], queries: list[str], rounds: int) -> list[float]:
    for q in queries:  # warm-up
        call(q)
    samples = []
    for _ in range(rounds):
        for q in queries:
            store.mailbox_changed([user.pk])  # outside the timing: the first-page cache misses
            samples.append(timed(partial(call, q)))
    return samples


def get_ok(client: Client, path: str, params: dict[str, str]) -> None:
    response = client.get(path, params)
    if response.status_code != 200:
        raise SystemExit(f"{path} {params} answered {response.status_code}")


def get_page(client: Client, path: str, extra: dict[str, str], q: str) -> None:
    get_ok(client, path, {"q": q, **extra})


def report(name: str, samples: list[float], reference: float | None = None) -> float:
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    ratio = f"   {p50 / reference:4.2f}x the service" if reference else ""
    print(f"{name:<40} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms{ratio}")
    return p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    try:
        run(args)
    finally:
        database = get_database()
        database.client.drop_database(database.name)


def run(args: argparse.Namespace) -> None:
    user = build(args.messages)
    client = Client()
    client.force_login(user)
    queries = query_mix(user)
    print(f"{len(queries)} queries x {args.rounds} rounds: {queries}\n")

    service = report(
        "search service (reference)",
        measure(user, lambda q: search(user, q), queries, args.rounds),
    )
    for name, path, extra in [
        ("GET /mails?q=", "/mails", {}),
        ("GET /api/mails?q=", "/api/mails", {}),
        ("GET /api/mails?q=&fields=body", "/api/mails", {"fields": "body"}),
    ]:
        page = partial(get_page, client, path, extra)
        report(name, measure(user, page, queries, args.rounds), service)

    longest = max(
        Message.objects.for_user(user).only("gmail_id", "body_text"), key=lambda m: len(m.body_text)
    )
    open_longest = partial(get_ok, client, f"/mails/{longest.gmail_id}", {"q": "meeting"})
    detail = [timed(open_longest) for _ in range(args.rounds)]
    report(f"GET /mails/<id> ({len(longest.body_text):,} chars)", detail)

    ascii_text = ("Meeting notes at https://example.com/a?b=1 about the review. " * 1700)[:100_000]
    accented = ("Réunion au café près de https://exemple.fr/é — revue générale. " * 1700)[:100_000]
    for name, text in [("ASCII", ascii_text), ("accented", accented)]:
        terms = ["meeting", "review", "cafe"]
        hl = [timed(partial(highlight, text, terms)) for _ in range(5)]
        ln = [timed(partial(linkify, text, terms)) for _ in range(5)]
        print(f"highlight / linkify of 100 KB {name:<9} {statistics.median(hl):7.1f} ms / "
              f"{statistics.median(ln):7.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
