"""Prometheus metrics: what the processes count, and the ``/metrics`` page that shows them.

A leaf module: it imports only ``prometheus_client``, Django's settings and
``mailbox_project.redis``, so the apps may call its helpers (``gmail_call``...) from their
seams without depending on the rest of ``ops``.

Multi-process: with ``PROMETHEUS_MULTIPROC_DIR`` set (compose sets it for web and workers, on
a shared volume), every process writes its counters to files there and ``/metrics`` sums them
(prometheus-client's multiprocess mode), so gunicorn's workers and Celery's prefork children
all count. Files are named by host name and pid, not pid alone: containers have pid
namespaces of their own, and two workers both pid 7 must not share a file. Only counters and
histograms are kept this way; figures that are state (queue lengths, backup age, cache tier
totals) are read at scrape time from Redis by ``StateCollector``.
"""

from __future__ import annotations

import collections
import os
import socket
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

# prometheus-client switches to multiprocess mode when the variable is present at all; an empty
# one (an .env line left blank) would put its files in the working directory. Empty means off.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR") == "":
    del os.environ["PROMETHEUS_MULTIPROC_DIR"]

from prometheus_client import Counter, Histogram, values

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
if MULTIPROCESS:
    _host = socket.gethostname()
    # The identifier only ever goes into a file name, so text works as well as a pid.
    values.ValueClass = values.MultiProcessValue(  # type: ignore[no-untyped-call]
        process_identifier=lambda: f"{_host}-{os.getpid()}"
    )

SYNC_MESSAGES_STORED = Counter(
    "mailbox_sync_messages_stored", "Messages written by the sync (new or updated)."
)
SYNC_ERRORS = Counter(
    "mailbox_sync_errors", "Sync task failures and retries, by exception kind.", ["kind"]
)
TASK_FAILURES = Counter("mailbox_task_failures", "Celery task failures, by task name.", ["task"])
GMAIL_CALLS = Counter(
    "mailbox_gmail_calls",
    "Gmail API calls by method and outcome (ok, rate_limited, error).",
    ["method", "outcome"],
)
QUOTA_WAIT = Counter(
    "mailbox_gmail_quota_wait_seconds", "Seconds spent sleeping for our own Gmail quota bucket."
)
SEARCH_SECONDS = Histogram(
    "mailbox_search_seconds",
    "Search requests (page and API), request to response.",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SEARCH_PAGE_CACHE = Counter(
    "mailbox_search_page_cache_lookups",
    "First-page search cache lookups in Redis, by result (hit, miss).",
    ["result"],
)
HTTP_REQUESTS = Counter(
    "mailbox_http_requests", "HTTP requests by route name and status class.", ["route", "status"]
)
HTTP_SECONDS = Histogram(
    "mailbox_http_request_seconds",
    "HTTP request latency by route name.",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

OUTCOMES = ("ok", "rate_limited", "error")


def gmail_call(method: str, error: BaseException | None = None) -> None:
    """Count one Gmail call; ``error`` is the domain error it ended in, if any."""
    GMAIL_CALLS.labels(method=method, outcome=_outcome(error)).inc()
    if error is not None and _outcome(error) == "rate_limited":
        _note_event("gmail-429")


def gmail_batch(method: str, outcomes: Iterable[object]) -> None:
    """Count the parts of a batch: each part is a response, or the exception it ended in.

    One increment per outcome, by the number of parts that had it: a label look-up and an
    increment per part was a twentieth of a fetch thread's CPU.
    """
    counts = collections.Counter(
        _outcome(outcome if isinstance(outcome, BaseException) else None) for outcome in outcomes
    )
    for outcome, count in counts.items():
        GMAIL_CALLS.labels(method=method, outcome=outcome).inc(count)
    for _ in range(counts["rate_limited"]):
        _note_event("gmail-429")


def search_page_cache(hit: bool) -> None:
    """Count one lookup of a cached first page (later pages and fixed clocks never look)."""
    SEARCH_PAGE_CACHE.labels(result="hit" if hit else "miss").inc()


def quota_waited(seconds: float) -> None:
    if seconds > 0:
        QUOTA_WAIT.inc(seconds)


@contextmanager
def timed(histogram: Histogram, **labels: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        histogram.labels(**labels).observe(time.perf_counter() - started)


def _outcome(error: BaseException | None) -> str:
    if error is None:
        return "ok"
    # By name: this module must not import mails (mails imports it).
    if type(error).__name__ == "RateLimited":
        return "rate_limited"
    return "error"


def _note_event(kind: str) -> None:
    """Remember an event's time in Redis for "in the last hour" figures (System page)."""
    from mailbox_project.events import note

    note(kind)
