"""mails 0016 on a database whose mail was stored with common words as term-index keys.

At mails 0015 a message's bare common words and their pairs were terms (``the``, ``of_the``)
and it had no ``common_marks``. Migrating forward recomputes its search fields — the words
leave the terms for the marks — and builds the term index again with its storage options, so
the same searches find the same mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mailbox_project.indexes import TERM_INDEX_CONFIG
from mailbox_project.mongo import get_database
from mails import store
from mails.search.plan import TERM_INDEX
from mails.search.service import search
from mails.search.testing import Spec, document

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("mails", "0015_term_index_pages")]
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _migrate(targets: list[tuple[str, str | None]]) -> None:
    MigrationExecutor(connection).migrate(targets)


@pytest.fixture
def at_0015() -> Iterator[None]:
    latest = list(MigrationExecutor(connection).loader.graph.leaf_nodes())
    _migrate(BEFORE)
    try:
        yield
    finally:
        _migrate(latest)


def _stored_as_before(owner: Any) -> None:
    """Insert one message as 0015's code stored it: common words and pairs as terms."""
    spec = Spec("Out of the office", "Ana", "ana@example.com", START, body="it is on the way")
    doc = document(owner.pk, spec, "old-0")
    doc.pop("common_marks")
    doc["search_terms"] += ["out", "of", "the", "it", "is", "on", "out_of", "of_the", "is_on"]
    doc["search_terms"] += ["on_the"]
    get_database()["messages"].insert_one(doc)


def _found(owner: Any, query: str) -> list[str]:
    return [message.gmail_id for message in search(owner, query).messages]


def test_mail_stored_with_common_word_terms_is_found_after_the_migration(
    at_0015: None, owner: Any
) -> None:
    _stored_as_before(owner)
    _migrate([("mails", "0016_common_marks")])
    store.mailbox_changed([owner.pk])
    stored = get_database()["messages"].find_one({"gmail_id": "old-0"})
    assert stored is not None
    assert stored["common_marks"]
    assert not {"the", "of", "of_the", "on_the"} & set(stored["search_terms"])
    assert {"subject:of_the", "office", "way"} <= set(stored["search_terms"])
    for query in ("the", '"on the way"', '"out of the office"', 'subject:"of the"', "office"):
        assert _found(owner, query) == ["old-0"], query
    assert _found(owner, '"the on"') == []
    index = get_database()["messages"].index_information()[TERM_INDEX]
    assert index["storageEngine"]["wiredTiger"]["configString"] == TERM_INDEX_CONFIG
