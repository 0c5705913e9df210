"""reindex_search: messages stored before search existed become searchable; reruns are
idempotent; ORM writes keep the fields current; labels.list fills names for label:."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mailbox_project.mongo import get_database
from mails import labels, versions
from mails.models import Label, Message
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


def fields(user) -> list[tuple]:
    rows = get_database()["messages"].find({"user_id": user.pk}).sort("gmail_id")
    return [(d["gmail_id"], d.get("search_terms"), d.get("search_text")) for d in rows]


def test_reindex_makes_old_messages_searchable_and_is_idempotent(owner, other_user) -> None:
    store_unindexed(owner, 25)
    store_unindexed(other_user, 5)
    # All mail is listed without terms; anything searched by a term is not found yet.
    assert len(search(owner, "in:anywhere", page_size=100).messages) == 25
    assert search(owner, "from:ana OR from:bob OR from:eve OR in:inbox").messages == []
    version = versions.current(owner.pk)
    out = StringIO()
    call_command("reindex_search", "--user", owner.email, "--batch-size", "7", stdout=out)
    assert "reindexed 25 messages" in out.getvalue()
    assert versions.current(owner.pk) > version
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


class Listing:
    """labels.list as Gmail answers it."""

    def __init__(self, entries) -> None:
        self.entries = entries
        self.calls = 0

    def list_labels(self):
        self.calls += 1
        return self.entries


def test_labels_are_stored_named_and_refreshed_only_when_unknown(owner, other_user) -> None:
    listing = Listing(
        [
            {"id": "INBOX", "name": "INBOX", "type": "system"},
            {"id": "Label_1", "name": "Work/Projects", "type": "user"},
            {"id": "Label_2", "name": "Reçus", "type": "user"},
        ]
    )
    assert labels.refresh(owner.pk, listing)
    assert not labels.refresh(owner.pk, listing)  # nothing changed
    names = labels.names_for(owner.pk)
    assert names["INBOX"] == "Inbox"
    assert names["Label_1"] == "Work/Projects"
    assert names["CATEGORY_SOCIAL"] == "Social"
    query_names = labels.query_names(owner.pk)
    assert query_names["work-projects"] == ("Label_1",)
    assert query_names["recus"] == ("Label_2",)
    assert query_names["inbox"] == ("INBOX",)
    assert "Label_1" not in labels.names_for(other_user.pk)
    assert not labels.refresh_if_unknown(owner.pk, ["INBOX", "Label_1", "STARRED"], listing)
    assert listing.calls == 2
    listing.entries = [*listing.entries[:2], {"id": "Label_3", "name": "New", "type": "user"}]
    assert labels.refresh_if_unknown(owner.pk, ["Label_3"], listing)
    assert set(Label.objects.filter(user=owner).values_list("label_id", flat=True)) == {
        "INBOX",
        "Label_1",
        "Label_3",
    }
