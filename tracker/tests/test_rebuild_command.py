"""``manage.py rebuild_applications``: regroups a user's tracker from the stored analyses."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analysis.status import Status
from tracker.models import ApplicationEmail, JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db


def test_rebuild_restores_emails_the_tracker_lost_and_keeps_other_users_apart(
    owner, other_user
) -> None:
    store(
        owner,
        result("m1", Status.APPLICATION_CONFIRMATION, "Acme", "Engineer"),
        result("m2", Status.INTERVIEW_INVITATION, "Acme", "Engineer", day=3),
    )
    store(other_user, result("m1", Status.REJECTION, "Globex", "Analyst"))
    # As if the grouping step had failed after the analysis was stored.
    ApplicationEmail.objects.filter(user=owner, message_id="m2").delete()
    JobApplication.objects.for_user(owner).update(status="application_confirmation")

    out = StringIO()
    call_command("rebuild_applications", owner.email.upper(), stdout=out)

    assert "2 job emails in 1 applications" in out.getvalue()
    (application,) = JobApplication.objects.for_user(owner)
    assert (application.status, application.email_count) == ("interview_invitation", 2)
    (theirs,) = JobApplication.objects.for_user(other_user)
    assert (theirs.company, theirs.status) == ("Globex", "rejection")


def test_rebuild_of_an_unknown_user_is_a_clear_error(db) -> None:
    with pytest.raises(CommandError, match="No user with email"):
        call_command("rebuild_applications", "nobody@example.com")
