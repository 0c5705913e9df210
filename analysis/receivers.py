"""Reactions to mailbox events: forget deleted messages; status badges on mail pages.

Connected when the app is ready (``AnalysisConfig.ready`` imports this module and
``analysis.tasks``, whose ``analyse_new_messages`` queues analysis of stored messages: that
receiver lives beside the task it queues). The mails app sends user ids as it holds them;
each receiver converts once (``mailbox_project.ids``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.dispatch import receiver

from analysis import cache
from analysis.results import AnalysisResult
from analysis.service import forget
from mailbox_project.ids import user_id as as_user_id
from mails.annotations import Badge, register_badge_provider
from mails.signals import messages_deleted


@receiver(messages_deleted, dispatch_uid="analysis.forget_deleted_messages")
def forget_deleted_messages(
    sender: object, user_id: object, gmail_ids: Sequence[str], **_: object
) -> None:
    """Remove deleted messages' analyses from every tier (and tell the tracker)."""
    forget(as_user_id(user_id), gmail_ids)


def status_badges(user_id: object, gmail_ids: Sequence[str]) -> dict[str, Badge]:
    """Return a status badge for each job email of the page that the cache knows.

    Only the cache is read (warm: L1 and Redis, no MongoDB); nothing is classified on a page
    view, so a message not analysed yet has no badge.
    """
    results = cache.results_only(cache.get_many(as_user_id(user_id), gmail_ids))
    return {gmail_id: _badge(result) for gmail_id, result in results.items() if result.is_job}


def _badge(result: AnalysisResult) -> Badge:
    status = result.status.value
    label = status.replace("_", " ").capitalize()
    about = " — ".join(part for part in (result.company, result.position) if part)
    confidence = result.confidence
    title = f"{about} ({confidence:.0%} confident)" if about else f"{confidence:.0%} confident"
    return Badge(label=label, css_class=f"status-{status}", title=title)


register_badge_provider(status_badges)
