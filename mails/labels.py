"""A user's Gmail labels: display names for pages, query names for ``label:``.

Labels come from labels.list (``refresh``), at the start of each full sync and whenever a
sync meets a label id it does not know. System labels have fixed ids; they get friendly
names here, whatever labels.list calls them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mailbox_project.ids import UserId
from mails import store
from mails.models import Label
from mails.search.values import label_query_name

if TYPE_CHECKING:
    from mails.gmail import GmailClient

logger = logging.getLogger(__name__)

SYSTEM_NAMES = {
    "INBOX": "Inbox",
    "SENT": "Sent",
    "DRAFT": "Drafts",
    "TRASH": "Trash",
    "SPAM": "Spam",
    "STARRED": "Starred",
    "IMPORTANT": "Important",
    "UNREAD": "Unread",
    "CHAT": "Chat",
    "CATEGORY_PERSONAL": "Personal",
    "CATEGORY_SOCIAL": "Social",
    "CATEGORY_PROMOTIONS": "Promotions",
    "CATEGORY_UPDATES": "Updates",
    "CATEGORY_FORUMS": "Forums",
}


def names_for(user_id: UserId) -> dict[str, str]:
    """Return label id → display name of every label the user's mail may carry."""
    names = dict(SYSTEM_NAMES)
    for label_id, name, kind in Label.objects.filter(user_id=user_id).values_list(
        "label_id", "name", "kind"
    ):
        names[label_id] = SYSTEM_NAMES.get(label_id, name) if kind == Label.Kind.SYSTEM else name
    return names


def query_names(user_id: UserId) -> dict[str, tuple[str, ...]]:
    """Return the name a query uses for a label (``label:job-search``) → its label ids.

    System labels answer to their id (``label:inbox``, ``label:category_social``); user
    labels to their name as Gmail writes it in queries. Two labels may share a query name.
    """
    found: dict[str, list[str]] = {}
    for label_id in SYSTEM_NAMES:
        found.setdefault(label_id.lower(), []).append(label_id)
    rows = Label.objects.filter(user_id=user_id).values_list("label_id", "name", "kind")
    for label_id, name, kind in rows:
        key = label_id.lower() if kind == Label.Kind.SYSTEM else label_query_name(name)
        if label_id not in found.get(key, []):
            found.setdefault(key, []).append(label_id)
    return {key: tuple(ids) for key, ids in found.items()}


def refresh(user_id: UserId, client: GmailClient) -> bool:
    """Store the mailbox's labels from labels.list; return whether anything changed."""
    listed = {
        label.label_id: (label.name, Label.Kind.SYSTEM if label.system else Label.Kind.USER)
        for label in client.list_labels()
    }
    stored = {
        row[0]: (row[1], row[2])
        for row in Label.objects.filter(user_id=user_id).values_list("label_id", "name", "kind")
    }
    if listed == stored:
        return False
    gone = [label_id for label_id in stored if label_id not in listed]
    Label.objects.filter(user_id=user_id, label_id__in=gone).delete()
    for label_id, (name, kind) in listed.items():
        if stored.get(label_id) != (name, kind):
            Label.objects.update_or_create(
                user_id=user_id, label_id=label_id, defaults={"name": name, "kind": kind}
            )
    # label: results depend on names: cached pages of the old names must not be served.
    store.mailbox_changed([user_id])
    return True


def refresh_if_unknown(user_id: UserId, label_ids: Iterable[str], client: GmailClient) -> bool:
    """Refresh the labels when ``label_ids`` holds one not stored yet; return if refreshed."""
    wanted = set(label_ids) - set(SYSTEM_NAMES)
    if not wanted:
        return False
    known = set(
        Label.objects.filter(user_id=user_id, label_id__in=list(wanted)).values_list(
            "label_id", flat=True
        )
    )
    if wanted <= known:
        return False
    logger.info("user %s has %d unknown label ids: refreshing labels", user_id, len(wanted - known))
    refresh(user_id, client)
    return True
