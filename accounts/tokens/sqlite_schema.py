"""The SQLite backend's schema and row conversion.

Datetimes are stored as integer milliseconds since the epoch (sortable, and the precision the
records keep); tuples as JSON arrays. Column names are the records' field names.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS token_states (
    state_hash TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    redirect_uri TEXT NOT NULL,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    resource TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS token_states_expires_at ON token_states (expires_at);

CREATE TABLE IF NOT EXISTS token_auth_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    code_challenge_method TEXT NOT NULL,
    resource TEXT NOT NULL DEFAULT '',
    issued_session_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS token_auth_codes_expires_at ON token_auth_codes (expires_at);

CREATE TABLE IF NOT EXISTS token_sessions (
    session_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    access_token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    access_expires_at INTEGER NOT NULL,
    refresh_token_hash TEXT UNIQUE,
    refresh_expires_at INTEGER,
    scopes TEXT NOT NULL,
    client_id TEXT NOT NULL,
    last_used_at INTEGER,
    expires_at INTEGER NOT NULL,
    resource TEXT NOT NULL DEFAULT '',
    retired_refresh_hashes TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS token_sessions_user ON token_sessions (user_id, created_at);
CREATE INDEX IF NOT EXISTS token_sessions_expires_at ON token_sessions (expires_at);

CREATE TABLE IF NOT EXISTS token_clients (
    client_id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    redirect_uris TEXT NOT NULL,
    grant_types TEXT NOT NULL,
    token_endpoint_auth_method TEXT NOT NULL DEFAULT 'client_secret_basic',
    scope TEXT NOT NULL DEFAULT '',
    client_uri TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS token_provider_credentials (
    user_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    access_token TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    refresh_token TEXT,
    expires_at INTEGER,
    scopes TEXT NOT NULL,
    PRIMARY KEY (user_id, provider)
);
"""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)
_DATETIME_COLUMNS = frozenset(
    {"created_at", "expires_at", "access_expires_at", "refresh_expires_at", "last_used_at"}
    | {"updated_at"}
)
_LIST_COLUMNS = frozenset({"scopes", "redirect_uris", "grant_types", "retired_refresh_hashes"})

# Columns added after the first schema (issue 18): a file created before lacks them, and
# CREATE TABLE IF NOT EXISTS leaves its tables alone, so they are added by ALTER TABLE.
ADDED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "token_states": (("resource", "TEXT NOT NULL DEFAULT ''"),),
    "token_auth_codes": (
        ("resource", "TEXT NOT NULL DEFAULT ''"),
        ("issued_session_id", "TEXT NOT NULL DEFAULT ''"),
    ),
    "token_sessions": (
        ("resource", "TEXT NOT NULL DEFAULT ''"),
        ("retired_refresh_hashes", "TEXT NOT NULL DEFAULT '[]'"),
    ),
    "token_clients": (
        ("token_endpoint_auth_method", "TEXT NOT NULL DEFAULT 'client_secret_basic'"),
        ("scope", "TEXT NOT NULL DEFAULT ''"),
        ("client_uri", "TEXT NOT NULL DEFAULT ''"),
    ),
}


def add_missing_columns(conn: sqlite3.Connection) -> None:
    """Add the columns of ``ADDED_COLUMNS`` that an older database file lacks."""
    for table, columns in ADDED_COLUMNS.items():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for name, definition in columns:
            if name not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")


def to_millis(value: datetime) -> int:
    return (value - _EPOCH) // _MILLISECOND


def encode(document: Mapping[str, Any]) -> dict[str, Any]:
    """Return the document's values as SQLite parameters."""
    row: dict[str, Any] = {}
    for name, value in document.items():
        if value is not None and name in _DATETIME_COLUMNS:
            value = to_millis(value)
        elif name in _LIST_COLUMNS:
            value = json.dumps(list(value))
        row[name] = value
    return row


def decode(row: sqlite3.Row) -> dict[str, Any]:
    """Return the row as a document of Python values (the inverse of ``encode``)."""
    document: dict[str, Any] = {}
    for name in row.keys():  # noqa: SIM118 - sqlite3.Row is not iterable by key
        value = row[name]
        if value is not None and name in _DATETIME_COLUMNS:
            value = _EPOCH + value * _MILLISECOND
        elif name in _LIST_COLUMNS:
            value = tuple(json.loads(value))
        document[name] = value
    return document


def upsert_sql(table: str, columns: list[str]) -> str:
    """Return an INSERT OR REPLACE with named parameters: the backend's upsert by key."""
    names = ", ".join(columns)
    params = ", ".join(f":{name}" for name in columns)
    return f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({params})"  # noqa: S608
