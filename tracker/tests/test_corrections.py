"""A person's corrections, renames and merges survive re-analysis, new mail and rebuilds."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from analysis.status import Status
from tracker import corrections, grouping
from tracker.models import ApplicationEmail, Correction, JobApplication
from tracker.tests.tracker_factory import START, result, store

pytestmark = pytest.mark.django_db

APPLIED = Status.APPLICATION_CONFIRMATION
INTERVIEW = Status.INTERVIEW_INVITATION


def app_of(user, message_id):
    return JobApplication.objects.get(user=user, emails__message_id=message_id)


def groups(user):
    """{(company, position): sorted message ids} of the user's applications."""
    found = {}
    for app in JobApplication.objects.for_user(user):
        ids = sorted(app.emails.values_list("message_id", flat=True))
        found[(app.company, app.position)] = ids
    return found


@pytest.fixture
def acme(owner):
    store(
        owner,
        result("m1", APPLIED, "Acme", "Engineer", day=0),
        result("m2", INTERVIEW, "Acme", "Engineer", day=5),
    )
    return app_of(owner, "m1")


def test_an_email_status_correction_survives_re_analysis(owner, acme) -> None:
    corrections.correct_email(owner.pk, "m2", status=Status.REJECTION)
    assert app_of(owner, "m2").status == Status.REJECTION
    store(owner, result("m2", INTERVIEW, "Acme", "Engineer", day=5))
    link = ApplicationEmail.objects.get(user=owner, message_id="m2")
    assert (link.status, link.corrected) == (Status.REJECTION, True)
    assert app_of(owner, "m2").status == Status.REJECTION
    grouping.rebuild(owner.pk)
    assert app_of(owner, "m2").status == Status.REJECTION


def test_an_email_company_correction_moves_it_and_survives_re_analysis(owner, acme) -> None:
    corrections.correct_email(owner.pk, "m2", company="Globex", position="Engineer")
    expected = {("Acme", "Engineer"): ["m1"], ("Globex", "Engineer"): ["m2"]}
    assert groups(owner) == expected
    store(owner, result("m2", INTERVIEW, "Acme", "Engineer", day=5))
    assert groups(owner) == expected
    grouping.rebuild(owner.pk)
    assert groups(owner) == expected


def test_not_a_job_email_stays_out_until_the_correction_is_undone(owner, acme) -> None:
    corrections.mark_not_job(owner.pk, "m2")
    assert groups(owner) == {("Acme", "Engineer"): ["m1"]}
    assert app_of(owner, "m1").status == APPLIED
    store(owner, result("m2", INTERVIEW, "Acme", "Engineer", day=5))
    grouping.rebuild(owner.pk)
    assert groups(owner) == {("Acme", "Engineer"): ["m1"]}

    corrections.reset_email(owner.pk, "m2")
    assert groups(owner) == {("Acme", "Engineer"): ["m1", "m2"]}
    assert not Correction.objects.filter(user=owner).exists()


def test_marking_an_application_s_last_email_removes_the_application(owner, acme) -> None:
    corrections.mark_not_job(owner.pk, "m1")
    corrections.mark_not_job(owner.pk, "m2")
    assert not JobApplication.objects.for_user(owner).exists()


def test_a_renamed_application_keeps_its_emails_and_gathers_new_ones(owner, acme) -> None:
    corrections.correct_application(acme, status="", company="Acme Robotics", position="SRE")
    assert groups(owner) == {("Acme Robotics", "SRE"): ["m1", "m2"]}
    # Re-analysis still reads the old names; new mail comes under old and new names.
    store(
        owner,
        result("m2", INTERVIEW, "Acme", "Engineer", day=5),
        result("m3", Status.ASSESSMENT, "ACME", "engineer", day=6),
        result("m4", Status.OFFER, "Acme Robotics Inc.", "SRE", day=20),
    )
    grouping.rebuild(owner.pk)
    assert groups(owner) == {("Acme Robotics", "SRE"): ["m1", "m2", "m3", "m4"]}
    assert app_of(owner, "m4").pk == acme.pk


def test_renaming_onto_another_application_asks_for_a_merge(owner, acme) -> None:
    store(owner, result("g1", APPLIED, "Globex", "Analyst"))
    with pytest.raises(corrections.Conflict, match="merge"):
        corrections.correct_application(acme, status="", company="globex", position="ANALYST")
    assert groups(owner)[("Acme", "Engineer")] == ["m1", "m2"]


def test_a_status_set_by_hand_holds_until_newer_mail_arrives(owner, acme) -> None:
    with time_machine.travel(START + timedelta(days=7), tick=False):
        corrections.correct_application(
            acme, status=Status.OFFER, company="Acme", position="Engineer"
        )
    assert app_of(owner, "m1").status == Status.OFFER
    store(owner, result("m2", INTERVIEW, "Acme", "Engineer", day=5))
    grouping.rebuild(owner.pk)
    assert app_of(owner, "m1").status == Status.OFFER

    store(owner, result("m5", Status.REJECTION, "Acme", "Engineer", day=9))
    app = app_of(owner, "m1")
    assert (app.status, app.status_override) == (Status.REJECTION, "")


def test_choosing_automatic_status_returns_to_the_timeline(owner, acme) -> None:
    corrections.correct_application(acme, status=Status.OFFER, company="Acme", position="Engineer")
    corrections.correct_application(acme, status="", company="Acme", position="Engineer")
    assert app_of(owner, "m1").status == INTERVIEW


def test_a_merge_survives_re_analysis_new_mail_and_rebuild(owner, acme) -> None:
    store(owner, result("b1", APPLIED, "Acme Labs", "Platform Engineer", day=1))
    source = app_of(owner, "b1")
    target = corrections.merge(owner.pk, acme.pk, source.pk)
    assert target.pk == acme.pk
    assert not JobApplication.objects.filter(pk=source.pk).exists()
    assert groups(owner) == {("Acme", "Engineer"): ["b1", "m1", "m2"]}
    assert target.email_count == 3

    store(
        owner,
        result("b1", APPLIED, "Acme Labs", "Platform Engineer", day=1),
        result("b2", Status.REJECTION, "Acme Labs", "Platform Engineer", day=12),
    )
    grouping.rebuild(owner.pk)
    assert groups(owner) == {("Acme", "Engineer"): ["b1", "b2", "m1", "m2"]}
    assert app_of(owner, "b2").status == Status.REJECTION


def test_merging_an_application_with_itself_is_refused(owner, acme) -> None:
    with pytest.raises(corrections.Conflict):
        corrections.merge(owner.pk, acme.pk, acme.pk)


def test_nobody_corrects_or_merges_another_user_s_applications(owner, other_user, acme) -> None:
    store(other_user, result("x1", APPLIED, "Initech", "Engineer"))
    theirs = app_of(other_user, "x1")
    with pytest.raises(JobApplication.DoesNotExist):
        corrections.merge(owner.pk, acme.pk, theirs.pk)
    with pytest.raises(JobApplication.DoesNotExist):
        corrections.merge(owner.pk, theirs.pk, acme.pk)
    with pytest.raises(Correction.DoesNotExist):
        corrections.correct_email(owner.pk, "x1", status=Status.OFFER)
    with pytest.raises(Correction.DoesNotExist):
        corrections.mark_not_job(owner.pk, "x1")
    assert groups(other_user) == {("Initech", "Engineer"): ["x1"]}
    assert not Correction.objects.exists()


def test_one_user_s_corrections_do_not_touch_the_same_message_id_of_another(
    owner, other_user, acme
) -> None:
    # Gmail ids are unique per mailbox only: the other user may have an "m2" too.
    store(other_user, result("m2", INTERVIEW, "Acme", "Engineer"))
    corrections.mark_not_job(owner.pk, "m2")
    assert groups(other_user) == {("Acme", "Engineer"): ["m2"]}
