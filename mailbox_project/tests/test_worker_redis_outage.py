"""A Celery worker rides out a Redis outage and carries on when Redis returns.

The worker and this test talk to a private redis-server (broker, results and cache), which the
test stops and starts again on the same port. celery 5.7.0 ended the worker here: the worker
held a countdown task unacknowledged, and closing the dead connection a second time restored
it through a transport already detached (``AttributeError: 'NoneType' object has no attribute
'hostname'``), so the process exited with code 1.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from celery import Celery

from mailbox_project.redis_server import PrivateRedis
from mailbox_project.testing import WorkerProcess, start_worker, wait_until

pytestmark = pytest.mark.slow

INCLUDE = "mailbox_project.tests.celery_tasks"
# Short enough for a test to see a held message come back, and still over a task's time limit
# plus the sync interval (the settings refuse anything else).
VISIBILITY_TIMEOUT = 60
OUTAGE_SECONDS = 5


def broker_app(server: PrivateRedis, monkeypatch: pytest.MonkeyPatch) -> Celery:
    """A Celery app of this test process on the private broker, routed like the project's."""
    from mailbox_project.celery import app

    # Celery prefers these variables to any configuration: without them, the app's own wins.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    private = Celery("redis-outage", set_as_current=False)
    private.conf.update(
        broker_url=server.url(2),
        result_backend=server.url(2),
        task_queues=app.conf.task_queues,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
    )
    return private


def worker_on(server: PrivateRedis, app: Celery, log_dir: Path) -> WorkerProcess:
    env = {
        "REDIS_URL": server.url(1),
        "CELERY_BROKER_URL": server.url(2),
        "CELERY_RESULT_BACKEND": server.url(2),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_TASK_TIME_LIMIT": "30",
        "CELERY_TASK_SOFT_TIME_LIMIT": "20",
        "SYNC_INTERVAL": "10",
    }
    return start_worker("outage", log_dir, include=INCLUDE, env=env, app=app, timeout=60)


def test_a_worker_holding_a_countdown_task_survives_redis_going_away(
    private_redis: PrivateRedis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = broker_app(private_redis, monkeypatch)
    worker = worker_on(private_redis, app, tmp_path)
    try:
        # Held unacknowledged by the worker until its countdown ends, as a sync chain's next step.
        held = app.send_task("tests.record", ("outage:held", "held"), queue="sync", countdown=45)
        wait_until(lambda: held.id in worker.log(), 30, "the worker to receive the held task")

        private_redis.stop()
        time.sleep(OUTAGE_SECONDS)  # the outage itself, not a wait for a condition
        assert worker.alive(), worker.log()[-3000:]

        private_redis.start()
        fresh = app.send_task("tests.record", ("outage:fresh", "fresh"), queue="sync")
        assert fresh.get(timeout=90) == "fresh"
        assert worker.alive()
        # The held message went back to Redis unacknowledged: it is redelivered once the
        # visibility timeout passes, so nothing held at the outage is lost.
        assert held.get(timeout=VISIBILITY_TIMEOUT + 90) == "held"
        assert "Unrecoverable error" not in worker.log()
    finally:
        worker.stop()
