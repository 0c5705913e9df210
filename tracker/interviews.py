"""Upcoming interviews, found in the mail of the person's applications.

For each interview email on a timeline (read once: ``InterviewScan``): a calendar invitation
(``text/calendar`` part, fetched from Gmail through ``mails.reading`` since Mailbox stores no
files) gives the time first; otherwise explicit dates in the email's text ("Tuesday, March 4
at 2:00 PM ET", "2026-03-04 14:00", "4 March 2026, 14:00") are read, in the zone the text
names or else the person's own (``User.time_zone``). A date without a year is the next one on
or after the email's date.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from accounts.errors import GoogleError
from accounts.models import User
from accounts.time_zones import zone as zone_named
from analysis.status import Status
from mails.gmail import GmailClient
from mails.models import Message
from mails.reading import fetch_payload, file_bytes, file_parts
from tracker import ics
from tracker.models import ApplicationEmail, Interview, InterviewScan

log = logging.getLogger(__name__)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# Zone abbreviations people write after a time; a named zone keeps daylight saving right.
ZONES: dict[str, str] = {
    "ET": "America/New_York",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "CT": "America/Chicago",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "MT": "America/Denver",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "PT": "America/Los_Angeles",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "UTC": "UTC",
    "GMT": "UTC",
    "BST": "Europe/London",
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = (
    r"(?:\s*(?:,|at|@|-|from)?\s*)(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*"
    r"(?P<ampm>[ap]\.?m\.?)?(?:\s*(?P<zone>" + "|".join(ZONES) + r")\b)?"
)
_PATTERNS = (
    # "March 4, 2026 at 2:00 PM ET", "Tuesday, March 4 at 14:00"
    re.compile(
        _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?" + _TIME,
        re.IGNORECASE,
    ),
    # "4 March 2026, 14:00", "4th of March at 10am"
    re.compile(
        r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
        + _MONTH
        + r"(?:\s+(?P<year>\d{4}))?"
        + _TIME,
        re.IGNORECASE,
    ),
    # "2026-03-04 14:00", "2026-03-04T14:00"
    re.compile(
        r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})(?:T|\s+(?:at\s+)?)(?P<hour>\d{1,2}):"
        r"(?P<minute>\d{2})(?:\s*(?P<zone>" + "|".join(ZONES) + r")\b)?",
        re.IGNORECASE,
    ),
)
# An interview found in text is given this length in the feed.
TEXT_INTERVIEW_LENGTH = timedelta(hours=1)
# A text date more than this before the email is no interview (a quoted old mail).
_PAST_LIMIT = timedelta(days=1)


@dataclass(frozen=True)
class Found:
    """An interview time found in one email."""

    starts_at: datetime
    ends_at: datetime | None
    title: str
    location: str
    origin: str
    uid: str


def _hour(hour: int, ampm: str | None) -> int | None:
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
    return hour if 0 <= hour <= 23 else None


def _match_time(match: re.Match[str], sent: datetime, default: tzinfo) -> datetime | None:
    groups = match.groupdict()
    month = int(groups["mon"]) if groups.get("mon") else _MONTHS[groups["month"].lower()]
    hour = _hour(int(groups["hour"]), groups.get("ampm"))
    minute = int(groups.get("minute") or 0)
    # A bare number ("March 4 2") is no time: ask for minutes or am/pm.
    if hour is None or minute > 59 or not (groups.get("minute") or groups.get("ampm")):
        return None
    zone = ZoneInfo(ZONES[groups["zone"].upper()]) if groups.get("zone") else default
    year = int(groups["year"]) if groups.get("year") else sent.astimezone(zone).year
    try:
        when = datetime(year, month, int(groups["day"]), hour, minute, tzinfo=zone)
    except ValueError:
        return None
    if not groups.get("year") and when < sent - _PAST_LIMIT:
        when = when.replace(year=year + 1)  # "January 5" written in December
    return when


def dates_in_text(text: str, sent: datetime, default: tzinfo) -> list[datetime]:
    """Return the explicit interview times in ``text``, in order, without repeats."""
    found: dict[datetime, int] = {}
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            when = _match_time(match, sent, default)
            if when is not None and when >= sent - _PAST_LIMIT:
                found.setdefault(when, match.start())
    return sorted(found, key=lambda when: found[when])


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
        Found(when, when + TEXT_INTERVIEW_LENGTH, message.subject[:300], "", "text", "")
        for when in dates_in_text(text, sent, zone)[:3]
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


__all__ = ["Found", "ScanSummary", "dates_in_text", "find", "scan", "upcoming"]
