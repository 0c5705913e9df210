"""The MongoDB indexes that migration accounts 0002 creates: uniqueness and TTL."""

from __future__ import annotations

import dataclasses
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from pymongo.errors import DuplicateKeyError

from accounts.tokens.mongo import COLLECTIONS, MongoTokenStore
from accounts.tokens.records import new_session

migration = importlib.import_module("accounts.migrations.0002_token_store_indexes")


def test_migrate_applied_the_index_migration(db):
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("accounts", "0002_token_store_indexes") in applied


def test_the_migration_creates_unique_and_ttl_indexes(token_db):
    for name in COLLECTIONS:
        token_db.drop_collection(name)
    migration.create_token_store_indexes(None, SimpleNamespace(connection=connection))
    sessions = token_db["token_sessions"].index_information()
    assert sessions["uniq_session_id"]["unique"]
    assert sessions["uniq_access_token_hash"]["unique"]
    assert sessions["uniq_refresh_token_hash"]["unique"]
    for name in ("token_states", "token_auth_codes", "token_sessions"):
        assert token_db[name].index_information()["ttl_expires_at"]["expireAfterSeconds"] == 0
    assert token_db["token_states"].index_information()["uniq_state_hash"]["unique"]
    assert token_db["token_auth_codes"].index_information()["uniq_code_hash"]["unique"]
    assert token_db["token_clients"].index_information()["uniq_client_id"]["unique"]
    credentials = token_db["token_provider_credentials"].index_information()
    assert credentials["uniq_user_provider"]["key"] == [("user_id", 1), ("provider", 1)]
    # Idempotent: migrating again (or ensure_indexes at start-up) changes nothing.
    migration.create_token_store_indexes(None, SimpleNamespace(connection=connection))


def test_the_database_refuses_a_second_session_with_the_same_token_hash(token_db, cipher, clock):
    store = MongoTokenStore(token_db, cipher, clock=clock)
    first = new_session("u1", "first", now=clock()).record
    store.store_session(first)
    clash = dataclasses.replace(
        new_session("u1", "clash", now=clock()).record, access_token_hash=first.access_token_hash
    )
    with pytest.raises(DuplicateKeyError):
        store.store_session(clash)
