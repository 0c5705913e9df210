"""The calendar feed (secret, hashed, revocable), the interview scan and the daily digest
(once per user per day, in the person's zone, through Django's email framework)."""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from analysis.status import Status
from mails.models import Message
from tracker import interviews, tasks
from tracker.models import Interview, InterviewScan, JobApplication, TrackerSettings
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
INVITE = "We would like to meet you on December 9, 2026 at 3:00 PM for a video interview."


@pytest.fixture
def interviewing(owner):
    """An application with an interview email whose text names a time (no calendar part)."""
    owner.time_zone = "Europe/Paris"
    owner.save()
    store(owner, result("i1", Status.INTERVIEW_INVITATION, "Acme", "Engineer", day=270))
    Message.objects.create(
        user=owner,
        gmail_id="i1",
        thread_id="t1",
        internal_date=datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
        subject="Interview invitation: Engineer at Acme",
        body_text=INVITE,
    )
    return owner


def test_the_scan_reads_each_interview_email_once_in_the_person_s_zone(interviewing) -> None:
    first = interviews.scan(interviewing, fetch=False)
    assert (first.scanned, first.interviews) == (1, 1)
    interview = Interview.objects.get(user=interviewing)
    assert interview.starts_at == datetime(2026, 12, 9, 15, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert interview.origin == "text"
    assert interview.application_id == JobApplication.objects.get(user=interviewing).pk
    assert interviews.scan(interviewing, fetch=False).scanned == 0
    assert InterviewScan.objects.filter(user=interviewing).count() == 1


@time_machine.travel(NOW, tick=False)
def test_upcoming_interviews_are_on_the_dashboard(client, interviewing) -> None:
    interviews.scan(interviewing, fetch=False)
    client.force_login(interviewing)
    page = client.get("/applications/dashboard").content.decode()
    upcoming = page.split('id="upcoming"')[1].split("</section>")[0]
    assert "Wed 9 Dec, 15:00" in upcoming  # Paris time, as the person reads it
    assert "Acme" in upcoming


@time_machine.travel(NOW, tick=False)
def test_the_feed_is_secret_hashed_and_revocable(client, interviewing, caplog) -> None:
    interviews.scan(interviewing, fetch=False)
    client.force_login(interviewing)
    caplog.set_level(logging.DEBUG)
    client.post("/applications/settings/feed")
    url = client.get("/applications/settings").context["new_feed_url"]
    token = url.split("token=")[1]
    stored = TrackerSettings.objects.get(user=interviewing).feed_token_hash
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    # Shown once: the next visit no longer has it.
    assert client.get("/applications/settings").context["new_feed_url"] == ""
    anonymous = Client()
    feed = anonymous.get(url)
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    body = feed.content.decode()
    assert "DTSTART:20261209T140000Z" in body
    assert "SUMMARY:Interview: Acme — Engineer" in body
    # Unfolded, the event links to the application by its whole address.
    assert "URL:http://127.0.0.1:8000/applications/" in body.replace("\r\n ", "")
    client.post("/applications/settings/feed")
    assert anonymous.get(url).status_code == 404  # replaced
    newer = client.get("/applications/settings").context["new_feed_url"]
    assert anonymous.get(newer).status_code == 200
    client.post("/applications/settings/feed/revoke")
    assert anonymous.get(newer).status_code == 404  # revoked
    assert anonymous.get("/applications/calendar.ics").status_code == 404
    assert anonymous.get("/applications/calendar.ics?token=" + "x" * 500).status_code == 404
    for record in caplog.records:
        assert token not in record.getMessage()


def _wants_digest(user, *, due: bool = True) -> JobApplication:
    store(user, result("a1", Status.APPLICATION_CONFIRMATION, "Acme", "Engineer"))
    application = JobApplication.objects.get(user=user)
    if due:
        application.next_action, application.next_action_due = "Follow up", NOW.date()
        application.save()
    TrackerSettings.objects.create(user=user, digest_enabled=True)
    return application


def test_the_digest_goes_out_once_a_day(owner, other_user) -> None:
    _wants_digest(owner)
    store(other_user, result("o1", Status.APPLICATION_CONFIRMATION, "Initech", "Engineer"))
    with time_machine.travel(NOW, tick=False):
        assert tasks.send_digests() == {"sent": 1}
        assert tasks.send_digests() == {"sent": 0}  # the same day: nothing again
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert "Follow up: Acme — Engineer" in message.body
    assert "Initech" not in message.body  # someone else's, who asked for nothing
    with time_machine.travel(datetime(2026, 12, 5, 10, 0, tzinfo=UTC), tick=False):
        assert tasks.send_digests() == {"sent": 1}
    assert len(mail.outbox) == 2


def test_no_digest_before_the_hour_without_news_or_when_off(owner, settings) -> None:
    settings.TRACKER_DIGEST_HOUR = 11
    _wants_digest(owner, due=False)
    with time_machine.travel(NOW, tick=False):
        assert tasks.send_digests() == {"sent": 0}  # 10:00 in the person's zone
    settings.TRACKER_DIGEST_HOUR = 7
    with time_machine.travel(NOW, tick=False):
        # The application went silent long before yesterday: not news today.
        assert tasks.send_digests() == {"sent": 0}
    TrackerSettings.objects.filter(user=owner).update(digest_enabled=False, digest_sent_on=None)
    JobApplication.objects.filter(user=owner).update(next_action="x", next_action_due=NOW.date())
    with time_machine.travel(NOW, tick=False):
        assert tasks.send_digests() == {"sent": 0}
    assert mail.outbox == []


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise OSError("SMTP down")


def test_a_failed_digest_gives_the_day_back(owner, settings) -> None:
    _wants_digest(owner)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with time_machine.travel(NOW, tick=False), pytest.raises(OSError, match="SMTP down"):
        tasks.send_digests.run()
    assert TrackerSettings.objects.get(user=owner).digest_sent_on is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW, tick=False):
        assert tasks.send_digests() == {"sent": 1}


def test_emails_read_before_the_new_reader_with_nothing_found_are_read_again(owner) -> None:
    """Migration 0005: a scan that found no time is forgotten, one that found one is kept."""
    from django.db import connection

    forget = importlib.import_module("tracker.migrations.0005_rescan_interview_text")
    sent = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday
    for gmail_id, text in (("w1", "Your interview is set for Thursday at 11 AM."), ("m1", INVITE)):
        store(owner, result(gmail_id, Status.INTERVIEW_INVITATION, "Acme", "Engineer", day=270))
        Message.objects.create(
            user=owner, gmail_id=gmail_id, thread_id=gmail_id, internal_date=sent, body_text=text
        )
    # As the old reader left them: the weekday form placed nothing.
    InterviewScan.objects.create(user=owner, message_id="w1", found=0)
    InterviewScan.objects.create(user=owner, message_id="m1", found=1)

    forget.forget_empty_scans(None, SimpleNamespace(connection=connection))

    assert set(InterviewScan.objects.values_list("message_id", flat=True)) == {"m1"}
    again = interviews.scan(owner, fetch=False)
    assert (again.scanned, again.interviews) == (1, 1)
    (interview,) = Interview.objects.filter(user=owner, message_id="w1")
    assert interview.starts_at == datetime(2026, 12, 3, 11, 0, tzinfo=ZoneInfo(owner.time_zone))
