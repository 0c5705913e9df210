"""Benchmark: parse, compile and render time of long Gmail queries (issue 13).

Real job trackers send queries of thousands of characters; Mailbox accepts up to
``SEARCH_MAX_QUERY_CHARS`` (16,000). This prints, for several shapes of query of about that
length, the median and worst of ``--rounds`` runs of parse, compile (to the MongoDB filter)
and render (the canonical form, the cache key), and the same for a query a tenth as long,
so linear growth shows as a ~10x ratio (quadratic would be ~100x). No database is needed:
labels are given, not read.

    .venv/bin/python bench/query_parse.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
import django  # noqa: E402

import mailbox_project.testenv  # noqa: E402,F401  (test defaults for the rest of the environment)

django.setup()

from mails.search import compile_query, parse, render  # noqa: E402

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class BenchUser:
    pk: int = 1
    email: str = "me@example.com"


def fill(unit: Callable[[int], str], limit: int, joiner: str = " ") -> str:
    """As many units as fit in ``limit`` characters."""
    parts: list[str] = []
    length = 0
    for i in range(limit):
        part = unit(i)
        if length + len(part) + len(joiner) > limit:
            break
        parts.append(part)
        length += len(part) + len(joiner)
    return joiner.join(parts)


def shapes(limit: int) -> dict[str, str]:
    """Queries of about ``limit`` characters."""
    tracker_alternative = "(subject:(interview OR application) from:(greenhouse.io OR lever.co))"
    return {
        "ORs of senders": fill(lambda i: f"from:recruiter{i}@company{i}.example", limit, " OR "),
        "ORs of words": fill(lambda i: f"word{i}", limit, " OR "),
        "AND of exclusions": fill(lambda i: f"-subject:newsletter{i}", limit),
        "tracker shape": "after:2024/01/01 "
        + fill(lambda i: tracker_alternative, limit - 80, " OR ")
        + " -from:noreply -subject:digest",
        "phrases": fill(lambda i: f'"offer letter {i}"', limit, " OR "),
    }


def timed(function: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median and worst milliseconds of ``rounds`` calls."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    user = BenchUser()
    print(f"{'query':<20} {'chars':>6} {'parse ms':>14} {'compile ms':>14} {'render ms':>14}")
    for limit in (1_600, 16_000):
        for name, query in shapes(limit).items():
            tree = parse(query)
            parse_ms = timed(partial(parse, query), args.rounds)
            compile_ms = timed(partial(compile_query, tree, user, now=NOW, labels={}), args.rounds)
            render_ms = timed(partial(render, tree), args.rounds)
            timings = (parse_ms, compile_ms, render_ms)
            cells = [f"{median:6.2f} ({worst:5.2f})" for median, worst in timings]
            print(f"{name:<20} {len(query):>6} " + " ".join(f"{cell:>14}" for cell in cells))
    print("(median, worst in parentheses; a tenth of the length should take about a tenth)")


if __name__ == "__main__":
    main()
