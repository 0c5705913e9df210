"""Receivers that feed the metrics from other apps' signals and Celery's (``OpsConfig.ready``).

No app's code knows of these: the sync announces stored messages (``messages_stored``), Celery
announces failures and retries, and a worker's readiness starts its heartbeat.
"""

from __future__ import annotations

import socket
from typing import Any

from celery.signals import task_failure, task_retry, worker_ready, worker_shutdown

from mailbox_project import events
from mailbox_project.metrics import SYNC_ERRORS, SYNC_MESSAGES_STORED, TASK_FAILURES
from mails.signals import messages_stored
from ops import heartbeats

SYNC_TASKS = "mails.tasks."


def count_stored(sender: Any, gmail_ids: list[str] | None = None, **_: Any) -> None:
    SYNC_MESSAGES_STORED.inc(len(gmail_ids or ()))


def count_failure(sender: Any = None, exception: BaseException | None = None, **_: Any) -> None:
    name = str(getattr(sender, "name", "unknown"))
    TASK_FAILURES.labels(task=name).inc()
    events.note("task-failure", name)
    if name.startswith(SYNC_TASKS):
        SYNC_ERRORS.labels(kind=type(exception).__name__ if exception else "unknown").inc()


def count_retry(sender: Any = None, reason: object = None, **_: Any) -> None:
    name = str(getattr(sender, "name", ""))
    if name.startswith(SYNC_TASKS):
        kind = type(reason).__name__ if isinstance(reason, BaseException) else "retry"
        SYNC_ERRORS.labels(kind=kind).inc()


def _worker_name(sender: Any) -> str:
    return str(getattr(sender, "hostname", None) or socket.gethostname())


def start_heartbeat(sender: Any = None, **_: Any) -> None:
    heartbeats.start(_worker_name(sender))


def stop_heartbeat(sender: Any = None, **_: Any) -> None:
    heartbeats.stop(_worker_name(sender))


def connect() -> None:
    """Connect every receiver (idempotent: dispatch uids)."""
    messages_stored.connect(count_stored, dispatch_uid="ops.count_stored")
    task_failure.connect(count_failure, weak=False, dispatch_uid="ops.count_failure")
    task_retry.connect(count_retry, weak=False, dispatch_uid="ops.count_retry")
    worker_ready.connect(start_heartbeat, weak=False, dispatch_uid="ops.heartbeat")
    worker_shutdown.connect(stop_heartbeat, weak=False, dispatch_uid="ops.heartbeat_stop")
