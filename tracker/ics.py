"""iCalendar (RFC 5545) through the ``icalendar`` library: read invitations, write a feed.

``events`` reads the VEVENTs of a calendar invitation (``text/calendar`` part): start, end (or
start + DURATION), summary, location, UID. Zones come as the invitation gives them: an IANA
``TZID``, a Windows name ("Pacific Standard Time", which Outlook and Teams write) or a custom
one defined by the invitation's own VTIMEZONE rules, UTC ``Z`` times; floating times and a
``TZID`` nothing defines are taken in the person's zone; all-day dates are skipped (no time to
be at an interview) and cancelled events left out. ``calendar`` writes the person's feed.
Nothing here raises on bad input: what cannot be read is left out.

The first version parsed the text by hand and read any zone that is not an IANA name as the
person's own: a Teams invitation for 14:00 Pacific showed at 14:00 in Berlin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

import icalendar

log = logging.getLogger(__name__)

PRODID = "-//Mailbox//Job application tracker//EN"
# A summary, location or UID read from an invitation is cut to this many characters.
MAX_FIELD = 300


@dataclass(frozen=True)
class Event:
    """One calendar event: read from an invitation, or written to the feed."""

    uid: str
    starts_at: datetime
    ends_at: datetime | None
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""


def events(text: str, default_zone: tzinfo = UTC) -> list[Event]:
    """Return the timed events of an iCalendar text; cancelled ones are left out."""
    if "END:VCALENDAR" not in text.upper():
        text += "\r\nEND:VCALENDAR\r\n"  # a cut-off part: read what it holds
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except ValueError as exc:
        log.info("calendar part not read: %s", str(exc)[:200])
        return []
    found = []
    for calendar in calendars:
        for component in calendar.walk("VEVENT"):
            event = _event(component, default_zone)
            if event is not None:
                found.append(event)
    return found


def _event(component: icalendar.Component, zone: tzinfo) -> Event | None:
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return None
    try:
        starts = _when(component.get("DTSTART"), zone)
        ends = _end(component, starts, zone) if starts is not None else None
    except ValueError as exc:  # a broken DTSTART, DTEND or DURATION (InvalidCalendar)
        log.info("calendar event not read: %s", str(exc)[:200])
        return None
    if starts is None:
        return None
    return Event(
        uid=_text(component, "UID"),
        starts_at=starts,
        ends_at=ends if ends and ends > starts else None,
        summary=_text(component, "SUMMARY"),
        location=_text(component, "LOCATION"),
    )


def _when(prop: object, zone: tzinfo) -> datetime | None:
    value = getattr(prop, "dt", None)
    if not isinstance(value, datetime):
        return None  # absent, or an all-day date
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _end(component: icalendar.Component, starts: datetime, zone: tzinfo) -> datetime | None:
    if "DTEND" in component:
        return _when(component["DTEND"], zone)
    length = getattr(component.get("DURATION"), "dt", None)
    return starts + length if isinstance(length, timedelta) else None


def _text(component: icalendar.Component, name: str) -> str:
    return str(component.get(name, "")).strip()[:MAX_FIELD]


# --- Writing -------------------------------------------------------------------------------------


def calendar(items: Iterable[Event], *, name: str, now: datetime) -> str:
    """Return an iCalendar text (CRLF line ends, folded at 75 octets) holding ``items``."""
    feed = icalendar.Calendar()
    feed.add("version", "2.0")
    feed.add("prodid", PRODID)
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    for item in items:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", item.starts_at.astimezone(UTC))
        if item.ends_at is not None:
            event.add("dtend", item.ends_at.astimezone(UTC))
        event.add("summary", item.summary)
        for key, value in (
            ("location", item.location),
            ("description", item.description),
            ("url", item.url),
        ):
            if value:
                event.add(key, value)
        feed.add_component(event)
    return bytes(feed.to_ical()).decode()


__all__ = ["PRODID", "Event", "calendar", "events"]
