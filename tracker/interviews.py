"""Upcoming interviews, found in the mail of the person's applications.

For each interview email on a timeline (read once: ``InterviewScan``): a calendar invitation
(``text/calendar`` part, fetched from Gmail through ``mails.reading`` since Mailbox stores no
files) gives the time first; otherwise the appointments its text names ("Thursday at 11 AM",
"Date: March 4 / Time: 2:00 PM ET", "2-3pm on 4 March") are read (``tracker.text_times``), in
the zone the text names or else the person's own (``User.time_zone``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from accounts.errors import GoogleError
from accounts.models import User
from accounts.time_zones import zone as zone_named
from analysis.status import Status
from mails.gmail import GmailClient
from mails.models import Message
from mails.reading import fetch_payload, file_bytes, file_parts
from tracker import ics
from tracker.models import ApplicationEmail, Interview, InterviewScan
from tracker.text_times import find_slots

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Found:
    """An interview time found in one email."""

    starts_at: datetime
    ends_at: datetime | None
    title: str
    location: str
    origin: str
    uid: str


def _from_calendar(user: User, gmail_id: str, zone: tzinfo) -> list[Found]:
    """Events of the message's calendar parts, fetched from Gmail; [] when it cannot be."""
    try:
        client = GmailClient(user)
        payload = fetch_payload(user, gmail_id, client)
        parts = [p for p in file_parts(payload) if p.mime_type.startswith("text/calendar")]
        texts = [file_bytes(client, gmail_id, part).decode("utf-8", "replace") for part in parts]
    except GoogleError as exc:
        # Disconnected, message gone, Gmail down: the text is read instead.
        log.info("interview scan: no calendar part of %s (%s)", gmail_id, type(exc).__name__)
        return []
    return [
        Found(event.starts_at, event.ends_at, event.summary, event.location, "ics", event.uid)
        for text in texts
        for event in ics.events(text, zone)
    ]


def _from_text(message: Message, sent: datetime, zone: tzinfo) -> list[Found]:
    text = f"{message.subject}\n{message.body_text}"
    return [
        Found(slot.starts_at, slot.ends_at, message.subject[:300], "", "text", "")
        for slot in find_slots(text, sent, zone)[:3]
    ]


def find(user: User, message: Message, zone: tzinfo, *, fetch: bool = True) -> list[Found]:
    """Interview times of one email: its calendar invitation first, else its text."""
    sent = message.internal_date
    has_calendar = any(
        str(a.get("mime_type", "")).startswith("text/calendar")
        or str(a.get("filename", "")).lower().endswith(".ics")
        for a in message.attachments or []
    )
    if has_calendar and fetch:
        found = _from_calendar(user, message.gmail_id, zone)
        if found:
            return found
    return _from_text(message, sent, zone)


@dataclass(frozen=True)
class ScanSummary:
    scanned: int
    interviews: int


def scan(user: User, *, limit: int = 200, fetch: bool = True) -> ScanSummary:
    """Read the user's not yet read interview emails for dates; record what is found.

    Idempotent: each email is read once (``InterviewScan``) and interviews are upserted by
    (user, message, start). ``fetch=False`` reads text only (no Gmail call).
    """
    zone = zone_named(user.time_zone)
    done = set(InterviewScan.objects.filter(user=user).values_list("message_id", flat=True))
    emails = [
        e
        for e in ApplicationEmail.objects.filter(user=user, status=Status.INTERVIEW_INVITATION)
        .order_by("-date")
        .only("message_id", "application_id")
        if e.message_id not in done
    ][:limit]
    messages = {
        m.gmail_id: m
        for m in Message.objects.for_user(user).filter(gmail_id__in=[e.message_id for e in emails])
    }
    total = 0
    for email in emails:
        message = messages.get(email.message_id)
        found = find(user, message, zone, fetch=fetch) if message is not None else []
        for item in found:
            Interview.objects.update_or_create(
                user=user,
                message_id=email.message_id,
                starts_at=item.starts_at,
                defaults={
                    "application_id": email.application_id,
                    "ends_at": item.ends_at,
                    "title": item.title,
                    "location": item.location,
                    "origin": item.origin,
                    "uid": item.uid,
                },
            )
        InterviewScan.objects.update_or_create(
            user=user, message_id=email.message_id, defaults={"found": len(found)}
        )
        total += len(found)
    return ScanSummary(scanned=len(emails), interviews=total)


def upcoming(user: User, now: datetime, *, days: int = 30) -> list[Interview]:
    """The user's interviews from now to ``days`` ahead, soonest first, on live applications."""
    rows = Interview.objects.filter(
        user=user, starts_at__gte=now, starts_at__lt=now + timedelta(days=days)
    ).select_related("application")
    return list(rows.order_by("starts_at")[:50])


__all__ = ["Found", "ScanSummary", "find", "scan", "upcoming"]
