"""Tasks that exist only for the worker tests (loaded with ``celery worker --include``)."""

from __future__ import annotations

import gc

from django.core.cache import cache

from mailbox_project.celery import app


@app.task(name="tests.record")
def record(key: str, value: str) -> str:
    cache.set(key, value, timeout=60)
    return value


@app.task(name="tests.countdown", bind=True)
def countdown(self: object, key: str, remaining: int) -> int:
    """Append a tick, then reschedule itself until ``remaining`` reaches zero."""
    cache.set(key, (cache.get(key) or []) + [remaining], timeout=60)
    if remaining > 0:
        countdown.apply_async((key, remaining - 1), countdown=0.1)
    return remaining


@app.task(name="tests.frozen_objects")
def frozen_objects() -> int:
    """Return how many objects the worker's process froze at start (``settle_heap``)."""
    return gc.get_freeze_count()
