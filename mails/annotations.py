"""Badges other apps attach to messages on the mail pages, without ``mails`` importing them.

``analysis`` sits above ``mails`` in the import order, yet the mail list shows each message's
job-application status. So ``analysis`` registers a provider here when its app is ready, and the
mail views ask every registered provider for the page's messages in one call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from mailbox_project.ids import UserId

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Badge:
    """A small label shown next to a message: its text, a CSS class and a tooltip."""

    label: str
    css_class: str
    title: str = ""


# (user id, gmail ids of the page) -> {gmail id: badge} for the messages it has a badge for.
BadgeProvider = Callable[[UserId, Sequence[str]], Mapping[str, Badge]]

_providers: list[BadgeProvider] = []


def register_badge_provider(provider: BadgeProvider) -> None:
    """Add ``provider`` (idempotent: an app's ``ready()`` may run twice in tests)."""
    if provider not in _providers:
        _providers.append(provider)


def badges_for(user_id: UserId, gmail_ids: Sequence[str]) -> dict[str, list[Badge]]:
    """Every provider's badges for these messages of one user.

    A failing provider is logged and skipped: a badge must never break the mail page.
    """
    badges: dict[str, list[Badge]] = {}
    if not gmail_ids:
        return badges
    for provider in _providers:
        try:
            found = provider(user_id, gmail_ids)
        except Exception:
            logger.exception("badge provider %r failed", provider)
            continue
        for gmail_id, badge in found.items():
            badges.setdefault(gmail_id, []).append(badge)
    return badges
