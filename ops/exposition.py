"""``GET /metrics``: the processes' counters plus state read at scrape time, for Prometheus.

Access: ``Authorization: Bearer METRICS_TOKEN``, or a client address in
``METRICS_ALLOWED_IPS``; anyone else gets 403 (401 with a challenge when a token is
configured). With neither setting the page answers nobody: metrics name users' activity.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from analysis import cache_metrics
from mailbox_project.celery import QUEUES
from mailbox_project.metrics import MULTIPROCESS
from mailbox_project.redis import client
from ops import heartbeats, status

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# kombu's Redis transport keeps a queue's priorities in keys "<queue>\x06\x16<priority>".
PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def queue_lengths() -> dict[str, int]:
    """Return the messages waiting in each Celery queue (one pipelined round trip)."""
    broker = client(settings.CELERY_BROKER_URL, timeout=2, retry=False)
    try:
        pipe = broker.pipeline(transaction=False)
        for queue in QUEUES:
            for suffix in PRIORITY_SUFFIXES:
                pipe.llen(queue + suffix)
        lengths = pipe.execute()
    finally:
        broker.close()
    per = len(PRIORITY_SUFFIXES)
    return {q: sum(int(n) for n in lengths[i * per : (i + 1) * per]) for i, q in enumerate(QUEUES)}


class StateCollector(Collector):
    """Figures that are state, not counts: read from Redis and the backup record per scrape."""

    def collect(self) -> Iterator[Metric]:
        yield from self._safely(self._queues)
        yield from self._safely(self._cache_tiers)
        yield from self._safely(self._workers)
        yield from self._safely(self._backup)

    def _safely(self, part: Callable[[], Iterator[Metric]]) -> Iterator[Metric]:
        try:
            yield from part()
        except (RedisError, OSError) as exc:
            logger.warning("metrics: %s skipped (%s)", getattr(part, "__name__", part), exc)

    def _queues(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "mailbox_celery_queue_length", "Tasks waiting in each Celery queue.", labels=["queue"]
        )
        for queue, length in queue_lengths().items():
            family.add_metric([queue], length)
        yield family

    def _cache_tiers(self) -> Iterator[Metric]:
        lookups = CounterMetricFamily(
            "mailbox_analysis_cache_lookups",
            "Analysis cache lookups per tier and result, summed over all processes.",
            labels=["tier", "result"],
        )
        evictions = CounterMetricFamily(
            "mailbox_analysis_cache_evictions",
            "Analysis cache evictions per tier.",
            labels=["tier"],
        )
        for tier, row in cache_metrics.totals().items():
            lookups.add_metric([tier, "hit"], row["hits"])
            lookups.add_metric([tier, "miss"], row["misses"])
            evictions.add_metric([tier], row["evictions"])
        yield lookups
        yield evictions

    def _workers(self) -> Iterator[Metric]:
        now = datetime.now(UTC).timestamp()
        alive = sum(1 for t in heartbeats.last_beats().values() if now - t < heartbeats.STALE)
        yield GaugeMetricFamily(
            "mailbox_celery_workers_alive", "Workers whose heartbeat is recent.", value=alive
        )

    def _backup(self) -> Iterator[Metric]:
        record = status.read()
        if record.last_success_at is not None:
            at = record.last_success_at.timestamp()
            yield GaugeMetricFamily(
                "mailbox_backup_last_success_timestamp_seconds",
                "When the last backup finished.",
                value=at,
            )
            yield GaugeMetricFamily(
                "mailbox_backup_age_seconds",
                "Seconds since the last successful backup.",
                value=datetime.now(UTC).timestamp() - at,
            )
            yield GaugeMetricFamily(
                "mailbox_backup_size_bytes",
                "Size of the last backup.",
                value=record.last_success_bytes,
            )
        if record.last_failure_at is not None:
            yield GaugeMetricFamily(
                "mailbox_backup_last_failure_timestamp_seconds",
                "When a scheduled backup last failed.",
                value=record.last_failure_at.timestamp(),
            )


def allowed(request: HttpRequest) -> bool:
    """Return whether the request may read the metrics (bearer token or allowed address)."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    address = request.META.get("REMOTE_ADDR", "")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in settings.METRICS_ALLOWED_IPS:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue  # rejected at boot by the system check; never matches
    return False


def render() -> bytes:
    """Return the exposition text: every process's counters, then the scrape-time state."""
    state = CollectorRegistry()
    state.register(StateCollector())
    if MULTIPROCESS:
        counters = CollectorRegistry()
        MultiProcessCollector(counters)  # type: ignore[no-untyped-call]
        return generate_latest(counters) + generate_latest(state)
    return generate_latest(REGISTRY) + generate_latest(state)


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        response = HttpResponse("metrics need a bearer token or an allowed address\n", status=403)
        if settings.METRICS_TOKEN:
            response.status_code = 401
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(render(), content_type=CONTENT_TYPE)
