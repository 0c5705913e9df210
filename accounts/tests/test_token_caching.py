"""CachingTokenStore: read-through, expiry-aware, invalidated by every write through it."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest

from accounts.tokens.caching import CachingTokenStore
from accounts.tokens.records import (
    ProviderCredentials,
    new_auth_code,
    new_client,
    new_session,
    new_state,
)


@pytest.fixture
def counted(backend, counting):
    return counting(backend)


@pytest.fixture
def cache(counted, clock):
    store = CachingTokenStore(
        counted, max_ttl=30, negative_ttl=5, skew=2, clock=clock, owns_delegate=False
    )
    yield store
    store.close()


def test_the_first_read_goes_to_the_backend_and_the_second_is_a_hit(cache, counted, clock):
    issued = new_session("u1", "CLI", now=clock())
    counted.store_session(issued.record)
    for _ in range(3):
        assert cache.load_session_by_token(issued.access_token) == issued.record
    assert counted.calls["load_session_by_token"] == 1
    # One cached record answers every key it is known by.
    assert cache.load_session_by_id(issued.record.session_id) == issued.record
    assert cache.load_session_by_refresh_token(issued.refresh_token) == issued.record
    assert counted.calls["load_session_by_id"] == 0
    assert counted.calls["load_session_by_refresh_token"] == 0
    assert cache.metrics()["sessions"]["hits"] == 4
    assert cache.metrics()["sessions"]["misses"] == 1


def test_codes_clients_and_credentials_are_read_through(cache, counted, clock):
    code_record, code = new_auth_code("c", "u1", "cb", now=clock(), ttl=timedelta(minutes=5))
    client, secret = new_client("App", now=clock())
    credentials = ProviderCredentials(
        "u1", "ya29.a", clock(), refresh_token="1//r", expires_at=clock() + timedelta(hours=1)
    )
    counted.store_auth_code(code_record)
    counted.store_client(client)
    counted.store_provider_credentials(credentials)
    for _ in range(2):
        assert cache.load_auth_code(code) == code_record
        assert cache.load_client(client.client_id) == client
        assert cache.verify_client_secret(client.client_id, secret)
        assert cache.load_provider_credentials("u1") == credentials
    assert counted.calls["load_auth_code"] == 1
    assert counted.calls["load_client"] == 1
    assert counted.calls["load_provider_credentials"] == 1


def test_the_cap_bounds_how_long_an_entry_lives(cache, counted, clock):
    client, _ = new_client("App", now=clock())
    counted.store_client(client)
    cache.load_client(client.client_id)
    clock.advance(seconds=29)
    cache.load_client(client.client_id)
    assert counted.calls["load_client"] == 1
    clock.advance(seconds=1)
    cache.load_client(client.client_id)
    assert counted.calls["load_client"] == 2
    assert cache.metrics()["clients"]["evictions"] == 1


def test_an_expired_session_is_evicted_and_not_returned(cache, counted, clock):
    issued = new_session("u1", "CLI", now=clock(), access_ttl=timedelta(minutes=10))
    counted.store_session(issued.record)
    cache.load_session_by_token(issued.access_token)
    clock.advance(minutes=10)
    assert cache.load_session_by_token(issued.access_token) is None
    assert counted.calls["load_session_by_token"] == 2


def test_skew_keeps_a_nearly_expired_session_from_being_served_from_memory(cache, counted, clock):
    issued = new_session(
        "u1", "CLI", now=clock(), access_ttl=timedelta(seconds=10), refresh_ttl=None
    )
    counted.store_session(issued.record)
    cache.load_session_by_token(issued.access_token)
    clock.advance(seconds=7.5)
    assert cache.load_session_by_token(issued.access_token) == issued.record
    assert counted.calls["load_session_by_token"] == 1
    clock.advance(seconds=1)  # 1.5 s left: inside the 2 s skew, so ask the backend
    assert cache.load_session_by_token(issued.access_token) == issued.record
    assert counted.calls["load_session_by_token"] == 2
    assert cache.load_session_by_token(issued.access_token) == issued.record
    assert counted.calls["load_session_by_token"] == 3  # and do not cache it again
    clock.advance(seconds=1.5)
    assert cache.load_session_by_token(issued.access_token) is None


def test_skew_applies_to_the_access_token_even_when_the_refresh_token_lives_on(
    cache, counted, clock
):
    issued = new_session("u1", "CLI", now=clock(), access_ttl=timedelta(seconds=10))
    counted.store_session(issued.record)
    cache.load_session_by_refresh_token(issued.refresh_token)
    clock.advance(seconds=9)
    assert cache.load_session_by_token(issued.access_token) == issued.record
    assert counted.calls["load_session_by_token"] == 1
    assert cache.load_session_by_refresh_token(issued.refresh_token) == issued.record
    assert counted.calls["load_session_by_refresh_token"] == 1


def test_skew_keeps_a_nearly_expired_code_from_being_served(cache, counted, clock):
    record, code = new_auth_code("c", "u1", "cb", now=clock(), ttl=timedelta(seconds=60))
    counted.store_auth_code(record)
    cache.load_auth_code(code)
    clock.advance(seconds=58.5)
    assert cache.load_auth_code(code) == record
    assert counted.calls["load_auth_code"] == 2
    clock.advance(seconds=1.5)
    assert cache.load_auth_code(code) is None


def test_states_are_never_cached(cache, counted, clock):
    record, state = new_state(now=clock(), ttl=timedelta(seconds=10))
    cache.store_state(record)
    assert cache.consume_state(state) == record
    assert cache.consume_state(state) is None
    assert counted.calls["consume_state"] == 2


def test_a_stored_session_replaces_the_cached_one_under_every_key(cache, counted, clock):
    issued = new_session("u1", "old", now=clock())
    cache.store_session(issued.record)
    cache.load_session_by_token(issued.access_token)
    renamed = dataclasses.replace(issued.record, name="new")
    cache.store_session(renamed)
    assert cache.load_session_by_token(issued.access_token).name == "new"
    assert cache.load_session_by_id(issued.record.session_id).name == "new"
    assert cache.load_session_by_refresh_token(issued.refresh_token).name == "new"


def test_a_rotated_access_token_is_not_served_from_the_old_entry(cache, counted, clock):
    issued = new_session("u1", "CLI", now=clock())
    cache.store_session(issued.record)
    cache.load_session_by_token(issued.access_token)
    fresh = new_session("u1", "CLI", now=clock())
    rotated = dataclasses.replace(fresh.record, session_id=issued.record.session_id)
    cache.store_session(rotated)
    assert cache.load_session_by_token(issued.access_token) is None
    assert cache.load_session_by_refresh_token(issued.refresh_token) is None
    assert cache.load_session_by_token(fresh.access_token) == rotated


@pytest.mark.parametrize("delete", ["by_token", "by_id"])
def test_deleting_a_session_evicts_every_key(cache, counted, clock, delete):
    issued = new_session("u1", "CLI", now=clock())
    cache.store_session(issued.record)
    cache.load_session_by_id(issued.record.session_id)
    if delete == "by_token":
        cache.delete_session_by_token(issued.access_token)
    else:
        cache.delete_session_by_id(issued.record.session_id)
    assert cache.load_session_by_token(issued.access_token) is None
    assert cache.load_session_by_id(issued.record.session_id) is None
    assert cache.load_session_by_refresh_token(issued.refresh_token) is None
    assert cache.metrics()["sessions"]["invalidations"] == 2


def test_consuming_or_deleting_a_code_evicts_it(cache, counted, clock):
    consumed, consumed_code = new_auth_code("c", "u1", "cb", now=clock())
    deleted, deleted_code = new_auth_code("c", "u1", "cb", now=clock())
    cache.store_auth_code(consumed)
    cache.store_auth_code(deleted)
    assert cache.load_auth_code(consumed_code) == consumed
    assert cache.load_auth_code(deleted_code) == deleted
    assert cache.consume_auth_code(consumed_code) == consumed
    cache.delete_auth_code(deleted_code)
    assert cache.load_auth_code(consumed_code) is None
    assert cache.load_auth_code(deleted_code) is None


def test_client_and_credential_writes_evict(cache, counted, clock):
    client, secret = new_client("App", now=clock())
    cache.store_client(client)
    assert cache.verify_client_secret(client.client_id, secret)
    renamed = dataclasses.replace(client, name="Renamed")
    cache.store_client(renamed)
    assert cache.load_client(client.client_id) == renamed
    cache.delete_client(client.client_id)
    assert not cache.verify_client_secret(client.client_id, secret)
    first = ProviderCredentials(
        "u1", "ya29.first", clock(), expires_at=clock() + timedelta(hours=1)
    )
    cache.store_provider_credentials(first)
    assert cache.load_provider_credentials("u1") == first
    second = dataclasses.replace(first, access_token="ya29.second")
    cache.store_provider_credentials(second)
    assert cache.load_provider_credentials("u1").access_token == "ya29.second"
    cache.delete_provider_credentials("u1")
    assert cache.load_provider_credentials("u1") is None


def test_credentials_are_cached_until_shortly_before_the_access_token_expires(
    cache, counted, clock
):
    credentials = ProviderCredentials(
        "u1", "ya29.a", clock(), expires_at=clock() + timedelta(seconds=20)
    )
    counted.store_provider_credentials(credentials)
    cache.load_provider_credentials("u1")
    clock.advance(seconds=17)
    cache.load_provider_credentials("u1")
    assert counted.calls["load_provider_credentials"] == 1
    clock.advance(seconds=1.5)
    cache.load_provider_credentials("u1")
    assert counted.calls["load_provider_credentials"] == 2


def test_a_touch_updates_the_cached_session_without_a_read(cache, counted, clock):
    issued = new_session("u1", "CLI", now=clock())
    cache.store_session(issued.record)
    cache.load_session_by_token(issued.access_token)
    when = clock() + timedelta(seconds=5)
    cache.touch_session(issued.record.session_id, when)
    assert cache.load_session_by_token(issued.access_token).last_used_at == when
    cache.touch_session(issued.record.session_id, clock())  # older: no step back
    assert cache.load_session_by_id(issued.record.session_id).last_used_at == when
    assert counted.calls["load_session_by_token"] == 1
    assert counted.delegate.load_session_by_id(issued.record.session_id).last_used_at == when


def test_misses_are_remembered_briefly(cache, counted, clock):
    issued = new_session("u1", "CLI", now=clock())
    assert cache.load_session_by_token(issued.access_token) is None
    assert cache.load_session_by_token(issued.access_token) is None
    assert counted.calls["load_session_by_token"] == 1
    assert cache.metrics()["sessions"]["negative_hits"] == 1
    clock.advance(seconds=5)
    assert cache.load_session_by_token(issued.access_token) is None
    assert counted.calls["load_session_by_token"] == 2


def test_a_write_through_the_cache_clears_a_remembered_miss(cache, counted, clock):
    issued = new_session("u1", "CLI", now=clock())
    client, _ = new_client("App", now=clock())
    assert cache.load_session_by_token(issued.access_token) is None
    assert cache.load_session_by_id(issued.record.session_id) is None
    assert cache.load_client(client.client_id) is None
    cache.store_session(issued.record)
    cache.store_client(client)
    assert cache.load_session_by_token(issued.access_token) == issued.record
    assert cache.load_session_by_id(issued.record.session_id) == issued.record
    assert cache.load_client(client.client_id) == client


def test_the_cache_is_bounded_and_counts_evictions(counted, clock):
    cache = CachingTokenStore(counted, maxsize=2, clock=clock, owns_delegate=False)
    sessions = [new_session("u1", f"s{i}", now=clock()) for i in range(3)]
    for issued in sessions:
        counted.store_session(issued.record)
        cache.load_session_by_token(issued.access_token)
    assert cache.metrics()["sessions"] | {} == {
        "hits": 0,
        "misses": 3,
        "negative_hits": 0,
        "invalidations": 0,
        "evictions": 1,
        "size": 2,
    }
    # The evicted session's aliases went with it: its other keys miss too.
    cache.load_session_by_refresh_token(sessions[0].refresh_token)
    assert counted.calls["load_session_by_refresh_token"] == 1


def test_metrics_hold_counts_only(cache, counted, clock):
    issued = new_session("user-secret-id", "Personal name", now=clock())
    cache.store_session(issued.record)
    cache.load_session_by_token(issued.access_token)
    cache.load_session_by_token("mbx_at_missing")
    text = repr(cache.metrics())
    for secret in (issued.access_token, issued.record.access_token_hash, "user-secret-id"):
        assert secret not in text
    assert all(isinstance(n, int) for kind in cache.metrics().values() for n in kind.values())


def test_no_thread_reads_a_value_older_than_a_write_that_returned(backend, clock):
    """Four writers bump version names while four readers hammer the same sessions.

    A reader notes the latest version whose write has returned, then reads: it must see that
    version or a newer one. A read-through that raced a write and cached the older value would
    fail this (try removing the generation check in CachingTokenStore._read).
    """
    cache = CachingTokenStore(backend, clock=clock, owns_delegate=False)
    sessions = [new_session("u1", "0", now=clock()) for _ in range(4)]
    for issued in sessions:
        cache.store_session(issued.record)
    published = [0] * len(sessions)
    lock = threading.Lock()
    stale: list[tuple[int, int]] = []
    done = threading.Event()

    def write(index: int) -> None:
        record = sessions[index].record
        for version in range(1, 61):
            cache.store_session(dataclasses.replace(record, name=str(version)))
            with lock:
                published[index] = version
            seen = cache.load_session_by_token(sessions[index].access_token)
            if int(seen.name) < version:
                stale.append((version, int(seen.name)))

    def read(offset: int) -> None:
        turn = offset
        while not done.is_set():
            index = turn % len(sessions)
            turn += 1
            with lock:
                expected = published[index]
            issued = sessions[index]
            seen = (
                cache.load_session_by_token(issued.access_token)
                if turn % 2
                else cache.load_session_by_id(issued.record.session_id)
            )
            if int(seen.name) < expected:
                stale.append((expected, int(seen.name)))

    writers = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    readers = [threading.Thread(target=read, args=(i,)) for i in range(4)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    for thread in readers:
        thread.join()
    assert stale == []
    assert [cache.load_session_by_id(s.record.session_id).name for s in sessions] == ["60"] * 4
    assert cache.metrics()["sessions"]["hits"] > 0
