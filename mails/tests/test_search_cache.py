"""The first-page cache: used when nothing changed, never stale after any sync write."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bson import ObjectId

from mailbox_project.mongo import get_database
from mails import labels, store, sync
from mails.gmail import GmailClient
from mails.models import Label
from mails.search.parser import parse
from mails.search.render import render
from mails.search.service import search
from mails.search.testing import Spec, deliver, document
from mails.tests.test_full_sync import run_until_partial

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
# A first page that is more than one index walk (a term and a negation), so it is cached.
CACHED = "larkspur -nettle"


def spec(minutes: int, subject: str, labels: list[str] | None = None) -> Spec:
    return Spec(
        subject=subject,
        from_name="Ana",
        from_address="ana@example.com",
        internal_date=START + dt.timedelta(minutes=minutes),
        labels=labels if labels is not None else ["INBOX"],
    )


@pytest.fixture
def synced_larkspurs(mailbox_owner, google):
    """The owner and the ids of three "Larkspur" messages, delivered before the full sync."""
    ids = [
        deliver(google.emulator, mailbox_owner.email, spec(n, f"Larkspur {n}")) for n in range(3)
    ]
    run_until_partial(mailbox_owner)
    return mailbox_owner, ids


def found(user, query: str) -> list[str]:
    return [m.gmail_id for m in search(user, query).messages]


def test_an_unchanged_mailbox_is_answered_from_the_cache(synced_larkspurs) -> None:
    user, ids = synced_larkspurs
    assert found(user, CACHED) == ids[::-1]
    # A write behind the sync's back (no version bump) is not seen: the page came from Redis.
    sneaky = spec(10, "Larkspur sneaky")
    get_database()["messages"].insert_one(document(user.pk, sneaky, "sneaky-id"))
    assert found(user, CACHED) == ids[::-1]
    assert found(user, "LARKSPUR   -Nettle") == ids[::-1]  # same canonical query, same entry
    # Another page size is another entry, computed afresh.
    assert next(m.gmail_id for m in search(user, CACHED, page_size=10).messages) == "sneaky-id"
    store.mailbox_changed([user.pk])
    assert found(user, CACHED)[0] == "sneaky-id"


def test_a_page_one_index_walk_finds_is_not_cached(synced_larkspurs) -> None:
    # Reading it again by id would cost what finding it costs: no Redis round trips for it.
    user, ids = synced_larkspurs
    from mails.search import page_cache

    assert found(user, "larkspur") == ids[::-1]
    slot, page = page_cache.lookup(user.pk, "larkspur", 50, False)
    assert slot is not None
    assert page is None
    sneaky = spec(10, "Larkspur sneaky")
    get_database()["messages"].insert_one(document(user.pk, sneaky, "sneaky-id"))
    assert found(user, "larkspur")[0] == "sneaky-id"


def test_a_delivery_is_seen_by_the_next_search(synced_larkspurs, google) -> None:
    user, ids = synced_larkspurs
    assert found(user, CACHED) == ids[::-1]
    new = deliver(google.emulator, user.email, spec(30, "Larkspur new"))
    sync.sync_step(user)
    assert found(user, CACHED) == [new, *ids[::-1]]


def test_a_deletion_is_seen_by_the_next_search(synced_larkspurs, google) -> None:
    user, ids = synced_larkspurs
    assert found(user, CACHED) == ids[::-1]
    google.emulator.delete(user.email, ids[1])
    sync.sync_step(user)
    assert found(user, CACHED) == [ids[2], ids[0]]


def test_label_changes_are_seen_by_the_next_search(synced_larkspurs, google) -> None:
    user, ids = synced_larkspurs
    assert found(user, "is:starred larkspur") == []
    assert found(user, CACHED) == ids[::-1]
    google.emulator.modify_labels(user.email, ids[0], add=["STARRED"])
    google.emulator.modify_labels(user.email, ids[1], add=["TRASH"], remove=["INBOX"])
    sync.sync_step(user)
    assert found(user, "is:starred larkspur") == [ids[0]]
    assert found(user, CACHED) == [ids[2], ids[0]]
    assert found(user, "in:trash larkspur") == [ids[1]]
    assert found(user, "in:inbox larkspur") == [ids[2], ids[0]]
    google.emulator.modify_labels(user.email, ids[0], remove=["STARRED"])
    sync.sync_step(user)
    assert found(user, "is:starred larkspur") == []


def test_a_label_the_sync_does_not_know_is_looked_up_and_searchable(
    synced_larkspurs, google
) -> None:
    user, ids = synced_larkspurs
    assert found(user, "label:garden-club") == []
    mailbox = google.emulator.mailbox(user.email)
    with google.emulator.lock:
        mailbox.add_user_label("Garden Club")
    google.emulator.modify_labels(user.email, ids[2], add=["Garden Club"])
    sync.sync_step(user)
    assert Label.objects.filter(user=user, name="Garden Club").exists()
    assert found(user, "label:garden-club") == [ids[2]]
    assert found(user, 'label:"Garden Club"') == [ids[2]]


def test_a_renamed_label_is_searched_by_its_new_name(synced_larkspurs, google) -> None:
    user, ids = synced_larkspurs
    mailbox = google.emulator.mailbox(user.email)
    with google.emulator.lock:
        label_id = mailbox.add_user_label("Old Name")
    google.emulator.modify_labels(user.email, ids[0], add=[label_id])
    sync.sync_step(user)
    assert found(user, "label:old-name") == [ids[0]]
    with google.emulator.lock:
        mailbox.user_labels[label_id] = "New Name"
    assert labels.refresh(user.pk, GmailClient(user))
    assert found(user, "label:new-name") == [ids[0]]
    assert found(user, "label:old-name") == []


def test_the_cache_keeps_ids_not_messages(synced_larkspurs) -> None:
    user, _ids = synced_larkspurs
    from mailbox_project.redis import connection
    from mails.search import page_cache

    search(user, CACHED, include_body=True)
    slot, _page = page_cache.lookup(user.pk, render(parse(CACHED)), 50, True)
    assert slot is not None
    entry = json.loads(connection().get(slot.key))
    assert entry["ids"]
    assert all(ObjectId.is_valid(i) for i in entry["ids"])
    assert set(entry) == {"v", "ids", "next"}
    assert entry["v"] == store.mailbox_version(user.pk)


def test_an_entry_of_an_older_mailbox_version_is_not_served(synced_larkspurs) -> None:
    # A search that read the version before a sync wrote, and put its page after: the entry
    # carries the older version and no reader takes it.
    user, ids = synced_larkspurs
    from mails.search import page_cache

    slot, _page = page_cache.lookup(user.pk, render(parse(CACHED)), 50, False)
    assert slot is not None
    store.mailbox_changed([user.pk])
    page_cache.put(slot, page_cache.CachedPage([ids[0]], None))
    assert page_cache.lookup(user.pk, render(parse(CACHED)), 50, False)[1] is None
    assert found(user, CACHED) == ids[::-1]


def test_first_page_lookups_are_counted_as_hits_and_misses(synced_larkspurs) -> None:
    from prometheus_client import REGISTRY

    def count(result: str) -> float:
        name = "mailbox_search_page_cache_lookups_total"
        return REGISTRY.get_sample_value(name, {"result": result}) or 0.0

    user, _ = synced_larkspurs
    hits, misses = count("hit"), count("miss")
    found(user, CACHED)
    found(user, CACHED)
    search(user, CACHED, cursor=search(user, CACHED, page_size=1).next_cursor)
    # The first search fills the entry, the second reads it; the size-1 first page is a
    # miss of its own and the later page it leads to is never looked up.
    assert (count("hit") - hits, count("miss") - misses) == (1, 2)
