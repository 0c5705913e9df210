"""Messages built from pymongo documents equal what the ORM builds, field for field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import signals

from mailbox_project.mongo import get_database
from mails.models import Message
from mails.search import loading
from mails.search.testing import insert, random_specs

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in Message._meta.concrete_fields]


@pytest.fixture
def stored(owner):
    insert(owner.pk, random_specs(21, 30, dt.datetime(2024, 1, 1, tzinfo=dt.UTC)))
    messages = get_database()["messages"]
    first = messages.find_one({"user_id": owner.pk}, sort=[("internal_date", 1)])
    # A document from before some fields existed, and one with empty optional values.
    messages.update_one({"_id": first["_id"]}, {"$unset": {"search_text": "", "parse_error": ""}})
    messages.update_one({"_id": {"$ne": first["_id"]}}, {"$set": {"date_header": None}})
    # A JSON value that is not a list of flat objects: converted the ORM's way, not inline.
    nested = [{"filename": "a.pdf", "size": 3, "parts": [{"mime_type": "text/plain"}]}]
    messages.update_one({"_id": first["_id"]}, {"$set": {"attachments": nested}})
    return owner


def values(message: Message, names) -> dict[str, object]:
    return {name: getattr(message, name) for name in names}


def kinds(message: Message, names) -> dict[str, object]:
    def kind(value: object) -> object:
        zone = getattr(value, "tzinfo", None)
        return (type(value), zone) if isinstance(value, dt.datetime) else type(value)

    return {name: kind(getattr(message, name)) for name in names}


def test_loaded_messages_equal_the_orms_in_the_order_asked(stored) -> None:
    orm = list(Message.objects.for_user(stored).order_by("internal_date"))
    ids = [m.pk for m in reversed(orm)]
    loaded = loading.load(stored.pk, ids, ())
    assert [m.pk for m in loaded] == ids
    for mine, theirs in zip(loaded, reversed(orm), strict=True):
        missing = {"search_text", "parse_error"} if mine.pk == orm[0].pk else set()
        names = [name for name in FIELDS if name not in missing]
        assert values(mine, names) == values(theirs, names)
        # The same types too (an int is an int, a datetime carries the ORM's own tzinfo).
        assert kinds(mine, names) == kinds(theirs, names)
        # A field the document lacks gets the field's default where the ORM gives None.
        assert all(getattr(mine, name) == "" for name in missing)
        assert mine.internal_date.tzinfo is not None
        assert mine._state.db == "default"
        assert not mine._state.adding
    # Both ways of converting a JSON value were taken: flat attachment lists and a nested one.
    assert any(m.attachments and "parts" not in m.attachments[0] for m in loaded)
    assert any(m.attachments and "parts" in m.attachments[0] for m in loaded)


def test_deferred_fields_are_not_read_but_load_on_access(stored) -> None:
    ids = list(Message.objects.for_user(stored).values_list("pk", flat=True)[:3])
    loaded = loading.load(stored.pk, ids, ("body_text", "search_text"))
    assert loaded[0].get_deferred_fields() == {"body_text", "search_text"}
    assert loaded[0].body_text == Message.objects.get(pk=ids[0]).body_text


def test_only_the_users_own_messages_load(stored, other_user) -> None:
    ids = list(Message.objects.for_user(stored).values_list("pk", flat=True)[:3])
    assert loading.load(other_user.pk, ids, ()) == []
    assert loading.load(stored.pk, [], ()) == []


def test_a_post_init_receiver_is_still_called_and_sees_the_same_values(stored) -> None:
    # Instances are made without Model.__init__ only while nothing listens to it.
    seen: list[object] = []

    def receiver(sender, instance, **kwargs) -> None:
        seen.append(instance.pk)

    ids = [m.pk for m in Message.objects.for_user(stored).order_by("-internal_date")[:4]]
    fast = loading.load(stored.pk, ids, ("body_text",))
    signals.post_init.connect(receiver, sender=Message)
    try:
        slow = loading.load(stored.pk, ids, ("body_text",))
    finally:
        signals.post_init.disconnect(receiver, sender=Message)
    assert seen == ids
    names = [name for name in FIELDS if name != "body_text"]
    for one, other in zip(fast, slow, strict=True):
        assert values(one, names) == values(other, names)
        assert one.get_deferred_fields() == other.get_deferred_fields() == {"body_text"}
        assert (one._state.db, one._state.adding) == (other._state.db, other._state.adding)
