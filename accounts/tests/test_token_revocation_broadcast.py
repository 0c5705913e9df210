"""A token revoked in one process stops working at once in every other (issue 11).

Each process caches token records for up to TOKEN_STORE_CACHE_TTL; revocations are published
on Redis and every process's subscriber drops the entry. Two real processes: this test process
validates (and caches) a token, a child process revokes it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from accounts import api_tokens
from accounts.models import User
from accounts.tokens.caching import CachingTokenStore
from accounts.tokens.factory import build_backend, get_token_store
from accounts.tokens.invalidation import RedisInvalidations
from mailbox_project.testing import process_environment, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REVOKE = """
import sys, django
django.setup()
from accounts.tokens.factory import get_token_store
get_token_store().delete_session_by_id(sys.argv[1])
"""


def revoke_in_another_process(session_id: str) -> None:
    subprocess.run(
        [sys.executable, "-c", REVOKE, session_id],
        cwd=settings.BASE_DIR,
        env=process_environment(DJANGO_SETTINGS_MODULE="mailbox_project.settings"),
        check=True,
        timeout=60,
    )


def validates(token: str) -> bool:
    return get_token_store().load_session_by_token(token) is not None


def test_a_token_revoked_in_another_process_fails_here_within_a_second(client) -> None:
    user = User.objects.create_user(email="owner@example.com")
    issued = api_tokens.create(user, "script", days=30)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {issued.access_token}"}
    assert client.get("/api/mails", **bearer).status_code == 200
    assert validates(issued.access_token)
    hits = get_token_store().metrics()["sessions"]["hits"]
    assert validates(issued.access_token)
    assert get_token_store().metrics()["sessions"]["hits"] == hits + 1  # served from memory

    revoke_in_another_process(issued.record.session_id)
    revoked_at = time.monotonic()
    wait_until(lambda: not validates(issued.access_token), 1.0, "the revocation to arrive")
    print(f"revocation seen after {time.monotonic() - revoked_at:.3f} s")
    assert client.get("/api/mails", **bearer).status_code == 401


# --- A private Redis that the test may stop and start again --------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("no redis-server binary")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_until(self.answers, 15, "the private Redis")

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=0.5).ping())
        except (redis.RedisError, OSError):
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def caching_store(url: str) -> CachingTokenStore:
    invalidations = RedisInvalidations(url, "test:token-store", retry_delay=0.1)
    return CachingTokenStore(build_backend(), invalidations=invalidations)


def test_a_redis_outage_falls_back_to_the_ttl_and_the_subscriber_reconnects(
    private_redis: PrivateRedis,
) -> None:
    user = User.objects.create_user(email="owner@example.com")
    here, there = caching_store(private_redis.url), caching_store(private_redis.url)
    try:
        first = api_tokens.create(user, "first", days=30)
        second = api_tokens.create(user, "second", days=30)
        assert here.wait_until_listening(timeout=10)
        assert here.load_session_by_token(first.access_token) is not None

        private_redis.stop()
        # Validation never needs Redis; revoking still works, announced to nobody.
        assert here.load_session_by_token(second.access_token) is not None
        there.delete_session_by_id(first.record.session_id)
        assert there.load_session_by_token(first.access_token) is None

        private_redis.start()
        # Whatever was missed while Redis was away is dropped when the subscriber is back.
        wait_until(lambda: here.load_session_by_token(first.access_token) is None, 15, "resync")
        assert here.load_session_by_token(second.access_token) is not None
        there.delete_session_by_id(second.record.session_id)
        wait_until(lambda: here.load_session_by_token(second.access_token) is None, 5, "evict")
    finally:
        here.close()
        there.close()
