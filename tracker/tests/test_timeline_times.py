"""An application's timeline shows each email at the time its message page shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from analysis.status import Status
from mails.models import Message
from tracker.models import JobApplication
from tracker.tests.tracker_factory import START, result, store

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]


def shown_times(html: str) -> set[str]:
    """Every HH:MM the page prints as text (not inside attributes)."""
    text = re.sub(r"<[^>]+>", " ", html)
    return set(re.findall(r"\b\d\d:\d\d\b", text))


def test_timeline_and_message_page_agree_to_the_minute(client, owner) -> None:
    # Kolkata is UTC+05:30: a page that printed UTC, or dropped the half hour, disagrees.
    owner.time_zone = "Asia/Kolkata"
    owner.save(update_fields=["time_zone"])
    received = START + timedelta(minutes=37)
    Message.objects.create(
        user=owner,
        gmail_id="m1",
        thread_id="t1",
        internal_date=received,
        from_address="no-reply@greenhouse.io",
        subject="Thanks for applying",
        label_ids=["INBOX"],
    )
    # The analysis carries the sender's Date: header, 37 minutes before Gmail received it.
    store(owner, result("m1", Status.APPLICATION_CONFIRMATION, "Acme", "Backend Engineer"))
    client.force_login(owner)
    application = JobApplication.objects.get(user=owner)
    timeline = client.get(reverse("tracker:detail", args=[application.pk])).content.decode()
    message = client.get(reverse("mails:detail", args=["m1"])).content.decode()
    assert "15:07" in shown_times(message)  # 09:37 UTC in Kolkata
    assert "15:07" in shown_times(timeline)
