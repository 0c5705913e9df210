"""Calendar invitations as mail systems send them, read by ``tracker.ics`` (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tracker import ics

BERLIN = ZoneInfo("Europe/Berlin")
# Outlook and Teams name zones the Windows way and define them in the calendar itself.
WINDOWS_ZONE = """BEGIN:VCALENDAR
METHOD:REQUEST
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:{tzid}
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
SUMMARY;LANGUAGE=en-US:Second interview - Platform Engineer
DTSTART;TZID={tzid}:20260316T093000
DTEND;TZID={tzid}:20260316T101500
UID:040000008200E00074C5B7101A82E0080000000020F5
LOCATION;LANGUAGE=en-US:Microsoft Teams Meeting
END:VEVENT
END:VCALENDAR
"""


def test_a_windows_zone_name_and_a_custom_zone_keep_their_offsets() -> None:
    for tzid in ("Eastern Standard Time", "Customized Time Zone"):
        (event,) = ics.events(WINDOWS_ZONE.format(tzid=tzid), BERLIN)
        # 09:30 Eastern (summer time from 8 March) is 13:30 UTC, not 09:30 in Berlin.
        assert event.starts_at.astimezone(UTC) == datetime(2026, 3, 16, 13, 30, tzinfo=UTC)
        assert event.ends_at is not None
        assert event.ends_at.astimezone(UTC) == datetime(2026, 3, 16, 14, 15, tzinfo=UTC)
        assert event.location == "Microsoft Teams Meeting"


def test_a_duration_ends_the_event_and_a_floating_time_is_the_person_s() -> None:
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260316T093000\r\n"
        "DURATION:PT45M\r\nSUMMARY:Screen\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = ics.events(text, BERLIN)
    assert event.starts_at == datetime(2026, 3, 16, 9, 30, tzinfo=BERLIN)
    assert event.ends_at == datetime(2026, 3, 16, 10, 15, tzinfo=BERLIN)


def test_what_cannot_be_read_is_left_out_and_a_cut_off_part_still_read() -> None:
    assert ics.events("not a calendar at all") == []
    broken = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026XX16T093000\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nDTSTART:20260317T093000Z\r\nSUMMARY:Kept\r\nEND:VEVENT\r\n"
    )  # no END:VCALENDAR: a part cut short
    (event,) = ics.events(broken)
    assert (event.summary, event.starts_at) == ("Kept", datetime(2026, 3, 17, 9, 30, tzinfo=UTC))
