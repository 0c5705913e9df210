"""Where a search page's time goes, and what the first-page cache costs a page it need not keep.

    .venv/bin/python bench/search_page.py [--samples 300] [QUERY ...]

Runs against the mailbox ``bench/vs_notmuch.py`` left in ``MONGODB_NAME`` (its owner,
owner@bench.test; index it first with that script). For each query, in one process:

  - ``cache`` against ``no cache``: the whole ``mails.search.service.search`` of a first
    page, the two interleaved search by search (``plan.walks`` forced false, as before stop
    31, against the code as it is), the mailbox version bumped before each search so the
    cache misses as it does after any sync write; medians of ``--samples`` each;
  - the parts of one page: MongoDB's page read (``scan.read`` with the page's fields),
    building the ``Message`` instances (``loading.build``), and the Redis lookup and put.

Interleaving search by search keeps the machine's drift out of the difference; the absolute
figures move with the machine's load.
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
from typing import Any, TypeVar
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
os.environ.setdefault("MONGODB_NAME", "mailbox_bench_notmuch")
os.environ.setdefault("MONGODB_URI", "mongodb://127.0.0.1:27219/?replicaSet=rs0")
import django

import mailbox_project.testenv  # noqa: F401  (test defaults for the rest of the environment)

django.setup()

from accounts.models import User  # noqa: E402
from mailbox_project.mongo import get_database  # noqa: E402
from mails import store  # noqa: E402
from mails.search import loading, page_cache, scan, service  # noqa: E402
from mails.search.compiler import compile_query  # noqa: E402
from mails.search.parser import parse  # noqa: E402
from mails.search.plan import plan, walks  # noqa: E402

T = TypeVar("T")
QUERIES = ["meeting", "nukomeyo", "subject:invoice", "会議", "to:ivanova", "filename:pdf"]
PAGE = 50


def timed(action: Callable[[], T]) -> tuple[float, T]:
    """How long ``action`` took (ms), and what it returned."""
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def median(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f}"


def cache_or_not(user: User, query: str, samples: int) -> tuple[list[float], list[float]]:
    """The whole search with the cache (every first page looked up and put) and as built."""
    cached: list[float] = []
    uncached: list[float] = []

    def search() -> object:
        return service.search(user, query, page_size=PAGE)

    for _ in range(samples):
        store.mailbox_changed([user.pk])
        with patch.object(service, "walks", lambda how: False):
            cached.append(timed(search)[0])
        store.mailbox_changed([user.pk])
        uncached.append(timed(search)[0])
    return cached, uncached


def parts(user: User, query: str, samples: int) -> dict[str, list[float]]:
    """MongoDB's page read, building the instances, and the cache's lookup and put."""
    collection = get_database()["messages"]
    deferred = service._deferred(False)
    fields = loading.projection(deferred)
    how = plan(compile_query(parse(query), user))

    def read() -> list[dict[str, Any]]:
        return scan.read(collection, how, user.pk, None, PAGE + 1, fields)[:PAGE]

    def lookup() -> page_cache.Slot | None:
        return page_cache.lookup(user.pk, query, PAGE, False)[0]

    found: dict[str, list[float]] = {"read": [], "build": [], "lookup": [], "put": []}
    for _ in range(samples):
        took, documents = timed(read)
        found["read"].append(took)
        found["build"].append(timed(partial(loading.build, documents, deferred))[0])
        took, slot = timed(lookup)
        found["lookup"].append(took)
        if slot is not None:
            page = page_cache.CachedPage([str(d["_id"]) for d in documents], None)
            found["put"].append(timed(partial(page_cache.put, slot, page))[0])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="*", default=QUERIES)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    user = User.objects.filter(email="owner@bench.test").first()
    if user is None:
        sys.exit("no bench mailbox: run bench/vs_notmuch.py first (same MONGODB_NAME)")
    print(f"{get_database()['messages'].count_documents({'user_id': user.pk}):,} messages")
    print(
        f"{'query':18} {'walk':>4} {'cache':>6} {'no cache':>8} {'saved':>6}   "
        f"{'read':>6} {'build':>6} {'lookup':>6} {'put':>6}  (ms, medians)"
    )
    for query in args.queries:
        cached, uncached = cache_or_not(user, query, args.samples)
        split = parts(user, query, args.samples)
        is_walk = walks(plan(compile_query(parse(query), user)))
        saved = statistics.median(cached) - statistics.median(uncached)
        print(
            f"{query:18} {'yes' if is_walk else 'no':>4} {median(cached)} {median(uncached):>8} "
            f"{saved:6.2f}   {median(split['read'])} {median(split['build'])} "
            f"{median(split['lookup'])} {median(split['put'])}"
        )


if __name__ == "__main__":
    main()
