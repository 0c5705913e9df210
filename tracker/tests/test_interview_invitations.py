"""Interviews from calendar invitations: the .ics part is fetched from Gmail (the emulator,
through the real client) and wins over dates in the text; without Gmail the text is read."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from analysis.status import Status
from mails.models import Message
from tracker import interviews
from tracker.models import Interview
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db

INVITATION = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:round-2@acme\r\n"
    "DTSTART;TZID=Europe/Berlin:20261215T100000\r\nDTEND;TZID=Europe/Berlin:20261215T110000\r\n"
    "SUMMARY:Acme interview\r\nLOCATION:Video call\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
TEXT = "Looking forward to it. (Our office hours: December 20, 2026 at 9:00 AM.)"
SENT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def invitation(to: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Acme Recruiting <jobs@acme.example>"
    message["To"] = to
    message["Subject"] = "Invitation: Engineer interview"
    message.set_content(TEXT)
    message.add_attachment(
        INVITATION.encode(), maintype="text", subtype="calendar", filename="invite.ics"
    )
    return message.as_bytes()


def on_timeline(user, gmail_id: str) -> None:
    """The message as the sync stores it (names of its files only), and its analysis."""
    Message.objects.create(
        user=user,
        gmail_id=gmail_id,
        thread_id=gmail_id,
        internal_date=SENT,
        subject="Invitation: Engineer interview",
        body_text=TEXT,
        attachments=[{"filename": "invite.ics", "size": 300, "mime_type": "text/calendar"}],
    )
    store(user, result(gmail_id, Status.INTERVIEW_INVITATION, "Acme", "Engineer", day=270))


def test_the_calendar_invitation_wins_over_the_text(mailbox_owner, google) -> None:
    gmail_id = google.emulator.deliver(mailbox_owner.email, invitation(mailbox_owner.email))
    on_timeline(mailbox_owner, gmail_id)
    summary = interviews.scan(mailbox_owner)
    assert (summary.scanned, summary.interviews) == (1, 1)
    interview = Interview.objects.get(user=mailbox_owner)
    assert interview.origin == "ics"
    assert interview.starts_at == datetime(2026, 12, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert (interview.uid, interview.location) == ("round-2@acme", "Video call")


def test_without_gmail_the_text_is_read(owner) -> None:
    on_timeline(owner, "no-gmail-1")
    summary = interviews.scan(owner)
    assert summary.interviews == 1
    interview = Interview.objects.get(user=owner)
    assert interview.origin == "text"
    assert interview.starts_at == datetime(2026, 12, 20, 9, 0, tzinfo=UTC)  # owner's zone: UTC
