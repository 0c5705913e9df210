"""Emails marked "not a job email" are listed, and can be put back into the tracker."""

from __future__ import annotations

import pytest

from analysis.status import Status
from tracker.models import ApplicationEmail, JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(owner, other_user):
    store(
        owner,
        result("a1", Status.APPLICATION_CONFIRMATION, "Acme", "Engineer", subject="Thanks!"),
        result("a2", Status.INTERVIEW_INVITATION, "Acme", "Engineer", day=3, subject="Let's talk"),
    )
    store(other_user, result("o1", Status.APPLICATION_CONFIRMATION, "Initech", "Analyst"))
    return JobApplication.objects.get(user=owner)


def test_a_marked_email_can_be_found_and_put_back(client, owner, acme) -> None:
    client.force_login(owner)
    assert "not-job-link" not in client.get("/applications").content.decode()
    client.post(f"/applications/{acme.pk}/emails/a2/not-job")
    assert JobApplication.objects.get(pk=acme.pk).email_count == 1

    listing = client.get("/applications").content.decode()
    assert "Not job emails (1)" in listing
    page = client.get("/applications/not-job")
    assert page.status_code == 200
    assert "/applications/not-job/a2/restore" in page.content.decode()

    restored = client.post("/applications/not-job/a2/restore")
    assert restored.status_code == 302
    assert restored["Location"] == f"/applications/{acme.pk}"
    assert JobApplication.objects.get(pk=acme.pk).email_count == 2
    assert ApplicationEmail.objects.get(user=owner, message_id="a2").application_id == acme.pk
    assert "not-job-link" not in client.get("/applications").content.decode()


def test_only_the_user_s_own_marks_can_be_undone(client, owner, other_user, acme) -> None:
    theirs = JobApplication.objects.get(user=other_user)
    client.force_login(other_user)
    client.post(f"/applications/{theirs.pk}/emails/o1/not-job")
    marked = client.get("/applications/not-job").content.decode()
    assert "/applications/not-job/o1/restore" in marked
    client.force_login(owner)
    assert client.post("/applications/not-job/o1/restore").status_code == 404
    # Not the bare id: a page's CSRF token may contain "o1" by chance (one full run failed so).
    page = client.get("/applications/not-job").content.decode()
    assert "/applications/not-job/o1/restore" not in page
    assert "Initech" not in page
    # Nor can an email that was never marked be "restored".
    assert client.post("/applications/not-job/a1/restore").status_code == 404
    assert client.get("/applications/not-job/a1/restore").status_code == 405
