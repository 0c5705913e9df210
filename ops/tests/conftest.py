"""Fixtures of the operations tests: a test database with data in several collections."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from bson import ObjectId
from cryptography.fernet import Fernet
from pymongo.database import Database

from mailbox_project.mongo import get_database

# Collections of the tests' own (never a model's), so they can be filled freely.
WIDGETS = "ops_test_widgets"
PARTS = "ops_test_parts"


@pytest.fixture
def mongo(transactional_db: None) -> Iterator[Database[dict[str, Any]]]:
    """The test database, written outside any test transaction (snapshots must see it)."""
    db = get_database()
    yield db
    for name in (WIDGETS, PARTS):
        db.drop_collection(name)


@pytest.fixture
def filled(mongo: Database[dict[str, Any]]) -> Database[dict[str, Any]]:
    """Two collections of ours with documents, a unique, a partial and a TTL index."""
    widgets = mongo[WIDGETS]
    widgets.insert_many(
        [{"n": i, "name": f"widget {i}", "tags": ["a", str(i % 7)]} for i in range(2500)]
    )
    widgets.create_index([("n", 1)], unique=True, name="uniq_n")
    widgets.create_index(
        [("name", 1)], name="partial_name", partialFilterExpression={"name": {"$type": "string"}}
    )
    parts = mongo[PARTS]
    parts.insert_many([{"widget": i, "_id": ObjectId(), "at": None} for i in range(300)])
    parts.create_index([("at", 1)], name="ttl_at", expireAfterSeconds=3600)
    return mongo


@pytest.fixture
def backup_key() -> str:
    return Fernet.generate_key().decode()


def snapshot_of(db: Database[dict[str, Any]]) -> dict[str, list[Any]]:
    """Every collection's documents (sorted by _id) and index specs, for equality checks."""
    state: dict[str, list[Any]] = {}
    for name in sorted(db.list_collection_names()):
        if name.startswith("system."):
            continue
        documents = list(db[name].find({}).sort("_id", 1))
        indexes = sorted(
            (
                {k: v for k, v in ix.items() if k not in {"v", "ns"}}
                for ix in db[name].list_indexes()
            ),
            key=lambda ix: str(ix["name"]),
        )
        state[name] = [documents, indexes]
    return state
