"""The Celery application. Its configuration is data in settings.py (the ``CELERY_`` names).

Queues: ``sync`` (mailbox sync), ``analysis`` (email analysis), ``maintenance`` (beat jobs).
Nothing here reads Django settings at import time: the app is imported by the project package,
and must not freeze settings before the environment is complete.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_init, worker_process_init
from kombu import Exchange, Queue

from mailbox_project import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
# Before any connection: a worker must outlive a Redis outage (see mailbox_project/broker.py).
broker.install()

QUEUES = ("sync", "analysis", "maintenance")

app = Celery("mailbox_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each queue bound to its own exchange and key: a bare Queue(name) inherits the default
# exchange and routing key, which would copy every task into all three queues.
app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name) for name in QUEUES]
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_bad_config(**_: Any) -> None:
    # A worker with a broken environment must not start consuming tasks it would fail, nor a
    # beat run a schedule silently rebuilt from defaults (a refused interval falls back).
    from django.core.exceptions import ImproperlyConfigured

    from mailbox_project.checks import fail_fast

    try:
        fail_fast()
    except ImproperlyConfigured as exc:
        # Celery logs and swallows an Exception raised by a signal handler (the process then
        # ran on regardless); SystemExit is no Exception, so it ends the process.
        raise SystemExit(f"refusing to start: {exc}") from exc


def settle_heap() -> None:
    """Put what the process has loaded so far out of the garbage collector's sight, for good.

    What a process imports at start (Django, the apps, their tables: ~130,000 objects) lives as
    long as it does, yet every full collection walked all of it again: on a sync, 3 full
    collections per 5,000 messages at ~70 ms each, 0.04 ms of CPU per message (bench/sync.py
    (b), ~10% of the sync's own). Frozen, collections walk only what the tasks made. Collected
    first, so no garbage is frozen with it.
    """
    gc.collect()
    gc.freeze()


@worker_process_init.connect
def _settle_worker_heap(**_: Any) -> None:
    # In each pool process, once it has started: everything a task needs is imported by then.
    settle_heap()
