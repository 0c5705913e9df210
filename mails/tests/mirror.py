"""Compare what Mailbox stored with what the emulator's Gmail holds."""

from __future__ import annotations

from typing import Any

from google_emulator.testing import EmulatorServer
from mailbox_project.mongo import get_database


def emulator_view(google: EmulatorServer, email: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Return {gmail id: (thread id, sorted labels)} of the emulated mailbox."""
    mailbox = google.emulator.mailbox(email)
    return {m.id: (m.thread_id, tuple(sorted(m.label_ids))) for m in mailbox.newest_first()}


def local_view(user: Any) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Return the same view of what Mailbox stored for ``user``."""
    documents = get_database()["messages"].find({"user_id": user.pk})
    return {d["gmail_id"]: (d["thread_id"], tuple(sorted(d["label_ids"]))) for d in documents}


def duplicates(user: Any) -> int:
    """Return how many stored documents share a gmail id with another (must be 0)."""
    pipeline = [
        {"$match": {"user_id": user.pk}},
        {"$group": {"_id": "$gmail_id", "n": {"$sum": 1}}},
        {"$match": {"n": {"$gt": 1}}},
    ]
    return len(list(get_database()["messages"].aggregate(pipeline)))
