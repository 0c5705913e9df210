"""The optional bulk capability: the same outcome as the single operations, in one transaction."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from accounts.tokens.buffered import BufferedTokenStore
from accounts.tokens.bulk import BulkSessionStore
from accounts.tokens.records import new_session


def _snapshot(store, user_ids=("u1", "u2")):
    """Return everything observable about the users' sessions, ignoring session identity."""
    return sorted(
        (s.user_id, s.name, s.access_token_hash, s.last_used_at)
        for user_id in user_ids
        for s in store.list_sessions_for_user(user_id)
    )


def _empty(store):
    for user_id in ("u1", "u2"):
        for session in store.list_sessions_for_user(user_id):
            store.delete_session_by_id(session.session_id)


def test_both_backends_advertise_bulk(backend, without_bulk):
    assert isinstance(backend, BulkSessionStore)
    assert not isinstance(without_bulk(backend), BulkSessionStore)


def test_bulk_writes_match_looping_the_single_operations(backend, clock):
    issued = [new_session(f"u{1 + i % 2}", f"s{i}", now=clock()) for i in range(12)]
    records = [one.record for one in issued]
    touches = {r.session_id: clock() + timedelta(seconds=i) for i, r in enumerate(records[:6])}
    doomed_hashes = [r.access_token_hash for r in records[6:8]]
    doomed_ids = [r.session_id for r in records[8:10]]

    for record in records:
        backend.store_session(record)
    for session_id, when in touches.items():
        backend.touch_session(session_id, when)
    for one in issued[6:8]:
        backend.delete_session_by_token(one.access_token)
    for session_id in doomed_ids:
        backend.delete_session_by_id(session_id)
    looped = _snapshot(backend)
    _empty(backend)

    backend.bulk_store_sessions(records)
    assert backend.bulk_touch_sessions(touches) == 6
    assert backend.bulk_delete_sessions_by_hash(doomed_hashes) == 2
    assert backend.bulk_delete_sessions_by_id(doomed_ids) == 2
    assert _snapshot(backend) == looped
    assert len(looped) == 8


def test_bulk_calls_count_only_what_exists(backend, clock):
    (record,) = [new_session("u1", "only", now=clock()).record]
    backend.bulk_store_sessions([record])
    assert backend.bulk_touch_sessions({record.session_id: clock(), "ghost": clock()}) == 1
    assert backend.bulk_delete_sessions_by_hash(["0" * 64]) == 0
    assert backend.bulk_delete_sessions_by_id(["ghost", record.session_id]) == 1
    assert backend.bulk_store_sessions([]) is None
    assert backend.bulk_touch_sessions({}) == 0


def test_bulk_touch_never_moves_last_used_backwards(backend, clock):
    record = new_session("u1", "s", now=clock()).record
    later = clock() + timedelta(minutes=5)
    backend.bulk_store_sessions([dataclasses.replace(record, last_used_at=later)])
    backend.bulk_touch_sessions({record.session_id: clock()})
    assert backend.load_session_by_id(record.session_id).last_used_at == later


def test_a_failing_bulk_store_writes_nothing(backend, backend_kind, clock):
    good = new_session("u1", "good", now=clock()).record
    if backend_kind == "mongo":
        # Same access hash as `good` under another id: the unique index refuses it.
        bad = dataclasses.replace(
            new_session("u1", "bad", now=clock()).record, access_token_hash=good.access_token_hash
        )
    else:
        bad = dataclasses.replace(good, session_id="other", name=None)  # NOT NULL refuses it
    with pytest.raises(Exception):  # noqa: B017, PT011 - each backend's own integrity error
        backend.bulk_store_sessions([good, bad])
    assert backend.list_sessions_for_user("u1") == []


def test_the_buffer_without_bulk_reaches_the_same_state(backend, without_bulk, clock):
    issued = [new_session("u1", f"s{i}", now=clock()) for i in range(6)]

    def drive(store):
        buffered = BufferedTokenStore(store, max_delay=60.0, owns_delegate=False)
        for one in issued:
            buffered.store_session(one.record)
        buffered.flush()
        for i, one in enumerate(issued):
            buffered.touch_session(one.record.session_id, clock() + timedelta(seconds=i))
        buffered.store_session(dataclasses.replace(issued[0].record, name="renamed"))
        buffered.delete_session_by_token(issued[1].access_token)
        buffered.delete_session_by_id(issued[2].record.session_id)
        buffered.close()
        return buffered.uses_bulk

    assert drive(backend) is True
    with_bulk = _snapshot(backend)
    _empty(backend)
    assert drive(without_bulk(backend)) is False
    assert _snapshot(backend) == with_bulk
    assert [name for _, name, _, _ in with_bulk] == ["renamed", "s3", "s4", "s5"]
