"""The tracker in the admin: read-only, searchable, with each application's timeline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analysis.status import Status
from tracker.models import JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db


@pytest.fixture
def applications(owner, other_user):
    store(
        owner,
        result("m1", Status.APPLICATION_CONFIRMATION, "Acme", "Engineer", subject="Thanks, Acme"),
        result("m2", Status.INTERVIEW_INVITATION, "Acme", "Engineer", day=2, subject="Let's talk"),
    )
    store(other_user, result("x1", Status.REJECTION, "Globex", "Analyst"))


def test_staff_find_applications_by_company_or_email_and_see_the_timeline(
    client, staff, owner, applications
) -> None:
    client.force_login(staff)
    changelist = reverse("admin:tracker_jobapplication_changelist")
    page = client.get(changelist, {"q": owner.email}).content.decode()
    assert "Acme" in page
    assert "Globex" not in page
    assert "Globex" in client.get(changelist, {"q": "globex"}).content.decode()

    acme = JobApplication.objects.for_user(owner).get()
    detail = client.get(reverse("admin:tracker_jobapplication_change", args=[acme.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Thanks, Acme" in body
    assert "Let&#x27;s talk" in body
    assert 'name="_save"' not in body  # read-only


def test_people_without_staff_rights_are_sent_to_log_in(client, owner, applications) -> None:
    client.force_login(owner)
    response = client.get(reverse("admin:tracker_jobapplication_changelist"))
    assert response.status_code == 302
