# The mailbox fixture is imported from test_mail_pages; pytest injects it by parameter name.
"""With Redis down, every page and the API keep working from MongoDB: never a 500.

Redis is a cache and the broker here, not the system of record. Sessions are read from MongoDB,
caches are bypassed (search is served uncached), "sync now" says it cannot be queued, and
/healthz answers 503 naming Redis, with or without a session.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from mailbox_project.redis_server import PrivateRedis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Far above any page's time with Redis up: a page that waits this long is hanging on Redis.
HANG_SECONDS = 15


@pytest.fixture
def app_redis(private_redis: PrivateRedis, settings, monkeypatch) -> Iterator[PrivateRedis]:
    """Point this process's cache, locks, broker and health probes at ``private_redis``."""
    from mailbox_project.celery import app as project_app

    app: Any = project_app  # its pools are private attributes

    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = private_redis.url(1)
    settings.CACHES = caches
    settings.REDIS_URL = private_redis.url(1)
    settings.CELERY_BROKER_URL = private_redis.url(2)
    # Celery reads these variables before its configuration. Its connection and producer pools
    # are made on first use from them: new ones for this test, the suite's put back after it.
    monkeypatch.setenv("CELERY_BROKER_URL", private_redis.url(2))
    monkeypatch.setenv("CELERY_RESULT_BACKEND", private_redis.url(2))
    saved = app._pool, app.amqp._producer_pool
    app._pool = app.amqp._producer_pool = None
    yield private_redis
    app._pool, app.amqp._producer_pool = saved


def create_token(client: Client) -> str:
    page = client.post("/account/tokens", {"name": "outage", "expires_in_days": 30})
    return page.content.decode().split('<code class="token">', 1)[1].split("</code>", 1)[0]


@dataclass
class Visits:
    """Every answer during the outage, by path."""

    statuses: dict[str, int] = field(default_factory=dict)
    slowest: float = 0.0

    def get(self, client: Client, path: str, who: str = "", **kwargs) -> Any:
        return self._timed(f"{who}GET {path}", lambda: client.get(path, **kwargs))

    def post(self, client: Client, path: str, **kwargs) -> Any:
        return self._timed("POST " + path, lambda: client.post(path, **kwargs))

    def _timed(self, label: str, call) -> Any:
        began = time.monotonic()
        response = call()
        self.slowest = max(self.slowest, time.monotonic() - began)
        self.statuses[label] = response.status_code
        return response

    def errors(self) -> dict[str, int]:
        return {path: status for path, status in self.statuses.items() if status == 500}


def test_pages_and_the_api_keep_working_while_redis_is_down(app_redis, mailbox, client) -> None:
    gmail_id = mailbox.add(subject="Quillwort interview", body="Tuesday at ten")
    mailbox.sync()
    client.force_login(mailbox.user)
    token = create_token(client)
    assert client.get("/mails", {"q": "quillwort"}).status_code == 200  # cached while up
    # Count every answer instead of stopping at the first exception.
    client.raise_request_exception = False
    anonymous = Client(raise_request_exception=False)

    app_redis.stop()
    visits = Visits()
    for path in (
        "/mails", "/mails?q=quillwort", "/mails?q=tuesday", f"/mails/{gmail_id}",
        "/mails/sync-status", "/api/mails", "/api/mails?q=quillwort", f"/api/mails/{gmail_id}",
        "/applications", "/applications/dashboard", "/applications/not-job", "/account",
        "/account/tokens",
    ):  # fmt: skip
        visits.get(client, path)
    bearer = {"Authorization": f"Bearer {token}"}
    visits.get(anonymous, "/api/mails?q=quillwort", who="bearer ", headers=bearer)
    for path in ("/", "/sign_in", "/mails", "/api/mails"):
        visits.get(anonymous, path, who="anonymous ")
    queued = visits.post(client, "/mails/sync-now", follow=True)
    signed_in_health = visits.get(client, "/healthz")
    public_health = visits.get(anonymous, "/healthz", who="anonymous ")

    print(f"outage: {len(visits.statuses)} requests, {len(visits.errors())} answered 5xx")
    assert visits.errors() == {}, visits.statuses
    assert visits.slowest < HANG_SECONDS
    assert visits.statuses["GET /mails?q=quillwort"] == 200
    assert f"/mails/{gmail_id}".encode() in client.get("/mails", {"q": "quillwort"}).content
    assert visits.statuses[f"GET /mails/{gmail_id}"] == 200
    assert visits.statuses["GET /api/mails?q=quillwort"] == 200
    assert visits.statuses["bearer GET /api/mails?q=quillwort"] == 200
    assert b"cannot be queued now" in queued.content
    for health in (signed_in_health, public_health):
        assert health.status_code == 503
        assert health.json()["services"]["redis"] == "down"


def test_sync_now_is_queued_again_once_redis_is_back(app_redis, mailbox, client) -> None:
    client.force_login(mailbox.user)
    app_redis.stop()
    assert b"cannot be queued now" in client.post("/mails/sync-now", follow=True).content
    app_redis.start()
    response = client.post("/mails/sync-now", follow=True)
    assert response.status_code == 200
    assert b"Syncing now." in response.content
    assert client.get("/healthz").status_code == 200
