"""Benchmark: how soon a Celery worker runs tasks again after a Redis outage ends.

    .venv/bin/python bench/redis_outage.py [--outages 5 30]

Starts its own redis-server (a free port, a temporary directory; never the shared one) as
broker, result backend and cache, and a real worker process on it. For each outage length: the
worker holds a countdown task (as a sync chain does), Redis is stopped for that many seconds and
started again on the same port, and a new task is sent at once. Prints, measured here, whether
the worker survived and the seconds from Redis answering again to the new task's result (the
worker's reconnect backoff grows 2, 4, 6 ... s up to 30 s with the outage's length).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MONGODB_NAME", "mailbox_bench_redis_outage")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
import mailbox_project.testenv  # noqa: E402, F401 - test defaults for the rest of the environment


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--outages", type=float, nargs="+", default=[5.0, 30.0])
    args = parser.parse_args()

    import django

    django.setup()
    from celery import Celery

    from mailbox_project.celery import app as project_app
    from mailbox_project.redis_server import PrivateRedis
    from mailbox_project.testing import start_worker, wait_until

    with tempfile.TemporaryDirectory() as tmp:
        server = PrivateRedis(Path(tmp) / "redis")
        server.start()
        # Celery prefers these variables to any configuration.
        os.environ.pop("CELERY_BROKER_URL", None)
        os.environ.pop("CELERY_RESULT_BACKEND", None)
        app = Celery("bench-redis-outage", set_as_current=False)
        app.conf.update(
            broker_url=server.url(2), result_backend=server.url(2),
            task_queues=project_app.conf.task_queues, accept_content=["json"],
        )  # fmt: skip
        env = {
            "REDIS_URL": server.url(1),
            "CELERY_BROKER_URL": server.url(2),
            "CELERY_RESULT_BACKEND": server.url(2),
        }
        worker = start_worker(
            "bench", Path(tmp), include="mailbox_project.tests.celery_tasks", env=env, app=app,
            timeout=60,
        )  # fmt: skip
        try:
            for outage in args.outages:
                held = app.send_task("tests.record", ("bench", "held"), queue="sync", countdown=600)
                held_id = held.id
                wait_until(lambda: held_id in worker.log(), 30, "the held task")  # noqa: B023
                server.stop()
                time.sleep(outage)
                survived = worker.alive()
                server.start()
                back = time.monotonic()
                fresh = app.send_task("tests.record", ("bench", "fresh"), queue="sync")
                fresh.get(timeout=120)
                resumed = time.monotonic() - back
                print(
                    f"outage {outage:5.1f} s: worker alive during it: {survived}; "
                    f"first task done {resumed:5.2f} s after Redis returned; "
                    f"alive after: {worker.alive()}"
                )
        finally:
            worker.stop()
            server.stop()


if __name__ == "__main__":
    main()
