"""Interview times as people write them in mail: a date, a time, perhaps a zone.

Recruiters write the same appointment many ways: "Thursday at 11 AM", "next Wednesday at
2 PM", "Date: March 12, 2026 / Time: 3:30 PM EST" on two lines, "2:00-3:00 PM PT on Tuesday,
March 10th", "3/9 at 10am", "Wed 03/11/2026 10:00 AM - 11:00 AM (GMT-05:00) Eastern Time",
"10.30am on Friday 6th March", "tomorrow at 4:30pm", "noon". The text is read as two kinds of
mention — dates (a month name with a day, numeric and ISO dates, a weekday, today or
tomorrow) and times (with minutes or am/pm, a range, a zone after them) — and each time is
paired with the nearest date in the same sentence or on an earlier line of a form. A time with no
date, or a date with no time, places nothing.

Dates without a year are the next on or after the email's day; a weekday is the next one
after it ("next Wednesday" written early in a week is the following week's). Numeric dates
are month first for a person in the Americas, day first elsewhere, unless a number over 12
says which. A time is in the zone the text names, else the person's own. General-purpose
date finders (dateparser's ``search_dates``, datefinder) were tried on these forms first:
they read dates alone and placed 8 and 7 of 22 such appointments right (the time dropped,
"Date:"/"Time:" lines read as today, ranges as two dates), so the pairing is done here.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, available_timezones

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
_WEEKDAY_NAMES = (
    ("monday", "mon"),
    ("tuesday", "tues", "tue"),
    ("wednesday", "wed"),
    ("thursday", "thurs", "thur", "thu"),
    ("friday", "fri"),
    ("saturday", "sat"),
    ("sunday", "sun"),
)
_WEEKDAYS = {name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names}
# Zone abbreviations, matched in capitals only ("est", "cet", "west" are words too); a named
# zone keeps daylight saving right whichever of its two abbreviations is written.
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
    "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "UTC": "UTC",
    "GMT": "Europe/London",
    "BST": "Europe/London",
    "WET": "Europe/Lisbon",
    "WEST": "Europe/Lisbon",
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
    "EET": "Europe/Helsinki",
    "EEST": "Europe/Helsinki",
    "IST": "Asia/Kolkata",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "AET": "Australia/Sydney",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
}
# Zones written out, lower case; "Time" after them is optional.
_ZONE_NAMES: dict[str, str] = {
    "eastern": "America/New_York",
    "central": "America/Chicago",
    "mountain": "America/Denver",
    "pacific": "America/Los_Angeles",
    "uk": "Europe/London",
    "london": "Europe/London",
    "british": "Europe/London",
    "central european": "Europe/Berlin",
    "india": "Asia/Kolkata",
    "indian": "Asia/Kolkata",
    "singapore": "Asia/Singapore",
    "sydney": "Australia/Sydney",
}

_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\.?"
_FULL_WEEKDAY = r"(?:" + "|".join(names[0] for names in _WEEKDAY_NAMES) + r")"
_ORDINAL = r"(?:st|nd|rd|th)?"


def _lead(name: str) -> str:
    """An optional weekday before a date ("Thu, Mar 12"), in group ``name``."""
    return rf"(?:(?P<{name}>{_WEEKDAY}),?\s+)?"


_DATE = re.compile(
    r"(?<![\w/.:-])(?:"
    # "Thu, Mar 12", "March 12th, 2026"
    rf"{_lead('a_wd')}(?P<a_mon>{_MONTH})\s+(?P<a_day>\d{{1,2}}){_ORDINAL}"
    r"(?:,?\s+(?P<a_year>\d{4}))?"
    # "Friday 6th March", "12 March 2026", "5th of March"
    rf"|{_lead('b_wd')}(?P<b_day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?"
    rf"(?P<b_mon>{_MONTH})(?:,?\s+(?P<b_year>\d{{4}}))?"
    # "2026-03-13"
    r"|(?P<c_year>\d{4})-(?P<c_mon>\d{1,2})-(?P<c_day>\d{1,2})"
    # "11.03.2026" (dotted: day first)
    r"|(?P<e_day>\d{1,2})\.(?P<e_mon>\d{1,2})\.(?P<e_year>\d{4})"
    # "Wed 03/11/2026", "3/9"
    rf"|{_lead('d_wd')}(?P<d_first>\d{{1,2}})/(?P<d_second>\d{{1,2}})"
    r"(?:/(?P<d_year>\d{4}|\d{2}))?(?![\w/])"
    # "today", "tomorrow"
    r"|(?P<rel>today|tomorrow)"
    # "Thursday", "next Wednesday", "Monday the 16th" (full names: "sun", "wed" are words)
    rf"|(?:(?P<which>this|next|coming)\s+)?(?P<f_wd>{_FULL_WEEKDAY})"
    rf"(?:,?\s+the\s+(?P<f_day>\d{{1,2}}){_ORDINAL})?"
    # "on the 4th" (the ordinal's letters required: "the 4 of us" is no day)
    r"|the\s+(?P<g_day>\d{1,2})(?:st|nd|rd|th)(?!\s+(?:of\s+)?" + _MONTH + r")"
    r")(?!\w)",
    re.IGNORECASE,
)
# A weekday in a span of days ("Monday to Friday", "Mon-Fri") is opening hours, not a day;
# two days in a row ("from Wednesday to Thursday") are a move from one to the other.
_SPAN_AFTER = re.compile(rf"^\s*(?:-|–|to|through|thru)\s*(?P<other>{_WEEKDAY})", re.I)
_SPAN_BEFORE = re.compile(rf"(?P<other>{_WEEKDAY})\s*(?:-|–|to|through|thru)\s*$", re.I)
_SPAN_DAYS = 2
# The header lines of a quoted message say when it was sent, not when anyone meets.
_QUOTED_HEADER = re.compile(
    r"^[> \t]*(?:On\b.{4,200}(?:\n.{0,200})?\bwrote:|Sent:.*"
    r"|Date:.*(?=\n[> \t]*(?:From|To|Subject):))[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
# "2026-03-04T14:00:00Z": the date and the time read apart, seconds dropped, the Z or offset
# written as a zone.
_ISO_JOINED = re.compile(
    r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(?:(Z)|([+-]\d{2}:?\d{2}))?"
)

_CLOCK = (
    r"(?P<{p}hour>\d{{1,2}})(?:(?::|h)(?P<{p}minute>\d{{2}})|\.(?P<{p}dotted>\d{{2}})(?=\s*[ap]))?"
    r"(?!\d)(?:\s*(?P<{p}ampm>[ap])\.?\s?m\b\.?)?"
)
_ZONE_CORE = (
    r"\(?\s*(?:"
    r"(?:GMT|UTC)\s*(?P<sign>[+\-−])\s*(?P<off_h>\d{1,2})(?::?(?P<off_m>\d{2}))?\)?"
    r"(?:\s*(?P<after_offset>" + "|".join(_ZONE_NAMES) + r")(?:\s+(?:standard|daylight))?"
    r"\s+time|\s*(?-i:(?P<city>[A-Z][a-z]+(?:[ _][A-Z][a-z]+)?)))?"
    r"|(?-i:(?P<iana>(?:America|Europe|Asia|Africa|Australia|Pacific|Atlantic|Indian)"
    r"/[A-Za-z_]+(?:/[A-Za-z_]+)?))"
    r"|(?-i:(?P<abbr>" + "|".join(sorted(ZONES, key=len, reverse=True)) + r"))\b"
    r"|(?P<zone_name>" + "|".join(sorted(_ZONE_NAMES, key=len, reverse=True)) + r")"
    r"(?:\s+(?:standard|daylight|summer))?(?:\s+time)?\b"
    r")\s*\)?"
)
_ZONE = r"(?:\s*" + _ZONE_CORE + r")?"
_IANA_NAMES = frozenset(available_timezones())
# A zone's city, as Outlook lists them after an offset: "berlin" → Europe/Berlin.
_CITY_ZONES = {
    name.rsplit("/", 1)[1].lower(): name
    for name in sorted(_IANA_NAMES)
    if name.count("/") == 1
    and name.split("/")[0] in ("America", "Europe", "Asia", "Africa", "Australia", "Pacific")
}
# A form's own zone line ("Time Zone: (GMT-07:00) Pacific Time") holds for its times.
_FORM_ZONE = re.compile(r"^[ \t]*time[ \t]?zone[ \t]*:[ \t]*" + _ZONE_CORE, re.M | re.I)
# A form's end line ("End Time: 10:00 AM") ends the appointment before it.
_END_LABEL = re.compile(
    r"(?:^|\n)[ \t]*(?:end(?:s|[ \t]+time)?|until|finish(?:es)?)[ \t]*:[ \t]*$", re.I
)
# A range's end: "2-3pm", "11:00am – 11:45am", "10:00 AM to 11:00 AM".
_RANGE = r"(?:\s*(?:-|–|—|to|until|till)\s*"
_TIME = re.compile(
    r"(?<![\w/:.,$£€-])(?:"
    r"(?P<noon>noon|midday)"
    r"|" + _CLOCK.format(p="s_") + _RANGE + _CLOCK.format(p="e_") + r")?"
    r")(?![\w/])" + _ZONE,
    re.IGNORECASE,
)
# What may stand between a date and its time: a short stretch within one sentence, or the
# end of a "Date:" line and the start of a "Time:" line.
_MAX_GAP = 40
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n\s*\n")
# Or a form's lines between them ("Date: March 16\nLocation: HQ, Room 4\nTime: 2:30 PM"):
# the time's own line labelled, every line between "Label: value", no blank line.
_MAX_FORM_GAP = 240
_LABEL = re.compile(r"\s*[A-Za-z][\w /&()-]{0,30}:")
# A "range" this long is opening hours or an availability window, not one appointment.
_LONGEST_RANGE = timedelta(hours=4)
# A time this long before the email is no appointment it announces (a zone read wrongly can
# move a time by up to half a day).
_SLACK = timedelta(hours=12)
_HORIZON = timedelta(days=366)
TEXT_INTERVIEW_LENGTH = timedelta(hours=1)
# An invitation names its time near the top; what follows is signatures, quotes and footers.
MAX_CHARS = 20_000


@dataclass(frozen=True)
class Slot:
    """An appointment read from text: when it starts and ends (an hour unless a range said)."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int


@dataclass(frozen=True)
class _Date(_Mention):
    day: date


@dataclass(frozen=True)
class _Time(_Mention):
    starts: time
    ends: time | None
    zone: tzinfo | None


def find_slots(text: str, sent: datetime, default: tzinfo) -> list[Slot]:
    """Return the appointments ``text`` names, in the order written, without repeats:
    each time paired with its date, in the zone written or ``default``, from about the
    email's ``sent`` time to a year after it. Only the first ``MAX_CHARS`` are read."""
    text = text[:MAX_CHARS]
    text = _QUOTED_HEADER.sub("", _ISO_JOINED.sub(_iso_apart, text))
    dates = _dates(text, sent.astimezone(default).date(), default)
    form_zone = _FORM_ZONE.search(text)
    zone = (_zone(form_zone) if form_zone else None) or default
    slots: dict[datetime, Slot] = {}
    last: Slot | None = None
    for mention in _times(text):
        day = _date_for(text, mention, dates)
        slot = _slot(day, mention, zone) if day is not None else None
        if slot is None or not sent - _SLACK <= slot.starts_at <= sent + _HORIZON:
            continue
        if last is not None and _ends(text, mention, last, slot):
            slots[last.starts_at] = last = Slot(last.starts_at, slot.starts_at)
            continue
        last = slots.setdefault(slot.starts_at, slot)
    return list(slots.values())


def _ends(text: str, mention: _Time, last: Slot, slot: Slot) -> bool:
    """True when ``mention`` is the labelled end of the appointment ``last``."""
    # A label is a few words at the start of the time's line: look back no further.
    window = max(0, mention.start - _MAX_GAP)
    newline = text.rfind("\n", window, mention.start)
    if newline < 0 and window > 0:
        return False
    if not _END_LABEL.search(text, max(newline, 0), mention.start):
        return False
    return last.starts_at < slot.starts_at <= last.starts_at + _LONGEST_RANGE


def _iso_apart(match: re.Match[str]) -> str:
    zone = " UTC" if match[3] else f" UTC{match[4]}" if match[4] else ""
    return f"{match[1]} {match[2]}{zone}"


def _dates(text: str, today: date, default: tzinfo) -> list[_Date]:
    found = []
    for match in _DATE.finditer(text):
        if match["f_wd"] and _in_day_span(text, match):
            continue
        day = _resolve_date(match, today, _month_first(default))
        if day is not None:
            found.append(_Date(match.start(), match.end(), day))
    return found


def _in_day_span(text: str, match: re.Match[str]) -> bool:
    weekday = _WEEKDAYS[match["f_wd"].lower()]
    after = _SPAN_AFTER.search(text[match.end() : match.end() + 16])
    before = _SPAN_BEFORE.search(text[max(0, match.start() - 16) : match.start()])
    if after and (_WEEKDAYS[after["other"].lower().rstrip(".")] - weekday) % 7 >= _SPAN_DAYS:
        return True
    return bool(
        before and (weekday - _WEEKDAYS[before["other"].lower().rstrip(".")]) % 7 >= _SPAN_DAYS
    )


def _month_first(zone: tzinfo) -> bool:
    """Numeric dates are month first for people in the Americas ("3/9" is March 9)."""
    return str(getattr(zone, "key", "")).startswith("America/")


def _resolve_date(match: re.Match[str], today: date, month_first: bool) -> date | None:
    groups = match.groupdict()
    if groups["rel"]:
        return today + timedelta(days=1 if groups["rel"].lower() == "tomorrow" else 0)
    if groups["f_wd"]:
        return _weekday_date(groups, today)
    if groups["g_day"]:
        return _next_numbered(int(groups["g_day"]), today)
    for prefix in ("a_", "b_"):
        if groups[f"{prefix}mon"]:
            month = _MONTHS[groups[f"{prefix}mon"].lower().rstrip(".")]
            return _calendar_date(groups[f"{prefix}year"], month, groups[f"{prefix}day"], today)
    if groups["c_year"]:
        return _calendar_date(groups["c_year"], int(groups["c_mon"]), groups["c_day"], today)
    if groups["e_year"]:
        return _calendar_date(groups["e_year"], int(groups["e_mon"]), groups["e_day"], today)
    first, second = int(groups["d_first"]), int(groups["d_second"])
    if first > 12 or (not month_first and second <= 12):
        first, second = second, first
    year = groups["d_year"]
    if year and len(year) == 2:
        year = f"20{year}"
    return _calendar_date(year, first, str(second), today)


def _calendar_date(year: str | None, month: int, day: str, today: date) -> date | None:
    try:
        if year:
            return date(int(year), month, int(day))
        found = date(today.year, month, int(day))
        # "January 5" written in December is next year's.
        return (
            found if found >= today - timedelta(days=1) else date(today.year + 1, month, int(day))
        )
    except ValueError:
        return None


def _weekday_date(groups: dict[str, str | None], today: date) -> date | None:
    weekday = _WEEKDAYS[str(groups["f_wd"]).lower()]
    if groups["f_day"]:
        return _next_numbered(int(groups["f_day"]), today)  # "Monday the 16th"
    ahead = (weekday - today.weekday()) % 7 or 7
    # "next Wednesday" written on a Monday is the following week's; on a Friday, the coming one.
    if (groups["which"] or "").lower() == "next" and weekday > today.weekday():
        ahead += 7
    return today + timedelta(days=ahead)


def _next_numbered(day: int, today: date) -> date | None:
    """The next day numbered ``day`` on or after ``today`` ("the 16th")."""
    for months_ahead in range(3):
        month = (today.month - 1 + months_ahead) % 12 + 1
        year = today.year + (today.month - 1 + months_ahead) // 12
        found = _calendar_date(str(year), month, str(day), today)
        if found is not None and found >= today:
            return found
    return None


def _times(text: str) -> list[_Time]:
    found = []
    for match in _TIME.finditer(text):
        mention = _read_time(match)
        if mention is not None:
            found.append(mention)
    return found


def _read_time(match: re.Match[str]) -> _Time | None:
    zone = _zone(match)
    if match["noon"]:
        return _Time(match.start(), match.end(), time(12, 0), None, zone)
    start = _clock(match, "s_")
    end = _clock(match, "e_") if match["e_hour"] else None
    if end is not None and start is not None and start[1] is None and end[1] is not None:
        start = _inherit(start, end)
    starts = _as_time(start)
    if starts is None:
        return None
    ends = _as_time(end) if end is not None else None
    if match["e_hour"] and ends is None:
        return None  # "2-30": no range of times
    return _Time(match.start(), match.end(), starts, ends, zone)


# (hour, am/pm or None, minute, written with minutes): a clock as written.
_Clock = tuple[int, str | None, int, bool]


def _clock(match: re.Match[str], prefix: str) -> _Clock | None:
    minute = match[f"{prefix}minute"] or match[f"{prefix}dotted"]
    ampm = match[f"{prefix}ampm"]
    return (
        int(match[f"{prefix}hour"]),
        ampm.lower() if ampm else None,
        int(minute or 0),
        bool(minute),
    )


def _inherit(start: _Clock, end: _Clock) -> _Clock:
    """A range's start takes its am/pm from its end ("2-3pm"), unless that puts it after the
    end ("11-1pm" starts in the morning)."""
    hour, _, minute, written = start
    same = (hour, end[1], minute, written)
    starts, ends = _as_time(same), _as_time(end)
    if starts is not None and ends is not None and starts > ends:
        return (hour, "a" if end[1] == "p" else "p", minute, written)
    return same


def _as_time(clock: _Clock | None) -> time | None:
    """The time of a clock with minutes or am/pm; None for a bare number ("at 2")."""
    if clock is None:
        return None
    hour, ampm, minute, written = clock
    if minute > 59 or not (written or ampm):
        return None
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    return time(hour, minute) if hour <= 23 else None


def _zone(match: re.Match[str]) -> tzinfo | None:
    if match["after_offset"]:
        return ZoneInfo(_ZONE_NAMES[match["after_offset"].lower()])
    # Outlook's "(GMT+01:00) Amsterdam, Berlin, ..." names its standard offset and a city whose
    # zone keeps summer time right; a zone written out ("Europe/Berlin") is taken as it is.
    city = _CITY_ZONES.get((match["city"] or "").replace(" ", "_").lower())
    if city or match["iana"] in _IANA_NAMES:
        return ZoneInfo(city or match["iana"])
    if match["off_h"]:
        sign = -1 if match["sign"] in "-−" else 1
        offset = timedelta(hours=int(match["off_h"]), minutes=int(match["off_m"] or 0))
        return timezone(sign * offset) if offset <= timedelta(hours=14) else None
    if match["abbr"]:
        return ZoneInfo(ZONES[match["abbr"]])
    if match["zone_name"]:
        return ZoneInfo(_ZONE_NAMES[" ".join(match["zone_name"].lower().split())])
    return None


def _date_for(text: str, mention: _Time, dates: list[_Date]) -> date | None:
    """The date written closest to ``mention`` with nothing but a short stretch of one
    sentence between them (a date before the time wins a tie)."""
    best: tuple[int, int, date] | None = None
    # Only dates near the time can pair with it (dates are in text order, apart).
    first = bisect.bisect_left(dates, mention.start - _MAX_FORM_GAP, key=lambda d: d.end)
    last = bisect.bisect_right(dates, mention.end + _MAX_GAP, key=lambda d: d.start)
    for candidate in dates[first:last]:
        if candidate.end <= mention.start:
            gap, order = text[candidate.end : mention.start], 0
        elif candidate.start >= mention.end:
            gap, order = text[mention.end : candidate.start], 1
        else:
            continue
        if not (_in_one_sentence(gap) or (order == 0 and _form_lines(gap))):
            continue
        if best is None or (len(gap), order) < best[:2]:
            best = (len(gap), order, candidate.day)
    return best[2] if best else None


def _in_one_sentence(gap: str) -> bool:
    return len(gap) <= _MAX_GAP and not _SENTENCE_END.search(gap)


def _form_lines(gap: str) -> bool:
    """True when ``gap`` runs from a date's line to a time's over labelled lines only."""
    lines = gap.split("\n")
    if len(gap) > _MAX_FORM_GAP or len(lines) < 2 or len(lines[0].strip()) > _MAX_GAP:
        return False
    labelled = lines[1:]
    return (
        all(_LABEL.match(line) for line in labelled) and not labelled[-1].split(":", 1)[1].strip()
    )


def _slot(day: date, mention: _Time, default: tzinfo) -> Slot | None:
    zone = mention.zone or default
    starts = datetime.combine(day, mention.starts, tzinfo=zone)
    if mention.ends is None:
        return Slot(starts, starts + TEXT_INTERVIEW_LENGTH)
    ends = datetime.combine(day, mention.ends, tzinfo=zone)
    if ends <= starts:
        ends += timedelta(days=1)  # "11pm-1am"
    if ends - starts > _LONGEST_RANGE:
        return None
    return Slot(starts, ends)


__all__ = ["TEXT_INTERVIEW_LENGTH", "ZONES", "Slot", "find_slots"]
