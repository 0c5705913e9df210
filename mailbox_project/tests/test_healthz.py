"""GET /healthz reports each backing service as ok/down to everyone, details to staff or a
bearer of HEALTH_TOKEN, and never a 500."""

from __future__ import annotations

import socket

import pytest

pytestmark = pytest.mark.django_db

SERVICES = ("mongodb", "redis", "celery_broker")


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_everything_up_is_200_with_only_ok_for_the_public(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "services": dict.fromkeys(SERVICES, "ok")}
    assert response["Cache-Control"].startswith("max-age=0")


def test_staff_see_timings_and_topology(client, staff) -> None:
    client.force_login(staff)
    body = client.get("/healthz").json()
    assert body["down"] == []
    for name in SERVICES:
        assert body["details"][name]["ok"] is True
        assert body["details"][name]["ms"] >= 0
    assert body["details"]["mongodb"]["replica_set"] == "rs0"


def test_the_health_token_shows_details_and_a_wrong_one_does_not(client, settings) -> None:
    settings.HEALTH_TOKEN = "h3alth-t0ken"
    right = client.get("/healthz", headers={"Authorization": "Bearer h3alth-t0ken"}).json()
    assert right["details"]["mongodb"]["replica_set"] == "rs0"
    wrong = client.get("/healthz", headers={"Authorization": "Bearer guess"}).json()
    assert "details" not in wrong


def test_a_signed_in_person_who_is_not_staff_sees_only_ok(client, owner) -> None:
    client.force_login(owner)
    assert "details" not in client.get("/healthz").json()


def test_a_dead_redis_is_503_naming_redis_without_secrets(client, settings, staff) -> None:
    settings.REDIS_URL = f"redis://:s3cret-password@127.0.0.1:{dead_port()}/0"
    public = client.get("/healthz")
    assert public.status_code == 503
    assert public.json() == {
        "status": "down",
        "services": {"mongodb": "ok", "redis": "down", "celery_broker": "ok"},
    }
    client.force_login(staff)
    detailed = client.get("/healthz")
    assert detailed.status_code == 503
    assert detailed.json()["down"] == ["redis"]
    assert detailed.json()["details"]["redis"] == {"ok": False, "error": "ConnectionError"}
    for response in (public, detailed):
        assert b"s3cret" not in response.content
        assert b"Traceback" not in response.content


def test_a_dead_broker_is_named(client, settings) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{dead_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["services"]["celery_broker"] == "down"


def test_only_get_is_allowed(client) -> None:
    assert client.post("/healthz").status_code == 405
