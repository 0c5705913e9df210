"""``/metrics``: who may read it, and what it counts."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mailbox_project import events
from mailbox_project.metrics import gmail_batch, gmail_call
from mails.models import Message

TOKEN = "metrics-test-token-0123456789"


def _value(text: str, name: str, **labels: str) -> float:
    """Return one sample's value from exposition text (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    for line in text.splitlines():
        if not line.startswith("#"):
            found = re.fullmatch(pattern, _sorted_labels(line))
            if found:
                return float(found.group(1))
    return 0.0


def _sorted_labels(line: str) -> str:
    match = re.fullmatch(r"([^{ ]+)\{([^}]*)\} (\S+)", line)
    if not match:
        return line
    parts = sorted(re.findall(r'\w+="[^"]*"', match.group(2)))
    return f"{match.group(1)}{{{','.join(parts)}}} {match.group(3)}"


@pytest.fixture
def scrape(settings, client: Client):
    settings.METRICS_TOKEN = TOKEN

    def get() -> str:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_metrics_need_the_token_or_an_allowed_address(settings, client: Client) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 403
    settings.METRICS_TOKEN = TOKEN
    refused = client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.1").status_code == 403


def test_requests_and_search_latency_are_counted_by_route(scrape, client, owner) -> None:
    before = scrape()
    client.force_login(owner)
    assert client.get("/mails", {"q": "invoice"}).status_code == 200
    client.get("/healthz")
    after = scrape()
    route = {"route": "healthz", "status": "2xx"}
    assert _value(after, "mailbox_http_requests_total", **route) == (
        _value(before, "mailbox_http_requests_total", **route) + 1
    )
    count = "mailbox_search_seconds_count"
    assert _value(after, count, endpoint="mails:list") == (
        _value(before, count, endpoint="mails:list") + 1
    )


def test_a_real_sync_counts_stored_messages_and_gmail_calls(scrape, mailbox) -> None:
    before = scrape()
    mailbox.sync()
    after = scrape()
    stored = Message.objects.filter(user=mailbox.user).count()
    assert stored > 0
    name = "mailbox_sync_messages_stored_total"
    assert _value(after, name) == _value(before, name) + stored
    calls = "mailbox_gmail_calls_total"
    for method in ("getProfile", "messages.list", "messages.get"):
        ok = {"method": method, "outcome": "ok"}
        assert _value(after, calls, **ok) > _value(before, calls, **ok), method
    gets = {"method": "messages.get", "outcome": "ok"}
    assert _value(after, calls, **gets) - _value(before, calls, **gets) == stored


def test_a_rate_limited_call_is_counted_and_remembered_for_the_hour(scrape) -> None:
    from mails.gmail import RateLimited

    before = scrape()
    gmail_call("messages.get", RateLimited("429"))
    after = scrape()
    calls = "mailbox_gmail_calls_total"
    limited = {"method": "messages.get", "outcome": "rate_limited"}
    assert _value(after, calls, **limited) == _value(before, calls, **limited) + 1
    assert events.recent("gmail-429")[""] == 1


def test_a_batch_counts_each_part_by_its_outcome(scrape) -> None:
    from mails.gmail import RateLimited, TransientError

    before = scrape()
    limited = [RateLimited("429"), RateLimited("429")]
    gmail_batch("messages.get", [{"id": "a"}, *limited, TransientError("5xx"), {"id": "b"}, {}])
    after = scrape()
    calls = "mailbox_gmail_calls_total"
    for outcome, parts in (("ok", 3), ("rate_limited", 2), ("error", 1)):
        labels = {"method": "messages.get", "outcome": outcome}
        assert _value(after, calls, **labels) == _value(before, calls, **labels) + parts
    assert events.recent("gmail-429")[""] == 2


def test_state_is_read_at_scrape_time(scrape, settings) -> None:
    from mailbox_project.redis import client as redis_client

    broker = redis_client(settings.CELERY_BROKER_URL, timeout=2)
    broker.delete("maintenance")
    broker.rpush("maintenance", "a", "b")
    try:
        text = scrape()
    finally:
        broker.delete("maintenance")
    assert _value(text, "mailbox_celery_queue_length", queue="maintenance") == 2
    assert "mailbox_analysis_cache_lookups_total" in text


def test_celery_failures_count_as_task_failures_and_sync_errors_by_kind(scrape) -> None:
    from celery.signals import task_failure

    from mails.gmail import RateLimited
    from mails.tasks import sync_mailbox

    before = scrape()
    task_failure.send(sender=sync_mailbox, task_id="t1", exception=RateLimited("429"))
    after = scrape()
    failures = {"task": "mails.tasks.sync_mailbox"}
    name = "mailbox_task_failures_total"
    assert _value(after, name, **failures) == _value(before, name, **failures) + 1
    errors = "mailbox_sync_errors_total"
    assert (
        _value(after, errors, kind="RateLimited") == _value(before, errors, kind="RateLimited") + 1
    )
    assert events.recent("task-failure")["mails.tasks.sync_mailbox"] == 1


@pytest.mark.slow
def test_a_real_worker_reports_its_heartbeat(celery_workers, scrape) -> None:
    from mailbox_project.testing import wait_until
    from ops import heartbeats

    celery_workers("heartbeat-worker")
    wait_until(lambda: heartbeats.last_beats(), 60, "the worker's first heartbeat")
    assert _value(scrape(), "mailbox_celery_workers_alive") >= 1
