"""iCalendar (RFC 5545), the little of it the tracker needs: read invitations, write a feed.

``events`` reads the VEVENTs of a calendar invitation (``text/calendar`` part): start, end,
summary, location, UID, with ``TZID=`` zones, UTC ``Z`` times, floating times (taken in the
person's zone) and all-day dates (skipped: no time to be at an interview). ``calendar`` writes
the person's feed. Nothing here raises on bad input: what cannot be read is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# RFC 5545 §3.1: lines are folded at 75 octets; a continuation starts with a space or tab.
FOLD_AT = 75
PRODID = "-//Mailbox//Job application tracker//EN"


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


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def _split(line: str) -> tuple[str, dict[str, str], str]:
    """Return (name, parameters, value) of a content line ("DTSTART;TZID=X:2025...")."""
    head, _, value = line.partition(":")
    name, *params = head.split(";")
    parameters = {}
    for param in params:
        key, _, val = param.partition("=")
        parameters[key.upper()] = val.strip('"')
    return name.upper(), parameters, value


def _unescape(value: str) -> str:
    return (
        value.replace("\\n", "\n")
        .replace("\\N", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
    )


def _zone(name: str, default: tzinfo) -> tzinfo:
    try:
        return ZoneInfo(name) if name else default
    except (ZoneInfoNotFoundError, ValueError):
        return default


def _when(value: str, parameters: dict[str, str], default: tzinfo) -> datetime | None:
    value = value.strip()
    if parameters.get("VALUE") == "DATE" or len(value) == 8:
        return None  # an all-day event: no time to be there
    try:
        if value.endswith("Z"):
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        naive = datetime.strptime(value, "%Y%m%dT%H%M%S")
    except ValueError:
        return None
    return naive.replace(tzinfo=_zone(parameters.get("TZID", ""), default))


def events(text: str, default_zone: tzinfo = UTC) -> list[Event]:
    """Return the timed events of an iCalendar text; cancelled ones are left out."""
    found: list[Event] = []
    current: dict[str, tuple[dict[str, str], str]] | None = None
    for line in _unfold(text):
        name, parameters, value = _split(line)
        if name == "BEGIN" and value.upper() == "VEVENT":
            current = {}
        elif name == "END" and value.upper() == "VEVENT" and current is not None:
            event = _event(current, default_zone)
            if event is not None:
                found.append(event)
            current = None
        elif current is not None and name not in current:
            current[name] = (parameters, value)
    return found


def _event(fields: dict[str, tuple[dict[str, str], str]], zone: tzinfo) -> Event | None:
    if "DTSTART" not in fields or fields.get("STATUS", ({}, ""))[1].upper() == "CANCELLED":
        return None
    starts = _when(fields["DTSTART"][1], fields["DTSTART"][0], zone)
    if starts is None:
        return None
    ends = _when(fields["DTEND"][1], fields["DTEND"][0], zone) if "DTEND" in fields else None
    return Event(
        uid=fields.get("UID", ({}, ""))[1].strip()[:300],
        starts_at=starts,
        ends_at=ends if ends and ends > starts else None,
        summary=_unescape(fields.get("SUMMARY", ({}, ""))[1]).strip()[:300],
        location=_unescape(fields.get("LOCATION", ({}, ""))[1]).strip()[:300],
    )


# --- Writing -------------------------------------------------------------------------------------


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = FOLD_AT if not out else FOLD_AT - 1
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(items: Iterable[Event], *, name: str, now: datetime) -> str:
    """Return an iCalendar text (CRLF line ends) holding ``items``."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for item in items:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_escape(item.uid)}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(item.starts_at)}",
        ]
        if item.ends_at is not None:
            lines.append(f"DTEND:{_stamp(item.ends_at)}")
        lines.append(f"SUMMARY:{_escape(item.summary)}")
        if item.location:
            lines.append(f"LOCATION:{_escape(item.location)}")
        if item.description:
            lines.append(f"DESCRIPTION:{_escape(item.description)}")
        if item.url:
            lines.append(f"URL:{_escape(item.url)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(f"{_fold(line)}\r\n" for line in lines)
