"""reindex_search: messages stored before search existed become searchable; reruns are
idempotent; ORM writes keep the fields current."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mailbox_project.mongo import get_database
from mails import store
from mails.models import Message
from mails.search.service import search
from mails.search.testing import document, random_specs

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def store_unindexed(user, count: int) -> None:
    docs = [
        document(user.pk, spec, f"old-{n}") for n, spec in enumerate(random_specs(9, count, START))
    ]
    for doc in docs:
        del doc["search_terms"], doc["search_text"]
    get_database()["messages"].insert_many(docs)


def fields(user) -> list[tuple[str, object, object]]:
    rows = get_database()["messages"].find({"user_id": user.pk}).sort("gmail_id")
    return [(d["gmail_id"], d.get("search_terms"), d.get("search_text")) for d in rows]


def test_reindex_makes_old_messages_searchable_and_is_idempotent(owner, other_user) -> None:
    store_unindexed(owner, 25)
    store_unindexed(other_user, 5)
    # All mail is listed without terms; anything searched by a term is not found yet.
    assert len(search(owner, "in:anywhere", page_size=100).messages) == 25
    assert search(owner, "from:ana OR from:bob OR from:eve OR in:inbox").messages == []
    version = store.mailbox_version(owner.pk)
    out = StringIO()
    call_command("reindex_search", "--user", owner.email, "--batch-size", "7", stdout=out)
    assert "reindexed 25 messages" in out.getvalue()
    assert store.mailbox_version(owner.pk) > version
    assert len(search(owner, "from:ana OR from:bob OR from:eve OR in:inbox").messages) > 5
    assert all(terms is None for _, terms, _ in fields(other_user))  # only the one user
    first = fields(owner)
    call_command("reindex_search", stdout=StringIO())
    assert fields(owner) == first
    assert all(terms for _, terms, _ in fields(other_user))


def test_reindex_missing_only_touches_messages_without_fields(owner) -> None:
    store_unindexed(owner, 4)
    get_database()["messages"].update_one({"gmail_id": "old-0"}, {"$set": {"search_text": "kept"}})
    out = StringIO()
    call_command("reindex_search", "--missing", stdout=out)
    assert "reindexed 3 messages" in out.getvalue()
    assert get_database()["messages"].find_one({"gmail_id": "old-0"})["search_text"] == "kept"


def test_reindex_refuses_an_unknown_user_and_a_bad_batch_size(owner) -> None:
    with pytest.raises(CommandError):
        call_command("reindex_search", "--user", "nobody@example.com")
    with pytest.raises(CommandError):
        call_command("reindex_search", "--batch-size", "0")


def test_a_message_saved_through_the_orm_is_searchable(owner) -> None:
    Message.objects.create(
        user=owner, gmail_id="orm-1", thread_id="t", internal_date=START, subject="Tamarind plans"
    )
    assert [m.gmail_id for m in search(owner, "subject:tamarind").messages] == ["orm-1"]
