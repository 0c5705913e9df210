"""The TokenStore contract, held over {Mongo, SQLite} x {bare, caching, buffered}."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

from accounts.tokens.records import (
    ProviderCredentials,
    new_auth_code,
    new_client,
    new_session,
    new_state,
)

# --- OAuth states and authorization codes: one-time, expiring ---


def test_a_state_is_consumed_once(store, clock) -> None:
    record, state = new_state(now=clock(), redirect_uri="/mails", user_id="u1")
    store.store_state(record)
    assert store.consume_state(state) == record
    assert store.consume_state(state) is None


def test_an_expired_state_is_never_returned(store, clock) -> None:
    record, state = new_state(now=clock(), ttl=timedelta(minutes=10))
    store.store_state(record)
    clock.advance(minutes=10)
    assert store.consume_state(state) is None


def test_an_unknown_state_is_none(store) -> None:
    assert store.consume_state("mbx_st_never-issued") is None


def test_an_auth_code_loads_until_it_is_consumed_once(store, clock) -> None:
    record, code = new_auth_code("client-1", "u1", "https://app.example/cb", now=clock())
    store.store_auth_code(record)
    assert store.load_auth_code(code) == record
    assert store.consume_auth_code(code) == record
    assert store.consume_auth_code(code) is None
    assert store.load_auth_code(code) is None


def test_a_deleted_auth_code_is_gone(store, clock) -> None:
    record, code = new_auth_code("client-1", "u1", "https://app.example/cb", now=clock())
    store.store_auth_code(record)
    store.delete_auth_code(code)
    assert store.load_auth_code(code) is None
    assert store.consume_auth_code(code) is None


def test_an_expired_auth_code_is_neither_loaded_nor_consumed(store, clock) -> None:
    record, code = new_auth_code("c", "u1", "https://app.example/cb", now=clock())
    store.store_auth_code(record)
    clock.advance(seconds=60)
    assert store.load_auth_code(code) is None
    assert store.consume_auth_code(code) is None


def test_only_one_of_many_concurrent_consumers_gets_a_code(backend, clock) -> None:
    record, code = new_auth_code("c", "u1", "https://app.example/cb", now=clock())
    backend.store_auth_code(record)
    barrier = threading.Barrier(8)
    results = []

    def consume() -> None:
        barrier.wait()
        results.append(backend.consume_auth_code(code))

    threads = [threading.Thread(target=consume) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r for r in results if r is not None] == [record]


# --- Sessions ---


def test_a_session_loads_by_access_token_id_and_refresh_token(store, clock) -> None:
    issued = new_session("u1", "CLI on laptop", now=clock(), scopes=["mails:read"])
    store.store_session(issued.record)
    assert store.load_session_by_token(issued.access_token) == issued.record
    assert store.load_session_by_id(issued.record.session_id) == issued.record
    assert store.load_session_by_refresh_token(issued.refresh_token) == issued.record


def test_one_token_does_not_open_another_door(store, clock) -> None:
    issued = new_session("u1", "CLI", now=clock())
    store.store_session(issued.record)
    assert store.load_session_by_token(issued.refresh_token) is None
    assert store.load_session_by_refresh_token(issued.access_token) is None
    assert store.load_session_by_token(issued.record.access_token_hash) is None


def test_an_expired_access_token_fails_while_the_refresh_token_still_works(store, clock) -> None:
    issued = new_session(
        "u1", "CLI", now=clock(), access_ttl=timedelta(hours=1), refresh_ttl=timedelta(days=1)
    )
    store.store_session(issued.record)
    clock.advance(hours=1)
    assert store.load_session_by_token(issued.access_token) is None
    assert store.load_session_by_refresh_token(issued.refresh_token) == issued.record
    assert store.load_session_by_id(issued.record.session_id) == issued.record
    clock.advance(days=1)
    assert store.load_session_by_refresh_token(issued.refresh_token) is None
    assert store.load_session_by_id(issued.record.session_id) is None
    assert store.list_sessions_for_user("u1") == []


def test_a_session_without_refresh_token_is_found_by_access_token(store, clock) -> None:
    issued = new_session("u1", "script", now=clock(), refresh_ttl=None)
    assert issued.refresh_token is None
    store.store_session(issued.record)
    assert store.load_session_by_token(issued.access_token) == issued.record
    other = new_session("u1", "another script", now=clock(), refresh_ttl=None)
    store.store_session(other.record)  # two null refresh hashes do not collide
    assert len(store.list_sessions_for_user("u1")) == 2


def test_deleting_by_token_removes_every_way_in(store, clock) -> None:
    issued = new_session("u1", "CLI", now=clock())
    store.store_session(issued.record)
    store.load_session_by_id(issued.record.session_id)
    store.delete_session_by_token(issued.access_token)
    assert store.load_session_by_token(issued.access_token) is None
    assert store.load_session_by_id(issued.record.session_id) is None
    assert store.load_session_by_refresh_token(issued.refresh_token) is None


def test_deleting_by_id_removes_every_way_in(store, clock) -> None:
    issued = new_session("u1", "CLI", now=clock())
    store.store_session(issued.record)
    store.load_session_by_token(issued.access_token)
    store.delete_session_by_id(issued.record.session_id)
    assert store.load_session_by_token(issued.access_token) is None
    assert store.load_session_by_refresh_token(issued.refresh_token) is None
    assert store.load_session_by_id(issued.record.session_id) is None


def test_storing_again_replaces_the_session(store, clock) -> None:
    issued = new_session("u1", "old name", now=clock())
    store.store_session(issued.record)
    renamed = dataclasses.replace(issued.record, name="new name")
    store.store_session(renamed)
    assert store.load_session_by_token(issued.access_token) == renamed
    assert store.list_sessions_for_user("u1") == [renamed]


def test_rotated_tokens_retire_the_old_ones(store, clock) -> None:
    issued = new_session("u1", "CLI", now=clock())
    store.store_session(issued.record)
    store.load_session_by_token(issued.access_token)
    fresh = new_session("u1", "CLI", now=clock())
    rotated = dataclasses.replace(
        fresh.record, session_id=issued.record.session_id, created_at=issued.record.created_at
    )
    store.store_session(rotated)
    assert store.load_session_by_token(issued.access_token) is None
    assert store.load_session_by_refresh_token(issued.refresh_token) is None
    assert store.load_session_by_token(fresh.access_token) == rotated


def test_touch_moves_last_used_forward_only(store, clock) -> None:
    issued = new_session("u1", "CLI", now=clock())
    store.store_session(issued.record)
    later = clock() + timedelta(minutes=5)
    store.touch_session(issued.record.session_id, later)
    store.touch_session(issued.record.session_id, clock() + timedelta(minutes=1))
    assert store.load_session_by_id(issued.record.session_id).last_used_at == later
    assert store.load_session_by_token(issued.access_token).last_used_at == later


def test_touching_an_unknown_session_creates_nothing(store, clock) -> None:
    store.touch_session("no-such-session", clock())
    assert store.load_session_by_id("no-such-session") is None


def test_a_user_lists_only_their_own_live_sessions_newest_first(store, clock) -> None:
    first = new_session("u1", "first", now=clock())
    clock.advance(seconds=1)
    second = new_session("u1", "second", now=clock())
    theirs = new_session("u2", "not yours", now=clock())
    short = new_session(
        "u1", "short", now=clock(), access_ttl=timedelta(minutes=1), refresh_ttl=None
    )
    for issued in (first, second, theirs, short):
        store.store_session(issued.record)
    clock.advance(minutes=1)
    assert store.list_sessions_for_user("u1") == [second.record, first.record]
    assert store.list_sessions_for_user("u2") == [theirs.record]
    assert store.list_sessions_for_user("nobody") == []


# --- Clients ---


def test_a_client_is_stored_listed_verified_and_deleted(store, clock) -> None:
    record, secret = new_client("Thunderbird", now=clock(), redirect_uris=["http://127.0.0.1/cb"])
    other, _ = new_client("Other app", now=clock())
    store.store_client(record)
    store.store_client(other)
    assert store.load_client(record.client_id) == record
    assert sorted(store.list_clients(), key=lambda c: c.client_id) == sorted(
        [record, other], key=lambda c: c.client_id
    )
    assert store.verify_client_secret(record.client_id, secret)
    assert not store.verify_client_secret(record.client_id, secret + "x")
    assert not store.verify_client_secret(other.client_id, secret)
    assert not store.verify_client_secret("unknown-client", secret)
    store.delete_client(record.client_id)
    assert store.load_client(record.client_id) is None
    assert not store.verify_client_secret(record.client_id, secret)
    assert store.list_clients() == [other]


# --- Provider credentials ---


def _credentials(clock, user_id="u1", access="ya29.access-one", **changes) -> ProviderCredentials:
    credentials = ProviderCredentials(
        user_id=user_id,
        access_token=access,
        refresh_token="1//refresh-" + user_id,
        expires_at=clock() + timedelta(hours=1),
        scopes=("https://www.googleapis.com/auth/gmail.readonly",),
        updated_at=clock(),
    )
    return dataclasses.replace(credentials, **changes)


def test_provider_credentials_round_trip_per_user_and_provider(store, clock) -> None:
    mine, theirs = _credentials(clock, "u1"), _credentials(clock, "u2", access="ya29.theirs")
    store.store_provider_credentials(mine)
    store.store_provider_credentials(theirs)
    assert store.load_provider_credentials("u1") == mine
    assert store.load_provider_credentials("u1", "google") == mine
    assert store.load_provider_credentials("u2") == theirs
    assert store.load_provider_credentials("u1", "microsoft") is None
    assert sorted(store.iter_provider_credentials_ids(batch_size=1)) == [
        ("u1", "google"),
        ("u2", "google"),
    ]


def test_refreshed_provider_credentials_replace_the_old_ones(store, clock) -> None:
    store.store_provider_credentials(_credentials(clock))
    store.load_provider_credentials("u1")
    refreshed = _credentials(clock, access="ya29.access-two", refresh_token=None)
    store.store_provider_credentials(refreshed)
    assert store.load_provider_credentials("u1") == refreshed
    store.delete_provider_credentials("u1")
    assert store.load_provider_credentials("u1") is None
    assert list(store.iter_provider_credentials_ids()) == []


# --- Maintenance ---


def test_cleanup_removes_and_counts_only_expired_records(store, clock) -> None:
    now = clock()
    live_state, _ = new_state(now=now, ttl=timedelta(hours=1))
    dead_state, _ = new_state(now=now, ttl=timedelta(minutes=1))
    live_code, live_code_value = new_auth_code("c", "u1", "cb", now=now, ttl=timedelta(hours=1))
    dead_code, _ = new_auth_code("c", "u1", "cb", now=now, ttl=timedelta(minutes=1))
    live = new_session("u1", "live", now=now)
    dead = new_session("u1", "dead", now=now, access_ttl=timedelta(minutes=1), refresh_ttl=None)
    half = new_session("u1", "refreshable", now=now, access_ttl=timedelta(minutes=1))
    for state in (live_state, dead_state):
        store.store_state(state)
    for code in (live_code, dead_code):
        store.store_auth_code(code)
    for issued in (live, dead, half):
        store.store_session(issued.record)
    clock.advance(minutes=1)
    assert store.cleanup_expired() == {"states": 1, "auth_codes": 1, "sessions": 1}
    assert store.cleanup_expired() == {"states": 0, "auth_codes": 0, "sessions": 0}
    assert store.load_auth_code(live_code_value) == live_code
    assert {s.name for s in store.list_sessions_for_user("u1")} == {"live", "refreshable"}


def test_the_sqlite_backend_also_runs_in_memory(cipher, clock) -> None:
    from accounts.tokens.sqlite import SqliteTokenStore

    store = SqliteTokenStore(":memory:", cipher, clock=clock)
    issued = new_session("u1", "embedded", now=clock())
    store.store_session(issued.record)
    assert store.load_session_by_token(issued.access_token) == issued.record
    store.close()
