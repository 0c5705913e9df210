"""Senders whose remote images a person chose to see ("Show images from this sender").

One small collection, ``image_senders`` ``{user_id, sender, at}``, read and written here only.
Its unique index ``{user_id: 1, sender: 1}`` is created by migration mails 0012, so the upsert
below cannot insert a choice twice. Every query starts with the user; a sender is a lower-cased
address.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from pymongo.collection import Collection

from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database

COLLECTION = "image_senders"
INDEX = "unique_user_sender"


def _senders() -> Collection[dict[str, Any]]:
    return get_database()[COLLECTION]


def normalise(sender: str) -> str:
    return sender.strip().lower()


def allowed(user_id: UserId, sender: str) -> bool:
    """Return True if the person chose to see this sender's images."""
    sender = normalise(sender)
    if not sender:
        return False
    return _senders().find_one({"user_id": user_id, "sender": sender}, {"_id": 1}) is not None


def allow(user_id: UserId, sender: str) -> None:
    """Remember that the person wants this sender's images (idempotent)."""
    sender = normalise(sender)
    if not sender:
        return
    _senders().update_one(
        {"user_id": user_id, "sender": sender},
        {"$setOnInsert": {"at": timezone.now()}},
        upsert=True,
    )


def forbid(user_id: UserId, sender: str) -> None:
    """Forget the choice: this sender's images are blocked again."""
    _senders().delete_one({"user_id": user_id, "sender": normalise(sender)})
