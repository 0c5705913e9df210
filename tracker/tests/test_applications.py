"""Grouping analysed job emails into applications: keys, placement, status, idempotence."""

from __future__ import annotations

import importlib
from dataclasses import replace
from types import SimpleNamespace

import pytest

from analysis.results import AnalysisResult
from analysis.status import Status
from mailbox_project.mongo import get_database
from tracker import grouping
from tracker.grouping import current_status, summarise
from tracker.keys import fold_position, normalise
from tracker.models import ApplicationEmail, JobApplication
from tracker.tests.tracker_factory import START, remove, result, store

pytestmark = pytest.mark.django_db

APPLIED = Status.APPLICATION_CONFIRMATION
INTERVIEW = Status.INTERVIEW_INVITATION


def apps_of(user):
    return list(JobApplication.objects.for_user(user).order_by("company_key", "position_key"))


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Acme, Inc.", "acme"),
        ("ACME inc", "acme"),
        ("  Acme   LLC ", "acme"),
        ("Société Générale S.A.", "societe generale"),
        ("Zürich Versicherungs-GmbH", "zurich versicherungs"),
        ("Müller & Söhne GmbH & Co. KG", "muller sohne"),
        ("McDonald's Corp.", "mcdonalds"),
        ("Booking.com", "bookingcom"),
        ("Inc", "inc"),
        ("", ""),
    ],
)
def test_company_keys_ignore_case_accents_punctuation_and_legal_suffixes(name, key) -> None:
    assert grouping.company_key(name) == key


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Senior  Backend-Engineer", "senior backend engineer"),
        # A gender tag, a work mode at either end, a legal entity before the title: what two
        # mails about one role write differently.
        ("Senior Backend-Engineer (m/f/d)", "senior backend engineer"),
        ("Ingénieur Data H/F", "ingenieur data"),
        ("Risk Analyst (Remote)", "risk analyst"),
        ("Fully Remote - Risk Analyst", "risk analyst"),
        ("Risk Analyst (f/m/x) - Hybrid", "risk analyst"),
        ("Globex Financial Services USA LLC - Risk Analyst", "risk analyst"),
        # A title's own words stay: in its middle, or a suffix word that is not an entity's.
        ("Analyst - Remote Sensing", "analyst remote sensing"),
        ("Co-op - Risk Analyst", "co op risk analyst"),
        ("Chief of Staff, Company Operations", "chief of staff company operations"),
        ("Remote", "remote"),
        # No title after the entity: nothing goes (a subject phrase, blanked by the facts).
        ("Globex Inc - Application Received", "globex inc application received"),
    ],
)
def test_position_keys_keep_the_title_s_own_words(title: str, key: str) -> None:
    assert grouping.position_key(title) == key
    # A key stored before folds to the same: what the migration of stored keys relies on.
    assert fold_position(normalise(title)) == key
    assert fold_position(key) == key


def test_a_role_written_with_its_work_mode_or_entity_is_one_application(owner) -> None:
    store(
        owner,
        result("m1", APPLIED, "Globex", "Risk Analyst (Remote)", day=0),
        result("m2", APPLIED, "Globex", "Credit Analyst", day=1),
        result("m3", Status.REJECTION, "Globex", "Globex Bank USA LLC - Risk Analyst", day=9),
    )
    statuses = {app.position: app.status for app in apps_of(owner)}
    assert statuses == {"Risk Analyst (Remote)": Status.REJECTION, "Credit Analyst": APPLIED}


def test_keys_stored_before_the_fold_are_folded_and_new_mail_still_joins(owner) -> None:
    """Migration 0006 on a database grouped with unfolded keys."""
    from django.db import connection

    from tracker.models import ApplicationAlias

    fold = importlib.import_module("tracker.migrations.0006_fold_position_keys")
    store(owner, result("m1", APPLIED, "Globex", "Risk Analyst (Remote)", day=0))
    (app,) = apps_of(owner)
    database = get_database()
    # As the grouping before the fold stored them.
    for name in ("job_application_emails", "job_applications", "job_application_aliases"):
        database[name].update_many(
            {"user_id": owner.pk, "position_key": "risk analyst"},
            {"$set": {"position_key": "risk analyst remote"}},
        )
    # A rename the person made, and grouping's alias its folded key will meet.
    ApplicationAlias.objects.create(
        user=owner, company_key="globex", position_key="risk analyst m f d", application=app,
        manual=True,
    )  # fmt: skip
    ApplicationAlias.objects.create(
        user=owner, company_key="globex", position_key="risk analyst", application=app
    )

    fold.fold_keys(None, SimpleNamespace(connection=connection))

    entry = database["job_application_emails"].find_one({"user_id": owner.pk, "message_id": "m1"})
    assert entry is not None
    assert entry["position_key"] == "risk analyst"
    assert JobApplication.objects.get(pk=app.pk).position_key == "risk analyst"
    aliases = ApplicationAlias.objects.filter(user=owner).values_list("position_key", "manual")
    assert sorted(aliases) == [("risk analyst", True)]  # the person's own kept
    store(owner, result("m2", Status.REJECTION, "Globex", "Risk Analyst", day=9))
    (again,) = apps_of(owner)
    assert (again.pk, again.status) == (app.pk, Status.REJECTION)


def test_emails_of_one_role_form_one_application_with_a_timeline(owner) -> None:
    store(
        owner,
        result("m1", APPLIED, "Acme Inc.", "Backend Engineer", day=0),
        result("m2", INTERVIEW, "ACME", "backend engineer", day=5),
    )
    (app,) = apps_of(owner)
    assert (app.company, app.position) == ("Acme Inc.", "Backend Engineer")
    assert app.status == INTERVIEW
    assert app.email_count == 2
    assert app.applied_at == START
    assert app.last_activity_at == START.replace(day=7)
    assert list(app.emails.values_list("message_id", flat=True)) == ["m1", "m2"]


def test_different_roles_at_one_company_stay_separate(owner) -> None:
    store(
        owner,
        result("m1", APPLIED, "Acme", "Backend Engineer"),
        result("m2", APPLIED, "Acme", "Data Scientist"),
    )
    assert [a.position for a in apps_of(owner)] == ["Backend Engineer", "Data Scientist"]


def test_an_email_without_position_joins_the_company_s_only_application(owner) -> None:
    store(owner, result("m1", APPLIED, "Acme", "Backend Engineer"))
    store(owner, result("m2", Status.REJECTION, "Acme", "", day=9))
    (app,) = apps_of(owner)
    assert app.email_count == 2
    assert app.status == Status.REJECTION


def test_without_position_and_several_roles_it_gets_its_own_application(owner) -> None:
    store(
        owner,
        result("m1", APPLIED, "Acme", "Backend Engineer"),
        result("m2", APPLIED, "Acme", "Data Scientist"),
        result("m3", Status.REJECTION, "Acme", "", day=9),
    )
    labels = [(a.position_label, a.email_count) for a in apps_of(owner)]
    assert labels == [("(position unknown)", 1), ("Backend Engineer", 1), ("Data Scientist", 1)]


def test_an_email_without_company_is_tracked_under_company_unknown(owner) -> None:
    store(owner, result("m1", APPLIED, "", ""))
    (app,) = apps_of(owner)
    assert (app.company_label, app.position_label) == ("(company unknown)", "(position unknown)")


def test_not_job_emails_and_unknown_statuses_are_not_tracked(owner) -> None:
    store(owner, result("m1", Status.NOT_JOB_RELATED, "Newsletter Co", ""))
    # An unknown status cannot be an AnalysisResult: a stored document with one is no analysis.
    spam = {**result("m2", APPLIED, "Acme", "Engineer").to_document(), "status": "spam"}
    with pytest.raises(ValueError, match="spam"):
        AnalysisResult.from_document(spam)
    get_database()["email_analysis_cache"].insert_one(
        {"user_id": owner.pk, "message_id": "m2", "classifier_version": "x", "result": spam}
    )
    grouping.rebuild(owner.pk)
    assert apps_of(owner) == []


def test_re_analysis_moves_an_email_and_never_duplicates_it(owner) -> None:
    store(
        owner,
        result("m1", APPLIED, "Acme", "Engineer"),
        result("m2", APPLIED, "Acme", "Engineer", day=1),
    )
    store(owner, result("m2", APPLIED, "Globex", "Engineer", day=1))
    store(owner, result("m2", APPLIED, "Globex", "Engineer", day=1))
    assert [(a.company, a.email_count) for a in apps_of(owner)] == [("Acme", 1), ("Globex", 1)]
    assert ApplicationEmail.objects.filter(user=owner, message_id="m2").count() == 1


def test_an_application_whose_emails_all_leave_is_deleted(owner) -> None:
    store(owner, result("m1", APPLIED, "Acme", "Engineer"))
    store(owner, result("m1", Status.NOT_JOB_RELATED, "Acme", "Engineer"))
    assert apps_of(owner) == []
    store(owner, result("m2", APPLIED, "Globex", "Engineer"))
    remove(owner, "m2")
    assert apps_of(owner) == []
    assert not ApplicationEmail.objects.filter(user=owner).exists()


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([APPLIED], APPLIED),
        ([APPLIED, Status.ASSESSMENT, INTERVIEW], INTERVIEW),
        # Never backwards: a later request for information does not undo the interview.
        ([APPLIED, INTERVIEW, Status.INFORMATION_REQUEST], INTERVIEW),
        ([APPLIED, Status.INFORMATION_REQUEST, Status.ACTION_REQUIRED], Status.ACTION_REQUIRED),
        # The newest meaningful event: after a rejection, the employer asking for more
        # ("what are your salary expectations?") means the process lives on.
        ([APPLIED, Status.REJECTION, INTERVIEW], INTERVIEW),
        ([APPLIED, Status.REJECTION, Status.INFORMATION_REQUEST], Status.INFORMATION_REQUEST),
        # Final states need explicit events: an offer stays an offer through the paperwork,
        # a confirmation does not reopen a rejection; another final state replaces one.
        ([APPLIED, Status.OFFER, Status.ACTION_REQUIRED], Status.OFFER),
        ([APPLIED, Status.REJECTION, APPLIED], Status.REJECTION),
        ([INTERVIEW, Status.OFFER, Status.WITHDRAWAL], Status.WITHDRAWAL),
        ([Status.INFORMATION_REQUEST], Status.INFORMATION_REQUEST),
        ([], APPLIED),
    ],
)
def test_current_status_is_the_furthest_stage_with_terminal_ends(statuses, expected) -> None:
    assert current_status(statuses) == expected


def test_the_timeline_is_ordered_by_email_date_not_arrival(owner) -> None:
    store(owner, result("late", Status.REJECTION, day=10))
    store(owner, result("early", APPLIED, day=0), result("mid", INTERVIEW, day=4))
    (app,) = apps_of(owner)
    assert list(app.emails.values_list("message_id", flat=True)) == ["early", "mid", "late"]
    assert app.status == Status.REJECTION
    assert app.first_response_at == START.replace(day=6)


def test_summary_dates_of_an_application_without_confirmation() -> None:
    summary = summarise([(INTERVIEW, START.replace(day=9)), (Status.OFFER, START.replace(day=20))])
    assert summary.applied_at is None
    assert summary.first_response_at == START.replace(day=9)
    assert summary.first_email_at == START.replace(day=9)
    assert summary.status == Status.OFFER


def test_rebuild_regroups_from_stored_analyses_and_is_idempotent(owner) -> None:
    store(
        owner,
        result("m1", APPLIED, "Acme", "Engineer"),
        result("m2", INTERVIEW, "Acme", "Engineer", day=3),
        result("m3", APPLIED, "Globex", "Analyst", day=1),
    )
    before = [(a.pk, a.status, a.email_count) for a in apps_of(owner)]
    JobApplication.objects.for_user(owner).update(status="offer", email_count=99)
    ApplicationEmail.objects.filter(user=owner, message_id="m2").delete()

    summary = grouping.rebuild(owner.pk)
    assert (summary.emails, summary.applications) == (3, 2)
    assert [(a.pk, a.status, a.email_count) for a in apps_of(owner)] == before
    grouping.rebuild(owner.pk)
    assert [(a.pk, a.status, a.email_count) for a in apps_of(owner)] == before
    assert ApplicationEmail.objects.filter(user=owner).count() == 3


def test_rebuild_drops_emails_whose_analysis_is_gone(owner) -> None:
    store(owner, result("m1", APPLIED, "Acme", "Engineer"), result("m2", APPLIED, "Globex", "X"))
    from analysis.models import EmailAnalysis

    EmailAnalysis.objects.filter(user=owner, message_id="m2").delete()
    grouping.rebuild(owner.pk)
    assert [a.company for a in apps_of(owner)] == ["Acme"]


def test_an_undated_result_takes_the_date_the_message_was_received(owner) -> None:
    store(owner, replace(result("m1", APPLIED), date=None))
    (app,) = apps_of(owner)
    assert app.applied_at is not None
