"""Fixtures shared by every app's tests: personas, a clean Redis, a real Celery worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from accounts.models import User


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    # The test Redis database is the suite's own (see mailbox_project/testenv.py).
    cache.clear()
    yield


@pytest.fixture
def owner(db: None) -> User:
    return User.objects.create_user(email="owner@example.com", name="Olive Owner")


@pytest.fixture
def other_user(db: None) -> User:
    return User.objects.create_user(email="other@example.com", name="Otto Other")


@pytest.fixture
def staff(db: None) -> User:
    return User.objects.create_superuser(email="staff@example.com", password="staff-pass-123!")
