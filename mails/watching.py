"""Gmail push notifications: ``users.watch`` after sign-in, renewed daily by beat.

https://developers.google.com/workspace/gmail/api/guides/push
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from accounts.errors import GoogleError, TransientError, UnrecoverableError
from mails.gmail import GmailClient
from mails.models import SyncState

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Renew when less than this remains of Gmail's 7-day watch.
RENEW_BEFORE = timedelta(days=2)


def watch(user: User) -> str:
    """Ask Gmail to push this mailbox's changes to our topic; return a short summary."""
    topic = settings.GMAIL_PUSH_TOPIC
    if not topic:
        return "push disabled (GMAIL_PUSH_TOPIC is empty)"
    expiration = GmailClient(user).watch(topic).expiration
    SyncState.objects.update_or_create(user=user, defaults={"watch_expiration": expiration})
    return f"watching until {expiration:%Y-%m-%d %H:%M}"


def renew_all() -> int:
    """Renew every watch that expires soon; return how many were renewed.

    One user's failure does not stop the others; if any failed for a passing reason,
    ``TransientError`` is raised at the end so the task retries (only those are still due).
    """
    from accounts.models import User

    soon = timezone.now() + RENEW_BEFORE
    due = User.objects.filter(is_active=True, needs_reconnect=False).exclude(
        sync_state__watch_expiration__gt=soon
    )
    renewed = 0
    postponed = 0
    for user in due:
        try:
            watch(user)
        except UnrecoverableError as exc:
            logger.warning("watch renewal for user %s stopped: %s", user.pk, exc.reason)
            continue
        except TransientError as exc:
            logger.warning("watch renewal for user %s postponed: %s", user.pk, exc)
            postponed += 1
            continue
        except GoogleError as exc:
            logger.warning("watch renewal for user %s failed: %s", user.pk, exc)
            continue
        renewed += 1
    if postponed:
        raise TransientError(f"{postponed} watch renewals postponed ({renewed} renewed)")
    return renewed
