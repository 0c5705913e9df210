"""The optional daily digest: due next steps, newly ghosted applications, tomorrow's interviews.

Sent through Django's email framework (``EMAIL_*`` settings; the console backend in the demo)
by the ``tracker.tasks.send_digests`` beat task. At most one a day per user: the day is
claimed by a conditional update of ``TrackerSettings.digest_sent_on`` before sending, so a
retried or duplicated task finds it taken; a failed send gives the day back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from accounts.time_zones import zone as zone_named
from mailbox_project.ids import user_id as as_user_id
from tracker import overview, stages
from tracker.manual import last_touched
from tracker.models import Interview, JobApplication, TrackerSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    """What one person's digest says; empty digests are not sent."""

    day: date
    due: list[JobApplication]
    ghosted: list[JobApplication]
    interviews: list[Interview]

    @property
    def empty(self) -> bool:
        return not (self.due or self.ghosted or self.interviews)


def newly_ghosted(
    applications: list[overview.Tracked], days: int, since: datetime, now: datetime
) -> list[JobApplication]:
    """Applications whose silence reached ``days`` days between ``since`` and ``now``."""
    found = []
    for row in applications:
        touched = last_touched(row.application)
        if row.progress.outcome == stages.NO_RESPONSE and touched is not None:
            crossed = touched + timedelta(days=days)
            if since < crossed <= now:
                found.append(row.application)
    return found


def digest_for(user: User, now: datetime, since: datetime) -> Digest:
    """Return the digest of ``user`` for the day ``now`` falls on in their zone."""
    zone = zone_named(user.time_zone)
    today = now.astimezone(zone).date()
    owner = as_user_id(user)
    days = overview.ghost_after_days(owner)
    open_apps = JobApplication.objects.for_user(owner).exclude(
        status__in=["offer", "rejection", "withdrawal"]
    )
    tracked = overview.track(owner, open_apps, now=now, ghost_days=days)
    tomorrow = overview.day_start(today + timedelta(days=1), zone)
    interviews = Interview.objects.filter(
        user=user, starts_at__gte=tomorrow, starts_at__lt=tomorrow + timedelta(days=1)
    ).select_related("application")
    return Digest(
        day=today,
        due=overview.due(owner, until=today),
        ghosted=newly_ghosted(tracked, days, since, now),
        interviews=list(interviews.order_by("starts_at")),
    )


@dataclass(frozen=True)
class _Claim:
    won: bool
    previous: date | None  # the day of the digest before, when there was one


def _claim(user: User, today: date) -> _Claim:
    """Take today's digest for ``user`` by a conditional update; lose if it is taken."""
    row = TrackerSettings.objects.filter(user=user, digest_enabled=True).first()
    if row is None:
        return _Claim(False, None)
    free = Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today)
    won = TrackerSettings.objects.filter(free, pk=row.pk, digest_enabled=True).update(
        digest_sent_on=today
    )
    return _Claim(bool(won), row.digest_sent_on)


def send_digest(user: User, now: datetime) -> bool:
    """Send ``user`` today's digest unless it went out already; True if an email was sent."""
    local = now.astimezone(zone_named(user.time_zone))
    if local.hour < settings.TRACKER_DIGEST_HOUR:
        return False  # too early in the person's day
    today = local.date()
    claim = _claim(user, today)
    if not claim.won:
        return False
    previous = claim.previous
    since = (
        overview.day_start(previous, zone_named(user.time_zone))
        if previous
        else now - timedelta(days=1)
    )
    digest = digest_for(user, now, since)
    if digest.empty:
        return False
    context = {"digest": digest, "user": user, "base_url": settings.SITE_URL}
    # Times in the email are the person's, as on their pages.
    with timezone.override(zone_named(user.time_zone)):
        text = render_to_string("tracker/digest.txt", context)
        html = render_to_string("tracker/digest.html", context)
    try:
        send_mail(
            subject=f"Your job search today ({today:%d %b})",
            message=text,
            from_email=None,
            recipient_list=[user.email],
            html_message=html,
        )
    except Exception:
        # Give the day back so the next run tries again; the task's retry logs the cause.
        TrackerSettings.objects.filter(user=user, digest_sent_on=today).update(
            digest_sent_on=previous
        )
        raise
    return True
