"""Recompute the search fields of stored messages (after a change to what is indexed).

Idempotent and batched: each batch reads the source fields of up to ``batch_size``
messages, in _id order, and writes their ``search_terms``/``search_text`` back.
"""

from __future__ import annotations

from typing import Any

from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from mails import store

SOURCE_FIELDS = (
    "subject", "from_name", "from_address", "to_addresses", "cc_addresses", "bcc_addresses",
    "list_id", "attachments", "snippet", "body_text", "label_ids", "rfc822_message_id",
    "to_names", "cc_names", "bcc_names", "delivered_to", "alternative_text", "links",
)  # fmt: skip


def reindex(
    *, user_id: UserId | None = None, only_missing: bool = False, batch_size: int = 500
) -> int:
    """Rewrite the search fields of messages (one user's, or everyone's); return how many.

    ``only_missing`` limits it to messages stored before search existed. The writes go
    through ``mails.store``; the caller bumps the mailbox versions when done.
    """
    messages = get_database()["messages"]
    query: dict[str, Any] = {} if user_id is None else {"user_id": user_id}
    if only_missing:
        query["search_text"] = {"$exists": False}
    projection = dict.fromkeys(SOURCE_FIELDS, 1)
    done, last_id = 0, None
    while True:
        page_query = query if last_id is None else {**query, "_id": {"$gt": last_id}}
        batch = list(messages.find(page_query, projection).sort("_id", 1).limit(batch_size))
        if not batch:
            return done
        store.rewrite_search_fields(batch)
        done += len(batch)
        last_id = batch[-1]["_id"]
