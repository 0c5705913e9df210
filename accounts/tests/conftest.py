"""Token store fixtures: a settable clock, both backends, and the wrappers around them.

``store`` runs a contract test over {Mongo, SQLite} x {bare, caching, buffered}; the buffered
variant flushes before every read, so the contract's read-your-writes expectations hold.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from accounts.tokens.buffered import BufferedTokenStore
from accounts.tokens.caching import CachingTokenStore
from accounts.tokens.crypto import TokenCipher
from accounts.tokens.forwarding import ForwardingTokenStore
from accounts.tokens.mongo import COLLECTIONS, MongoTokenStore, ensure_indexes
from accounts.tokens.records import normalise_datetime, utcnow
from accounts.tokens.sqlite import SqliteTokenStore
from mailbox_project.mongo import get_database


class FakeClock:
    """A clock the test moves by hand; every store and wrapper in a test shares it."""

    def __init__(self) -> None:
        # Real "now", so MongoDB's own TTL monitor never deletes what a test still expects.
        self.now = normalise_datetime(utcnow())

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class CountingStore:
    """Counts every call that reaches the wrapped (real) backend, by method name.

    Attributes are forwarded, so the bulk capability is advertised exactly when the backend has it.
    """

    def __init__(self, delegate: Any) -> None:
        self.delegate = delegate
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.delegate, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)

        return counted


class FailingStore(CountingStore):
    """Fails the next ``failures`` session writes (single or bulk) as a dropped connection would."""

    WRITES = frozenset(
        {"store_session", "delete_session_by_token", "delete_session_by_id", "touch_session"}
        | {"bulk_store_sessions", "bulk_delete_sessions_by_hash", "bulk_delete_sessions_by_id"}
        | {"bulk_touch_sessions"}
    )

    def __init__(self, delegate: Any, failures: int = 0) -> None:
        super().__init__(delegate)
        self.failures = failures

    def __getattr__(self, name: str) -> Any:
        attribute = super().__getattr__(name)
        if name not in self.WRITES:
            return attribute

        def failing(*args: Any, **kwargs: Any) -> Any:
            if self.failures > 0:
                self.failures -= 1
                raise ConnectionError("backend unreachable")
            return attribute(*args, **kwargs)

        return failing


class WithoutBulk(ForwardingTokenStore):
    """The backend with its bulk capability hidden: only the single-operation contract."""

    def __init__(self, delegate: Any) -> None:
        super().__init__(delegate, owns_delegate=False)


class FlushBeforeReads:
    """The buffered store as the contract tests see it: queued writes are flushed before reads."""

    WRITES = frozenset(
        {"store_session", "delete_session_by_token", "delete_session_by_id", "touch_session"}
    )

    def __init__(self, buffered: BufferedTokenStore) -> None:
        self.buffered = buffered

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.buffered, name)
        if name in self.WRITES or name in {"close", "flush"} or not callable(attribute):
            return attribute

        def flushed_first(*args: Any, **kwargs: Any) -> Any:
            self.buffered.flush()
            return attribute(*args, **kwargs)

        return flushed_first


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cipher() -> TokenCipher:
    """The cipher the test settings configure (mailbox_project/testenv.py's fixed key)."""
    return TokenCipher(settings.TOKEN_ENCRYPTION_KEYS)


_indexed_databases: set[str] = set()


@pytest.fixture
def token_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """The test MongoDB database with empty, indexed token collections.

    Not pytest-django's ``db``: this backend has no transactions to roll back, so ``db`` flushes
    every collection after each test, which would cost most of this suite's time; the token
    tests touch only their own collections and empty them here. They are dropped and indexed
    once per test database (recreating ten indexes per test would be the next biggest cost).
    """
    with django_db_blocker.unblock():
        database = get_database()
        if database.name not in _indexed_databases:
            for name in COLLECTIONS:
                database.drop_collection(name)
            ensure_indexes(database)
            _indexed_databases.add(database.name)
        for name in COLLECTIONS:
            database[name].delete_many({})
        yield database
        for name in COLLECTIONS:
            database[name].delete_many({})


@pytest.fixture(params=["mongo", "sqlite"])
def backend_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_backend(
    request: pytest.FixtureRequest, backend_kind: str, clock: FakeClock, tmp_path: Path
) -> Iterator[Callable[..., Any]]:
    """Return a function opening a backend over this test's data (same data on every call)."""
    opened: list[Any] = []
    database = request.getfixturevalue("token_db") if backend_kind == "mongo" else None

    def open_(cipher: TokenCipher | None = None) -> Any:
        cipher = cipher or TokenCipher(settings.TOKEN_ENCRYPTION_KEYS)
        if database is not None:
            store: Any = MongoTokenStore(database, cipher, clock=clock)
        else:
            store = SqliteTokenStore(tmp_path / "tokens.sqlite3", cipher, clock=clock)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def backend(open_backend: Callable[..., Any]) -> Any:
    return open_backend()


@pytest.fixture
def counting() -> type[CountingStore]:
    return CountingStore


@pytest.fixture
def failing() -> type[FailingStore]:
    return FailingStore


@pytest.fixture
def without_bulk() -> type[WithoutBulk]:
    return WithoutBulk


@pytest.fixture(params=["bare", "caching", "buffered"])
def store(request: pytest.FixtureRequest, backend: Any, clock: FakeClock) -> Iterator[Any]:
    """Every way the app can reach a backend, held to the same contract."""
    if request.param == "bare":
        yield backend
    elif request.param == "caching":
        caching = CachingTokenStore(backend, clock=clock, owns_delegate=False)
        yield caching
        caching.close()
    else:
        # A long delay: the contract tests' flushes are the adapter's, not the timer's.
        buffered = BufferedTokenStore(backend, max_delay=60.0, owns_delegate=False)
        yield FlushBeforeReads(buffered)
        buffered.close()


@pytest.fixture
def raw_storage(
    request: pytest.FixtureRequest, backend_kind: str, tmp_path: Path
) -> Callable[[], str]:
    """Return a function dumping everything the backend wrote, as stored, to one string."""

    def dump_mongo() -> str:
        database = request.getfixturevalue("token_db")
        documents = {name: list(database[name].find()) for name in COLLECTIONS}
        return json.dumps(documents, default=str)

    def dump_sqlite() -> str:
        path = tmp_path / "tokens.sqlite3"
        with closing(sqlite3.connect(path)) as raw:
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
            tables = [row[0] for row in raw.execute(query)]
            rows = {t: raw.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
        # The file bytes too, write-ahead log included: nothing may hide in a page.
        files = b"".join(p.read_bytes() for p in tmp_path.glob("tokens.sqlite3*"))
        return repr(rows) + files.decode("latin-1")

    return dump_mongo if backend_kind == "mongo" else dump_sqlite


def wait_for(condition: Callable[[], bool], *, timeout: float = 5.0) -> bool:
    """Return True once ``condition()`` holds, polling until a deadline (never a fixed sleep)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


@pytest.fixture
def eventually() -> Callable[..., bool]:
    return wait_for
