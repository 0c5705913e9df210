"""Placement's shared pieces: the re-application gap, aliases, the timeline collection.

Which application each email answers is decided by ``tracker.clustering`` (grouping a
company's mail from scratch, in time order) and written by ``tracker.regroup``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from django.conf import settings
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from tracker.models import ApplicationAlias, ApplicationEmail


def reapply_gap() -> timedelta:
    """Mail this far from an application's span is a new application of the same role."""
    return timedelta(days=getattr(settings, "TRACKER_REAPPLY_GAP_DAYS", 180))


def insert_aliases(user_id: UserId, keys: Sequence[tuple[str, str, ObjectId]]) -> None:
    documents = [
        {
            "user_id": user_id,
            "company_key": c,
            "position_key": p,
            "application_id": pk,
            "manual": False,
        }
        for c, p, pk in keys
    ]
    if not documents:
        return
    try:
        get_database()[ApplicationAlias._meta.db_table].insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        if any(error.get("code") != 11000 for error in exc.details.get("writeErrors", [])):
            raise


def timeline_entries() -> Collection[dict[str, Any]]:
    return get_database()[ApplicationEmail._meta.db_table]


def aware(value: datetime) -> datetime:
    # pymongo hands back naive UTC datetimes unless the client is tz-aware.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
