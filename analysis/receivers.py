"""Reactions to mailbox events: analyse new messages, forget deleted ones; status badges.

Connected when the app is ready (``AnalysisConfig.ready`` imports this module).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver

from analysis import cache, tasks
from analysis.classify import Status
from analysis.service import forget
from mails.annotations import Badge, register_badge_provider
from mails.signals import messages_deleted, messages_stored


@receiver(messages_stored, dispatch_uid="analysis.analyse_new_messages")
def analyse_new_messages(sender: Any, user_id: Any, gmail_ids: Sequence[str], **_: Any) -> None:
    """Queue analysis of newly synced messages (on the analysis queue, in batches)."""
    tasks.enqueue(user_id, gmail_ids)


@receiver(messages_deleted, dispatch_uid="analysis.forget_deleted_messages")
def forget_deleted_messages(sender: Any, user_id: Any, gmail_ids: Sequence[str], **_: Any) -> None:
    """Remove deleted messages' analyses from every tier (and tell the tracker)."""
    forget(user_id, gmail_ids)


def status_badges(user_id: Any, gmail_ids: Sequence[str]) -> dict[str, Badge]:
    """Return a status badge for each job email of the page that the cache knows.

    Only the cache is read (warm: L1 and Redis, no MongoDB); nothing is classified on a page
    view, so a message not analysed yet has no badge.
    """
    badges: dict[str, Badge] = {}
    for gmail_id, entry in cache.get_many(user_id, gmail_ids).items():
        if cache.is_failed(entry) or entry.get("status") == Status.NOT_JOB_RELATED:
            continue
        badges[gmail_id] = _badge(entry)
    return badges


def _badge(entry: dict[str, Any]) -> Badge:
    status = str(entry.get("status", ""))
    label = status.replace("_", " ").capitalize()
    about = " — ".join(part for part in (entry.get("company"), entry.get("position")) if part)
    confidence = float(entry.get("confidence") or 0.0)
    title = f"{about} ({confidence:.0%} confident)" if about else f"{confidence:.0%} confident"
    return Badge(label=label, css_class=f"status-{status}", title=title)


register_badge_provider(status_badges)
