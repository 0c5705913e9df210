"""Fixtures of the project-level tests: a private Redis that a test may take away."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailbox_project.redis_server import PrivateRedis


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of this test's own (never the shared one), stopped at the end."""
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()
