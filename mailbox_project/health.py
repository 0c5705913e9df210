"""``GET /healthz``: is each backing service reachable, and how fast does it answer?

Each probe is one cheap round trip on an already-open connection pool (a ping, a ``hello``),
with a short timeout, so orchestrators can poll it every second. Everyone gets 200 or 503 and
each service's ``ok``/``down``; timings, the replica set and error classes (the topology) only
staff or a caller with ``Authorization: Bearer <HEALTH_TOKEN>`` see. Even then failures are
reported by exception class only: no URLs, credentials or stack traces leave the process.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis import Redis

from mailbox_project.mongo import get_database
from mailbox_project.redis import client

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 1


def _probe(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    began = time.perf_counter()
    try:
        details = check()
    except Exception as exc:  # noqa: BLE001 - any failure means "down", reported by class name
        logger.warning("health probe %s failed: %s", check.__name__, type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}
    elapsed = round((time.perf_counter() - began) * 1000, 2)
    return {"ok": True, "ms": elapsed, **details}


def check_mongodb() -> dict[str, Any]:
    hello = get_database().command("hello")
    if not hello.get("isWritablePrimary"):
        raise RuntimeError("not primary")
    return {"replica_set": hello.get("setName"), "primary": True}


@lru_cache(maxsize=4)
def _redis_client(url: str) -> Redis:
    # One pooled client per URL for the life of the process: a new TCP connection per poll
    # would cost more than the ping it carries.
    return client(url, timeout=PROBE_TIMEOUT_SECONDS)


def check_redis() -> dict[str, Any]:
    _redis_client(settings.REDIS_URL).ping()
    return {}


def check_broker() -> dict[str, Any]:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        _redis_client(url).ping()
        return {}
    from mailbox_project.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT_SECONDS)
    return {}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "mongodb": check_mongodb,
    "redis": check_redis,
    "celery_broker": check_broker,
}


def may_see_details(request: HttpRequest) -> bool:
    """Staff (a session, read from MongoDB) or the bearer of ``HEALTH_TOKEN``."""
    token = settings.HEALTH_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Return 200 when every service is up, else 503; each service is "ok" or "down"."""
    results = {name: _probe(check) for name, check in CHECKS.items()}
    down = [name for name, result in results.items() if not result["ok"]]
    body: dict[str, Any] = {
        "status": "down" if down else "ok",
        "services": {name: "ok" if result["ok"] else "down" for name, result in results.items()},
    }
    if may_see_details(request):
        body |= {"down": down, "details": results}
    return JsonResponse(body, status=503 if down else 200)
