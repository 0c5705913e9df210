"""Migration mails 0012 creates image_senders' unique index: a choice is stored once."""

from __future__ import annotations

import pytest
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from mails import images

pytestmark = pytest.mark.django_db


def test_the_index_exists_before_any_write_and_is_unique() -> None:
    indexes = get_database()[images.COLLECTION].index_information()
    assert indexes[images.INDEX]["key"] == [("user_id", 1), ("sender", 1)]
    assert indexes[images.INDEX]["unique"] is True
    person = UserId(ObjectId())
    images.allow(person, "Ana@Lima.example")
    images.allow(person, "ana@lima.example")
    with pytest.raises(DuplicateKeyError):
        get_database()[images.COLLECTION].insert_one(
            {"user_id": person, "sender": "ana@lima.example"}
        )
    assert get_database()[images.COLLECTION].count_documents({"user_id": person}) == 1
    images.forbid(person, "ana@lima.example")
