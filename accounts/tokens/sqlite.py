"""The SQLite backend: stdlib ``sqlite3``, WAL, one connection guarded by a lock.

For single-process and embedded use (``:memory:`` works too), and as the second backend that
keeps the contract honest. Multi-statement operations run inside ``BEGIN IMMEDIATE``, so they
are atomic against other processes sharing the file as well as other threads.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from os import PathLike
from typing import Any

from accounts.tokens.base import Clock, RotationCounts
from accounts.tokens.crypto import TokenCipher, hash_token, secret_matches
from accounts.tokens.documents import (
    credentials_document,
    credentials_from_document,
    from_document,
    rotated_tokens,
    session_document,
    to_document,
)
from accounts.tokens.records import (
    AuthCodeRecord,
    ClientRecord,
    ProviderCredentials,
    ProviderKey,
    SessionRecord,
    StateRecord,
    utcnow,
)
from accounts.tokens.sqlite_schema import (
    SCHEMA,
    add_missing_columns,
    decode,
    encode,
    to_millis,
    upsert_sql,
)

_EXPIRING_TABLES = {
    "states": "token_states",
    "auth_codes": "token_auth_codes",
    "sessions": "token_sessions",
}


class SqliteTokenStore:
    """The token store in one SQLite file (or ``:memory:``); usable without Django."""

    def __init__(
        self, path: str | PathLike[str], cipher: TokenCipher, *, clock: Clock = utcnow
    ) -> None:
        # isolation_level=None: autocommit per statement; transactions are explicit below.
        self._conn = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=5.0
        )
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        self._cipher = cipher
        self._clock = clock
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across application crashes in WAL mode, and much faster.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            # Overwrite deleted content, so replaced or deleted tokens do not linger in free pages.
            self._conn.execute("PRAGMA secure_delete=ON")
            self._conn.executescript(SCHEMA)
            add_missing_columns(self._conn)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> int:
        with self._lock:
            return self._conn.execute(sql, params).rowcount

    def _fetch(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _upsert(self, table: str, document: Mapping[str, Any]) -> None:
        self._execute(upsert_sql(table, list(document)), encode(document))

    def _now(self) -> int:
        return to_millis(self._clock())

    # --- OAuth states ---

    def store_state(self, record: StateRecord) -> None:
        self._upsert("token_states", to_document(record))

    def consume_state(self, state: str) -> StateRecord | None:
        rows = self._fetch(
            "DELETE FROM token_states WHERE state_hash = ? AND expires_at > ? RETURNING *",
            (hash_token(state), self._now()),
        )
        return from_document(StateRecord, decode(rows[0])) if rows else None

    # --- Authorization codes ---

    def store_auth_code(self, record: AuthCodeRecord) -> None:
        self._upsert("token_auth_codes", to_document(record))

    def load_auth_code(self, code: str) -> AuthCodeRecord | None:
        rows = self._fetch(
            "SELECT * FROM token_auth_codes WHERE code_hash = ? AND expires_at > ?",
            (hash_token(code), self._now()),
        )
        return from_document(AuthCodeRecord, decode(rows[0])) if rows else None

    def consume_auth_code(self, code: str) -> AuthCodeRecord | None:
        rows = self._fetch(
            "DELETE FROM token_auth_codes WHERE code_hash = ? AND expires_at > ? RETURNING *",
            (hash_token(code), self._now()),
        )
        return from_document(AuthCodeRecord, decode(rows[0])) if rows else None

    def delete_auth_code(self, code: str) -> None:
        self._execute("DELETE FROM token_auth_codes WHERE code_hash = ?", (hash_token(code),))

    # --- Sessions ---

    def store_session(self, record: SessionRecord) -> None:
        self._upsert("token_sessions", session_document(record))

    def _find_session(self, where: str, *params: Any) -> SessionRecord | None:
        rows = self._fetch(f"SELECT * FROM token_sessions WHERE {where}", params)  # noqa: S608
        return from_document(SessionRecord, decode(rows[0])) if rows else None

    def load_session_by_token(self, access_token: str) -> SessionRecord | None:
        return self._find_session(
            "access_token_hash = ? AND access_expires_at > ?", hash_token(access_token), self._now()
        )

    def load_session_by_id(self, session_id: str) -> SessionRecord | None:
        return self._find_session("session_id = ? AND expires_at > ?", session_id, self._now())

    def load_session_by_refresh_token(self, refresh_token: str) -> SessionRecord | None:
        return self._find_session(
            "refresh_token_hash = ? AND refresh_expires_at > ?",
            hash_token(refresh_token),
            self._now(),
        )

    def list_sessions_for_user(self, user_id: str) -> list[SessionRecord]:
        rows = self._fetch(
            "SELECT * FROM token_sessions WHERE user_id = ? AND expires_at > ?"
            " ORDER BY created_at DESC, session_id",
            (user_id, self._now()),
        )
        return [from_document(SessionRecord, decode(row)) for row in rows]

    def delete_session_by_token(self, access_token: str) -> None:
        self._execute(
            "DELETE FROM token_sessions WHERE access_token_hash = ?", (hash_token(access_token),)
        )

    def delete_session_by_id(self, session_id: str) -> None:
        self._execute("DELETE FROM token_sessions WHERE session_id = ?", (session_id,))

    def touch_session(self, session_id: str, when: datetime) -> None:
        self._execute(_TOUCH_SQL, (to_millis(when), session_id))

    # --- Clients ---

    def store_client(self, record: ClientRecord) -> None:
        self._upsert("token_clients", to_document(record))

    def load_client(self, client_id: str) -> ClientRecord | None:
        rows = self._fetch("SELECT * FROM token_clients WHERE client_id = ?", (client_id,))
        return from_document(ClientRecord, decode(rows[0])) if rows else None

    def list_clients(self) -> list[ClientRecord]:
        rows = self._fetch("SELECT * FROM token_clients ORDER BY client_id")
        return [from_document(ClientRecord, decode(row)) for row in rows]

    def delete_client(self, client_id: str) -> None:
        self._execute("DELETE FROM token_clients WHERE client_id = ?", (client_id,))

    def verify_client_secret(self, client_id: str, secret: str) -> bool:
        client = self.load_client(client_id)
        return secret_matches(client.secret_hash if client else None, secret)

    # --- Provider credentials ---

    def store_provider_credentials(self, credentials: ProviderCredentials) -> None:
        self._upsert("token_provider_credentials", credentials_document(credentials, self._cipher))

    def load_provider_credentials(
        self, user_id: str, provider: str = "google"
    ) -> ProviderCredentials | None:
        rows = self._fetch(
            "SELECT * FROM token_provider_credentials WHERE user_id = ? AND provider = ?",
            (user_id, provider),
        )
        return credentials_from_document(decode(rows[0]), self._cipher) if rows else None

    def delete_provider_credentials(self, user_id: str, provider: str = "google") -> None:
        self._execute(
            "DELETE FROM token_provider_credentials WHERE user_id = ? AND provider = ?",
            (user_id, provider),
        )

    def iter_provider_credentials_ids(self, *, batch_size: int = 500) -> Iterator[ProviderKey]:
        # Keyset pages, fetched under the lock one at a time: callers may write in between.
        after: ProviderKey = ("", "")
        while True:
            page = self._fetch(
                "SELECT user_id, provider FROM token_provider_credentials"
                " WHERE (user_id, provider) > (?, ?) ORDER BY user_id, provider LIMIT ?",
                (*after, batch_size),
            )
            yield from ((row["user_id"], row["provider"]) for row in page)
            if len(page) < batch_size:
                return
            after = (page[-1]["user_id"], page[-1]["provider"])

    def rotate_provider_credentials(self, keys: Sequence[ProviderKey]) -> RotationCounts:
        rotated = skipped = missing = 0
        with self._transaction() as conn:
            for user_id, provider in keys:
                row = conn.execute(
                    "SELECT access_token, refresh_token FROM token_provider_credentials"
                    " WHERE user_id = ? AND provider = ?",
                    (user_id, provider),
                ).fetchone()
                changes = rotated_tokens(dict(row), self._cipher) if row else None
                if row is None:
                    missing += 1
                elif changes is None:
                    skipped += 1
                else:
                    assignments = ", ".join(f"{name} = :{name}" for name in changes)
                    conn.execute(
                        f"UPDATE token_provider_credentials SET {assignments}"  # noqa: S608
                        " WHERE user_id = :user_id AND provider = :provider",
                        {**changes, "user_id": user_id, "provider": provider},
                    )
                    rotated += 1
        # Old page images stay in the write-ahead log until it is reset: empty it (best effort;
        # a concurrent reader can postpone it to a later checkpoint).
        self._execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return RotationCounts(rotated=rotated, skipped=skipped, missing=missing)

    # --- Maintenance ---

    def cleanup_expired(self) -> dict[str, int]:
        now = self._now()
        with self._transaction() as conn:
            return {
                kind: conn.execute(
                    f"DELETE FROM {table} WHERE expires_at <= ?",  # noqa: S608
                    (now,),
                ).rowcount
                for kind, table in _EXPIRING_TABLES.items()
            }

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- Bulk capability (BulkSessionStore) ---

    def bulk_store_sessions(self, records: Sequence[SessionRecord]) -> None:
        if not records:
            return
        rows = [encode(session_document(record)) for record in records]
        with self._transaction() as conn:
            conn.executemany(upsert_sql("token_sessions", list(rows[0])), rows)

    def bulk_delete_sessions_by_hash(self, access_token_hashes: Sequence[str]) -> int:
        return self._delete_many_sessions("access_token_hash", access_token_hashes)

    def bulk_delete_sessions_by_id(self, session_ids: Sequence[str]) -> int:
        return self._delete_many_sessions("session_id", session_ids)

    def _delete_many_sessions(self, column: str, values: Sequence[str]) -> int:
        deleted = 0
        with self._transaction() as conn:
            # Chunks stay under SQLite's limit on bound parameters.
            for start in range(0, len(values), 500):
                chunk = values[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                deleted += conn.execute(
                    f"DELETE FROM token_sessions WHERE {column} IN ({marks})",  # noqa: S608
                    tuple(chunk),
                ).rowcount
        return deleted

    def bulk_touch_sessions(self, last_used: Mapping[str, datetime]) -> int:
        if not last_used:
            return 0
        with self._transaction() as conn:
            # executemany sums the rows each statement changed.
            return conn.executemany(
                _TOUCH_SQL, [(to_millis(when), sid) for sid, when in last_used.items()]
            ).rowcount


# MAX(): touches arriving out of order never move last_used_at backwards.
_TOUCH_SQL = (
    "UPDATE token_sessions SET last_used_at = MAX(COALESCE(last_used_at, 0), ?)"
    " WHERE session_id = ?"
)
