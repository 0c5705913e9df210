"""A SQLite token file from before issue 18 gains the OAuth columns when it is opened."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from accounts.tokens.crypto import TokenCipher
from accounts.tokens.records import ClientRecord, new_session
from accounts.tokens.sqlite import SqliteTokenStore

# The two tables as the first schema created them.
OLD_SCHEMA = """
CREATE TABLE token_sessions (
    session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL,
    access_token_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL,
    access_expires_at INTEGER NOT NULL, refresh_token_hash TEXT UNIQUE,
    refresh_expires_at INTEGER, scopes TEXT NOT NULL, client_id TEXT NOT NULL,
    last_used_at INTEGER, expires_at INTEGER NOT NULL
);
CREATE TABLE token_clients (
    client_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, name TEXT NOT NULL,
    created_at INTEGER NOT NULL, redirect_uris TEXT NOT NULL, grant_types TEXT NOT NULL
);
INSERT INTO token_clients VALUES ('old', 'hash', 'Old client', 0, '[]', '[]');
"""


def test_an_old_file_is_upgraded_and_old_rows_read_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "tokens.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_SCHEMA)
    store = SqliteTokenStore(path, TokenCipher(settings.TOKEN_ENCRYPTION_KEYS))
    old = store.load_client("old")
    assert old is not None
    assert old.token_endpoint_auth_method == "client_secret_basic"
    now = datetime.now(UTC)
    issued = new_session("u1", "app", now=now, scopes=("mail.read",), client_id="c1")
    grant = replace(
        issued.record, resource="https://mail.example/mcp", retired_refresh_hashes=("h1",)
    )
    store.store_session(grant)
    assert store.load_session_by_id(grant.session_id) == grant
    client = ClientRecord("c1", "", "New", now, token_endpoint_auth_method="none")
    store.store_client(client)
    assert store.load_client("c1") == client
    store.close()
