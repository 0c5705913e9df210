"""The person's calendar feed: interviews and due next actions at a secret, revocable URL.

The secret is shown once, when made; only its SHA-256 is stored (``TrackerSettings``), so a
database read does not give the feed away. It travels as ``?token=``, which
``mailbox_project.logredact`` strips from every log line (and gunicorn's access log leaves
query strings out). A new secret replaces the old one; revoking clears it: either way the old
URL answers 404.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mailbox_project.ids import UserId
from tracker import ics
from tracker.models import Interview, JobApplication, TrackerSettings

# Interviews this far back stay in the feed, so a calendar does not drop today's at noon.
KEEP_PAST = timedelta(days=30)


def _absolute(path: str) -> str:
    # A calendar app opens the event's link outside Mailbox: it needs the whole address.
    return f"{settings.SITE_URL}{path}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user_id: UserId) -> str:
    """Make a new secret for the user's feed (the old one stops working); return it."""
    token = secrets.token_urlsafe(32)
    TrackerSettings.objects.update_or_create(
        user_id=user_id,
        defaults={"feed_token_hash": _hash(token), "feed_created_at": timezone.now()},
    )
    return token


def revoke(user_id: UserId) -> None:
    TrackerSettings.objects.filter(user_id=user_id).update(feed_token_hash="", feed_created_at=None)


def owner_of(token: str) -> UserId | None:
    """The user whose feed ``token`` opens; None for an unknown, revoked or empty token."""
    if not token or len(token) > 100:
        return None
    found = (
        TrackerSettings.objects.filter(feed_token_hash=_hash(token))
        .values_list("user_id", flat=True)
        .first()
    )
    return UserId(found) if found is not None else None


def feed_url(token: str) -> str:
    return f"{reverse('tracker:calendar_feed')}?token={token}"


def events(user_id: UserId, now: datetime) -> list[ics.Event]:
    """The feed's events: interviews (recent and upcoming) and next actions with a due day."""
    items = []
    interviews = Interview.objects.filter(user_id=user_id, starts_at__gte=now - KEEP_PAST)
    for interview in interviews.select_related("application").order_by("starts_at"):
        app = interview.application
        items.append(
            ics.Event(
                uid=interview.uid or f"interview-{interview.pk}@mailbox",
                starts_at=interview.starts_at,
                ends_at=interview.ends_at,
                summary=f"Interview: {app.company_label} — {app.position_label}",
                location=interview.location,
                description=interview.title,
                url=_absolute(reverse("tracker:detail", args=[str(app.pk)])),
            )
        )
    due = JobApplication.objects.for_user(user_id).exclude(next_action="")
    for app in due.exclude(next_action_due=None).order_by("next_action_due"):
        assert app.next_action_due is not None
        start = datetime.combine(app.next_action_due, datetime.min.time(), tzinfo=now.tzinfo)
        items.append(
            ics.Event(
                uid=f"next-{app.pk}-{app.next_action_due:%Y%m%d}@mailbox",
                starts_at=start + timedelta(hours=9),
                ends_at=start + timedelta(hours=9, minutes=30),
                summary=f"{app.next_action}: {app.company_label} — {app.position_label}",
                url=_absolute(reverse("tracker:detail", args=[str(app.pk)])),
            )
        )
    return items


def render(user_id: UserId, now: datetime) -> str:
    return ics.calendar(events(user_id, now), name="Job applications", now=now)
