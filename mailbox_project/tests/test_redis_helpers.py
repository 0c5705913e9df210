"""The per-user lock against the real Redis: busy, lost locks surfaced, renewal, release."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

import pytest

from mailbox_project.redis import (
    Busy,
    LockLost,
    UserLock,
    client,
    connection,
    lock_key,
    user_lock,
)


def _user() -> str:
    # A fresh id per test: the locks live in the shared Redis database, not in a test database.
    return uuid.uuid4().hex


def _wait_for(condition: Callable[[], bool], deadline: float = 10.0) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _hold(kind: str, user: str, *, wait: float) -> None:
    with user_lock(kind, user, ttl=10, wait=wait):
        pass


def test_a_second_holder_is_busy_and_gets_it_after_release() -> None:
    user = _user()
    with user_lock("test", user, ttl=10), pytest.raises(Busy):
        _hold("test", user, wait=0)
    with user_lock("test", user, ttl=10) as lock:
        assert lock.locked()
    assert not connection().exists(lock_key("test", user))


def test_a_waiting_holder_gets_the_lock_when_it_is_released() -> None:
    user = _user()
    first = UserLock("test", user, ttl=10)
    assert first.acquire()
    releaser = threading.Timer(0.3, lambda: first.__exit__(None, None, None))
    releaser.start()
    began = time.monotonic()
    with user_lock("test", user, ttl=10, wait=10):
        waited = time.monotonic() - began
    releaser.join()
    assert 0.2 < waited < 10


def test_a_holder_that_waits_in_vain_is_busy() -> None:
    user = _user()
    with user_lock("test", user, ttl=10), pytest.raises(Busy):
        _hold("test", user, wait=0.3)


def test_a_lock_lost_under_a_finished_body_raises() -> None:
    user = _user()

    def overlapped() -> None:
        with user_lock("test", user, ttl=0.2):
            # Expired, then taken by someone else: the two bodies overlapped.
            assert _wait_for(lambda: not connection().exists(lock_key("test", user)))
            assert UserLock("test", user, ttl=10).acquire()

    with pytest.raises(LockLost):
        overlapped()
    # The other holder's lock is untouched by our release.
    assert connection().exists(lock_key("test", user))


def test_a_lost_lock_never_replaces_the_body_s_own_error() -> None:
    user = _user()

    def failed() -> None:
        with user_lock("test", user, ttl=0.2):
            assert _wait_for(lambda: not connection().exists(lock_key("test", user)))
            raise KeyError("the real failure")

    with pytest.raises(KeyError) as raised:
        failed()
    assert any("was lost" in note for note in raised.value.__notes__)


def test_a_caller_that_tolerates_a_lost_lock_still_sees_it() -> None:
    user = _user()
    with user_lock("test", user, ttl=0.2, on_lost="warn") as lock:
        assert _wait_for(lambda: not connection().exists(lock_key("test", user)))
    assert lock.lost


def test_renewal_keeps_a_short_lock_held_past_its_ttl() -> None:
    user = _user()
    renewals: list[float] = []
    lock = UserLock("test", user, ttl=0.4, renew=True, on_renew=lambda: renewals.append(1))
    assert lock.acquire()
    with lock:
        time.sleep(1.5)  # the body's own work, almost four TTLs long
        assert UserLock("test", user, ttl=10).locked()
    assert not lock.lost
    assert len(renewals) >= 3
    assert not connection().exists(lock_key("test", user))


def test_renewal_notices_a_takeover() -> None:
    user = _user()
    lock = UserLock("test", user, ttl=2, renew=True, on_lost="warn")
    assert lock.acquire()
    with lock:
        connection().set(lock_key("test", user), "someone else", ex=10)
        assert _wait_for(lambda: lock.lost)
    assert connection().get(lock_key("test", user)) == b"someone else"


def test_a_release_redis_cannot_answer_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The lock then expires on its own; the body's outcome stands."""
    user = _user()
    lock = UserLock("test", user, ttl=5)
    assert lock.acquire()
    # A client on a port nobody listens on stands in for a Redis that went away.
    lock._lock.redis = client("redis://127.0.0.1:1/0", timeout=0.2, retry=False)
    with lock:
        pass
    assert not lock.lost
    assert "not released" in caplog.text
    connection().delete(lock_key("test", user))


def test_client_opens_its_own_pool() -> None:
    url = connection().connection_pool.connection_kwargs
    own = client(
        f"redis://{url.get('host', '127.0.0.1')}:{url.get('port', 6379)}/{url.get('db', 0)}",
        timeout=1,
    )
    try:
        assert own.ping()
        assert own.connection_pool is not connection().connection_pool
    finally:
        own.close()
