"""Fixtures shared by every app's tests: personas, a clean Redis, a real Celery worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from accounts.models import User
from mailbox_project.testing import WorkerProcess, start_worker


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    # The test Redis database is the suite's own (see mailbox_project/testenv.py).
    cache.clear()


@pytest.fixture
def owner(db: None) -> User:
    return User.objects.create_user(email="owner@example.com", name="Olive Owner")


@pytest.fixture
def other_user(db: None) -> User:
    return User.objects.create_user(email="other@example.com", name="Otto Other")


@pytest.fixture
def staff(db: None) -> User:
    return User.objects.create_superuser(email="staff@example.com", password="staff-pass-123!")


@pytest.fixture
def celery_workers(
    transactional_db: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real Celery worker processes on the test database; all are stopped afterwards.

    Tasks see only committed data, so tests using workers need ``transactional_db``.
    """
    from mailbox_project.celery import app

    app.control.purge()
    log_dir = tmp_path_factory.mktemp("workers")
    started: list[WorkerProcess] = []

    def start(name: str = "worker1", **kwargs: Any) -> WorkerProcess:
        worker = start_worker(name, log_dir, **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    app.control.purge()
