"""A real worker process (not eager mode) runs tasks from the Redis broker."""

from __future__ import annotations

import subprocess
import sys
from typing import Any, cast

import pytest
from django.core.cache import cache

from mailbox_project.celery import app
from mailbox_project.testing import BASE_DIR, process_environment, wait_until
from mailbox_project.tests import celery_tasks

INCLUDE = "mailbox_project.tests.celery_tasks"


def test_a_worker_runs_a_task_and_returns_its_result(celery_workers) -> None:
    celery_workers(include=INCLUDE)
    result = celery_tasks.record.delay("worker-test:record", "hello")
    assert result.get(timeout=20) == "hello"
    assert cache.get("worker-test:record") == "hello"


def test_a_task_reschedules_itself_once(celery_workers) -> None:
    celery_workers(include=INCLUDE)
    celery_tasks.countdown.delay("worker-test:ticks", 1)
    wait_until(lambda: cache.get("worker-test:ticks") == [1, 0], 20, "two ticks")


def test_a_worker_process_freezes_what_it_loaded_at_start(celery_workers) -> None:
    # Full collections then skip Django and the apps (mailbox_project.celery.settle_heap).
    celery_workers(include=INCLUDE)
    assert celery_tasks.frozen_objects.delay().get(timeout=20) > 10_000


def test_the_configuration_guarantees_at_least_once_delivery() -> None:
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert conf.result_backend_transport_options["visibility_timeout"] == visibility
    assert conf.task_time_limit < visibility
    assert {queue.name for queue in conf.task_queues} == {"sync", "analysis", "maintenance"}
    for queue in conf.task_queues:
        assert queue.exchange.name == queue.routing_key == queue.name
    for entry in conf.beat_schedule.values():
        assert entry["options"]["expires"] > 0


def test_a_task_is_delivered_to_its_own_queue_only() -> None:
    from mails.tasks import dispatch_syncs

    app.control.purge()
    with app.connection_for_write() as connection:
        # Bind the queues as a starting worker does: routing follows these bindings.
        for queue in app.conf.task_queues:
            queue(connection.default_channel).declare()
    dispatch_syncs.apply_async(queue="sync")
    with app.connection_for_read() as connection:
        client = cast(Any, connection.default_channel).client
        lengths = {name: client.llen(name) for name in ("sync", "analysis", "maintenance")}
    app.control.purge()
    assert lengths == {"sync": 1, "analysis": 0, "maintenance": 0}


@pytest.mark.parametrize(
    "process",
    [["beat", "--schedule", "{tmp}/schedule"], ["worker", "-Q", "maintenance", "--pool", "solo"]],
)
def test_a_refused_setting_stops_beat_and_worker_at_start(process, tmp_path) -> None:
    # A refused value falls back to its default: neither process may run on it silently.
    # (Celery swallows an exception raised by a start-up signal handler: this failed before.)
    command = [sys.executable, "-m", "celery", "-A", "mailbox_project"]
    command += [part.format(tmp=tmp_path) for part in process]
    done = subprocess.run(
        command,
        cwd=BASE_DIR,
        env=process_environment(ANALYSIS_RECONCILE_EVERY="5"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "ANALYSIS_RECONCILE_EVERY must be at least 10" in done.stdout + done.stderr
