"""Appointments read from an email's text (``tracker.text_times``), without a database.

Each case is a way recruiters, schedulers and ATSs write one appointment; the email was sent
on Monday 2 March 2026 at 09:00 in New York, the reader's zone unless another is given.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tracker.text_times import MAX_CHARS, Slot, find_slots

NEW_YORK = ZoneInfo("America/New_York")
SENT = datetime(2026, 3, 2, 9, 0, tzinfo=NEW_YORK)
LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
PACIFIC = ZoneInfo("America/Los_Angeles")


def at(day: int, hour: int, minute: int = 0, zone: timezone | ZoneInfo = NEW_YORK) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=zone)


def starts(text: str, zone: ZoneInfo = NEW_YORK, sent: datetime = SENT) -> list[datetime]:
    return [slot.starts_at for slot in find_slots(text, sent, zone)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A weekday: the next one after the email's day.
        ("Your interview is confirmed for Thursday at 11 AM.", at(5, 11)),
        ("Your onsite is this Friday at 9:00 AM; please arrive early.", at(6, 9)),
        ("We'll talk Monday at 3 PM.", at(9, 15)),
        # "next" early in a week is the following week's.
        ("Final round is scheduled for next Wednesday at 2 PM.", at(11, 14)),
        ("Could you make Monday the 16th at 2:15 PM?", at(16, 14, 15)),
        ("Your phone screen is tomorrow at 4:30pm.", at(3, 16, 30)),
        ("The panel will meet you Wednesday, March 4 at noon.", at(4, 12)),
        # The time before the date, a zone after the time.
        ("Time: 2pm - 3pm EST on Monday, March 9", at(9, 14)),
        ("We have you down for 10.30am on Friday 6th March.", at(6, 10, 30)),
        # A form's lines: the date on one, the time on a later one.
        ("Date: March 12, 2026\nTime: 3:30 PM EST\nFormat: video call", at(12, 15, 30)),
        (
            "When: 12 March 2026\nWhere: HQ, Room 4 (2nd floor)\nTime: 15:30 (CET)",
            at(12, 15, 30, BERLIN),
        ),
        # Ranges take am/pm from their end; zones written as names.
        ("Can we meet Tuesday, March 10th from 2:00-3:00 PM PT?", at(10, 14, 0, PACIFIC)),
        ("The call is set for March 6 at 1pm Eastern.", at(6, 13)),
        ("Please join us on Thursday, 5 March at 09:30 (UK time).", at(5, 9, 30, LONDON)),
        ("Slot booked: Thu, Mar 12 · 11:00am – 11:45am (EDT)", at(12, 11)),
        # Outlook's label names the standard offset; the zone it names keeps summer time.
        (
            "Wed 03/11/2026 10:00 AM - 11:00 AM (GMT-05:00) Eastern Time (US & Canada)",
            at(11, 10),
        ),
        ("Starts 2026-03-13T16:00 UTC", at(13, 16, 0, ZoneInfo("UTC"))),
        ("Interview at 14:00 GMT+1 on 12.03.2026", at(12, 14, 0, timezone(timedelta(hours=1)))),
        ("Can you do 3/9 at 10am?", at(9, 10)),
        ("Does the 10th at 4:15pm suit you?", at(10, 16, 15)),
        # Two days in a row are a move, not a span of opening hours.
        ("Could we shift it from Tuesday to Wednesday at 10am?", at(4, 10)),
        (
            "Begins 2026-03-12T18:30:00-05:00, 45 minutes.",
            at(12, 18, 30, timezone(timedelta(hours=-5))),
        ),
        ("Begins 2026-03-12T18:30:00.000Z", at(12, 18, 30, ZoneInfo("UTC"))),
    ],
)
def test_an_appointment_is_read_as_written(text: str, expected: datetime) -> None:
    assert starts(text)[:1] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for applying on February 20. We will review your application.",
        "Our office hours are 9am to 5pm, Monday to Friday.",
        "Reach us Mon-Fri at 9:00 AM.",
        "The role pays $120,000 - 140,000; 3 PM is when the team meets.",
        "We received your application on 1 March 2026 at 14:02.",  # before the email
        "Applied on March 3 2019 as Engineer 2",
        "Call 555-1234 at 10am.",  # a time with no day
        "Your interview is on March 12.",  # a day with no time
        "It was great meeting on Thursday. At 2 PM the team decided.",
    ],
)
def test_what_places_no_appointment(text: str) -> None:
    assert starts(text) == []


def test_a_form_s_zone_and_end_lines_hold_for_its_time() -> None:
    form = (
        "Scheduled Date: 03/17/2026\nStart Time: 1:30 PM\nEnd Time: 2:15 PM\n"
        "Time zone: Central Time\nLocation: Zoom"
    )
    chicago = ZoneInfo("America/Chicago")
    assert find_slots(form, SENT, NEW_YORK) == [
        Slot(at(17, 13, 30, chicago), at(17, 14, 15, chicago))
    ]


def test_outlook_s_offset_label_takes_its_city_s_summer_time_and_a_zone_may_be_written_out() -> (
    None
):
    june = datetime(2026, 6, 1, 9, 0, tzinfo=NEW_YORK)
    outlook = "When: Tuesday, June 9, 2026 10:00 AM-11:00 AM. (UTC+01:00) Amsterdam, Berlin, Rome"
    # The label names the standard offset; Amsterdam is two hours ahead of UTC in June.
    assert starts(outlook, sent=june) == [datetime(2026, 6, 9, 8, 0, tzinfo=UTC)]
    form = "Date: June 9, 2026\nTime: 10:00\nTime zone: America/Chicago"
    chicago = ZoneInfo("America/Chicago")
    assert starts(form, sent=june) == [datetime(2026, 6, 9, 10, 0, tzinfo=chicago)]


def test_a_quoted_message_s_header_is_no_appointment() -> None:
    reply = (
        "Thanks, talk soon.\n\nOn Mon, Mar 2, 2026 at 8:15 AM Recruiting Team <\n"
        "jobs@example.com> wrote:\n> Hello\n\n-----Original Message-----\n"
        "From: Ann\nSent: Monday, March 2, 2026 7:50 AM\nTo: me\n"
        "---------- Forwarded message ---------\nFrom: Ann\nDate: Mon, Mar 2, 2026 at 8:40 AM\n"
        "Subject: Interview\n> See you Thursday at 2pm."
    )
    assert starts(reply) == [at(5, 14)]


def test_numeric_dates_are_day_first_outside_the_americas() -> None:
    assert starts("Can you do 3/9 at 10am?", LONDON) == [datetime(2026, 9, 3, 10, tzinfo=LONDON)]
    # A number over 12 says which it is wherever the reader lives.
    assert starts("Can you do 3/19 at 10am?", LONDON) == [datetime(2026, 3, 19, 10, tzinfo=LONDON)]


def test_a_range_sets_the_end_and_several_options_keep_their_order() -> None:
    text = "Would Tuesday 2-3pm or Wednesday at 10am work? Or Tuesday 2-3pm again."
    assert find_slots(text, SENT, NEW_YORK) == [
        Slot(at(3, 14), at(3, 15)),
        Slot(at(4, 10), at(4, 11)),  # an hour unless a range says
    ]
    assert starts("Friday 11-1pm") == [at(6, 11)]  # the morning, not after the end


def test_a_date_without_a_year_written_in_december_is_next_year_s() -> None:
    december = datetime(2026, 12, 20, tzinfo=UTC)
    assert starts("See you January 5 at 9am", ZoneInfo("UTC"), december) == [
        datetime(2027, 1, 5, 9, 0, tzinfo=ZoneInfo("UTC"))
    ]


def test_only_the_head_of_a_long_body_is_read() -> None:
    filler = "x" * MAX_CHARS
    assert starts(f"Thursday at 2pm {filler}") == [at(5, 14)]
    assert starts(f"{filler} Thursday at 2pm") == []
