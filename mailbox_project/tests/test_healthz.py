"""GET /healthz reports each backing service, and never a 500."""

from __future__ import annotations

import socket

import pytest

pytestmark = pytest.mark.django_db


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_everything_up_is_200_with_timings(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    for name in ("mongodb", "redis", "celery_broker"):
        assert body["services"][name]["ok"] is True
        assert body["services"][name]["ms"] >= 0
    assert body["services"]["mongodb"]["replica_set"] == "rs0"
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_dead_redis_is_503_naming_redis_without_secrets(client, settings) -> None:
    settings.REDIS_URL = f"redis://:s3cret-password@127.0.0.1:{dead_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["redis"]
    assert body["services"]["redis"] == {"ok": False, "error": "ConnectionError"}
    assert b"s3cret" not in response.content
    assert b"Traceback" not in response.content


def test_a_dead_broker_is_named(client, settings) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{dead_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["celery_broker"]


def test_only_get_is_allowed(client) -> None:
    assert client.post("/healthz").status_code == 405
