"""BufferedTokenStore: batched, coalesced session writes that are never lost."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from accounts.tokens.buffered import BufferedTokenStore, TokenStoreFlushError
from accounts.tokens.records import new_client, new_session


@pytest.fixture(params=["bulk", "single"])
def inner(request, backend, without_bulk):
    """The backend as the buffer sees it: with its bulk hooks, or with only single operations."""
    return backend if request.param == "bulk" else without_bulk(backend)


@pytest.fixture
def delegate(inner, counting):
    return counting(inner)


@pytest.fixture
def buffers():
    opened = []

    def open_(delegate, **options):
        options.setdefault("max_delay", 60.0)
        buffered = BufferedTokenStore(delegate, owns_delegate=False, **options)
        opened.append(buffered)
        return buffered

    yield open_
    for buffered in opened:
        buffered.close()


def _sessions(backend, clock, count):
    issued = [new_session("u1", f"s{i}", now=clock()) for i in range(count)]
    for one in issued:
        backend.store_session(one.record)
    return [one.record for one in issued]


def _last_used(backend, record):
    return backend.load_session_by_id(record.session_id).last_used_at


def test_reaching_the_batch_size_flushes_without_waiting_for_the_timer(
    backend, delegate, buffers, clock, eventually
):
    records = _sessions(backend, clock, 5)
    buffered = buffers(delegate, max_batch_size=5, max_delay=60.0)
    when = clock() + timedelta(seconds=1)
    for record in records[:4]:
        buffered.touch_session(record.session_id, when)
    assert buffered.pending() == 4
    assert _last_used(backend, records[0]) is None
    buffered.touch_session(records[4].session_id, when)
    # The counter moves once the whole batch is written, so wait on it, then look.
    assert eventually(lambda: buffered.metrics()["flushes"] == 1)
    assert all(_last_used(backend, r) == when for r in records)


def test_the_timer_flushes_a_small_batch(backend, delegate, buffers, clock, eventually):
    (record,) = _sessions(backend, clock, 1)
    buffered = buffers(delegate, max_batch_size=1000, max_delay=0.05)
    when = clock() + timedelta(seconds=1)
    buffered.touch_session(record.session_id, when)
    assert eventually(lambda: _last_used(backend, record) == when)
    assert buffered.pending() == 0


def test_several_writes_to_one_session_persist_once_with_the_last_value(
    backend, delegate, buffers, clock, inner
):
    issued = new_session("u1", "v1", now=clock())
    buffered = buffers(delegate)
    for name in ("v1", "v2", "v3"):
        buffered.store_session(dataclasses.replace(issued.record, name=name))
    touched = clock() + timedelta(minutes=1)
    buffered.touch_session(issued.record.session_id, touched)
    buffered.flush()
    stored = backend.load_session_by_token(issued.access_token)
    assert stored == dataclasses.replace(issued.record, name="v3", last_used_at=touched)
    assert delegate.calls["store_session"] + delegate.calls["bulk_store_sessions"] == 1
    assert delegate.calls["touch_session"] + delegate.calls["bulk_touch_sessions"] == 0
    assert buffered.metrics()["writes_coalesced"] == 3


def test_many_touches_become_one_write_per_session_or_one_bulk_write(
    backend, delegate, buffers, clock, inner
):
    records = _sessions(backend, clock, 5)
    buffered = buffers(delegate)
    for second in range(100):
        record = records[second % 5]
        buffered.touch_session(record.session_id, clock() + timedelta(seconds=second))
    buffered.flush()
    for index, record in enumerate(records):
        assert _last_used(backend, record) == clock() + timedelta(seconds=95 + index)
    expected_round_trips = 1 if buffered.uses_bulk else 5
    assert buffered.metrics()["round_trips"] == expected_round_trips
    assert buffered.metrics()["writes_coalesced"] == 95


def test_a_delete_after_a_store_cancels_the_store_but_still_deletes(
    backend, delegate, buffers, clock
):
    issued = new_session("u1", "flushed earlier", now=clock())
    backend.store_session(issued.record)
    buffered = buffers(delegate)
    buffered.store_session(dataclasses.replace(issued.record, name="renamed"))
    buffered.touch_session(issued.record.session_id, clock())
    buffered.delete_session_by_token(issued.access_token)
    buffered.flush()
    assert backend.load_session_by_id(issued.record.session_id) is None
    assert delegate.calls["store_session"] + delegate.calls["bulk_store_sessions"] == 0


def test_a_store_after_a_delete_recreates_the_session(backend, delegate, buffers, clock):
    issued = new_session("u1", "CLI", now=clock())
    backend.store_session(issued.record)
    buffered = buffers(delegate)
    buffered.delete_session_by_id(issued.record.session_id)
    buffered.delete_session_by_token(issued.access_token)
    buffered.store_session(issued.record)
    buffered.flush()
    assert backend.load_session_by_token(issued.access_token) == issued.record


def test_reads_bypass_the_buffer_until_it_is_flushed(backend, delegate, buffers, clock):
    issued = new_session("u1", "CLI", now=clock())
    buffered = buffers(delegate)
    buffered.store_session(issued.record)
    assert buffered.load_session_by_token(issued.access_token) is None
    buffered.flush()
    assert buffered.load_session_by_token(issued.access_token) == issued.record


def test_other_writes_pass_straight_through(backend, delegate, buffers, clock):
    client, secret = new_client("App", now=clock())
    buffered = buffers(delegate)
    buffered.store_client(client)
    assert backend.verify_client_secret(client.client_id, secret)
    assert buffered.pending() == 0


def test_close_loses_nothing(backend, delegate, clock):
    records = _sessions(backend, clock, 40)
    buffered = BufferedTokenStore(delegate, max_batch_size=7, max_delay=60.0, owns_delegate=False)
    fresh = [new_session("u2", f"new{i}", now=clock()) for i in range(30)]
    for issued in fresh:
        buffered.store_session(issued.record)
    when = clock() + timedelta(hours=1)
    for record in records:
        buffered.touch_session(record.session_id, when)
    buffered.close()
    assert all(_last_used(backend, r) == when for r in records)
    assert len(backend.list_sessions_for_user("u2")) == 30
    with pytest.raises(RuntimeError):
        buffered.touch_session(records[0].session_id, when)


def test_one_failure_is_retried_transparently(backend, inner, failing, buffers, clock):
    (record,) = _sessions(backend, clock, 1)
    delegate = failing(inner, failures=1)
    buffered = buffers(delegate)
    buffered.touch_session(record.session_id, clock())
    buffered.flush()
    assert _last_used(backend, record) == clock()
    assert buffered.metrics()["errors"] == 1
    assert buffered.metrics()["retries"] == 1


def test_a_failing_backend_reaches_the_caller_of_flush_and_the_batch_stays_queued(
    backend, inner, failing, buffers, clock
):
    (record,) = _sessions(backend, clock, 1)
    delegate = failing(inner, failures=2)
    buffered = buffers(delegate)
    buffered.store_session(dataclasses.replace(record, name="v1"))
    with pytest.raises(TokenStoreFlushError) as raised:
        buffered.flush()
    assert isinstance(raised.value.__cause__, ConnectionError)
    assert buffered.pending() == 1
    assert buffered.metrics()["errors"] == 2
    assert buffered.metrics()["failed_flushes"] == 1
    buffered.store_session(dataclasses.replace(record, name="v2"))  # newer still wins
    buffered.flush()
    assert backend.load_session_by_id(record.session_id).name == "v2"
    assert buffered.pending() == 0


def test_close_raises_when_it_cannot_drain_and_keeps_the_writes(backend, inner, failing, clock):
    (record,) = _sessions(backend, clock, 1)
    delegate = failing(inner, failures=100)
    buffered = BufferedTokenStore(delegate, max_delay=60.0, owns_delegate=False)
    buffered.touch_session(record.session_id, clock())
    with pytest.raises(TokenStoreFlushError):
        buffered.close()
    assert buffered.pending() == 1
    delegate.failures = 0
    buffered.close()
    assert _last_used(backend, record) == clock()


def test_the_background_flusher_keeps_failed_writes_until_the_backend_returns(
    backend, inner, failing, buffers, clock, eventually
):
    (record,) = _sessions(backend, clock, 1)
    delegate = failing(inner, failures=4)
    buffered = buffers(delegate, max_delay=0.02)
    buffered.touch_session(record.session_id, clock())
    assert eventually(lambda: buffered.metrics()["failed_flushes"] >= 2)
    assert eventually(lambda: _last_used(backend, record) == clock())
    assert buffered.metrics()["errors"] == 4
