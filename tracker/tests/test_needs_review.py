"""Needs review: an unsure analysis shows on the list and the timeline, and one click confirms."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from analysis.status import Status
from tracker.models import ApplicationEmail, Correction, JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]

APPLIED = Status.APPLICATION_CONFIRMATION


@pytest.fixture
def unsure(owner, settings) -> JobApplication:
    settings.ANALYSIS_REVIEW_THRESHOLD = 0.6
    store(
        owner,
        result("sure", APPLIED, confidence=0.95),
        result("unsure", Status.INTERVIEW_INVITATION, day=3, confidence=0.4),
    )
    return JobApplication.objects.for_user(owner).get()


def confirm_url(application: JobApplication, message_id: str) -> str:
    return reverse("tracker:confirm_email", args=[str(application.pk), message_id])


def test_an_unsure_email_shows_on_its_timeline_and_its_row(client, owner, unsure) -> None:
    client.force_login(owner)
    detail = client.get(reverse("tracker:detail", args=[str(unsure.pk)])).text
    assert 'id="review-unsure"' in detail
    assert 'id="review-sure"' not in detail
    assert confirm_url(unsure, "unsure") in detail
    listing = client.get(reverse("tracker:list")).text
    assert "Needs review" in listing


def test_above_the_threshold_nothing_asks(client, owner, unsure, settings) -> None:
    settings.ANALYSIS_REVIEW_THRESHOLD = 0.3
    client.force_login(owner)
    assert "Needs review" not in client.get(reverse("tracker:list")).text
    assert "review-unsure" not in client.get(reverse("tracker:detail", args=[str(unsure.pk)])).text


def test_confirming_records_what_the_timeline_shows_and_stops_asking(client, owner, unsure) -> None:
    client.force_login(owner)
    response = client.post(confirm_url(unsure, "unsure"))
    assert response.status_code == 302
    correction = Correction.objects.get(user=owner, message_id="unsure")
    assert (correction.status, correction.company, correction.position) == (
        Status.INTERVIEW_INVITATION,
        "Acme",
        "Backend Engineer",
    )
    email = ApplicationEmail.objects.get(user=owner, message_id="unsure")
    assert email.corrected
    assert email.application_id == unsure.pk
    assert not email.needs_review
    assert "Needs review" not in client.get(reverse("tracker:list")).text
    # The confirmation holds through re-analysis, even one that reads it otherwise.
    store(owner, result("unsure", Status.REJECTION, "Globex", "", day=3, confidence=0.3))
    email = ApplicationEmail.objects.get(user=owner, message_id="unsure")
    assert (email.status, email.application_id) == (Status.INTERVIEW_INVITATION, unsure.pk)


def test_nobody_confirms_another_user_s_email(client, other_user, unsure) -> None:
    client.force_login(other_user)
    assert client.post(confirm_url(unsure, "unsure")).status_code == 404
    assert not Correction.objects.exists()


def test_confirming_needs_a_post_with_its_csrf_token(owner, unsure) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    assert browser.get(confirm_url(unsure, "unsure")).status_code == 405
    assert browser.post(confirm_url(unsure, "unsure")).status_code == 403
    assert not Correction.objects.exists()


def test_an_unknown_email_is_a_404(client, owner, unsure) -> None:
    client.force_login(owner)
    assert client.post(confirm_url(unsure, "nope")).status_code == 404
