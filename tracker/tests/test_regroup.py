"""Regrouping from scratch: placing mail batch by batch ends where a rebuild does.

A full sync brings mail newest first, in batches; after each one the tracker regroups the
touched companies in time order (``tracker.regroup``), so replies that came before the
applications they answer still end up with them.
"""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId

from analysis.status import Status
from mailbox_project.ids import user_id
from mailbox_project.mongo import get_database
from tracker import grouping
from tracker.models import JobApplication
from tracker.tests.test_grouping_links import groups, message
from tracker.tests.tracker_factory import result, store

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]

APPLIED = Status.APPLICATION_CONFIRMATION
INTERVIEW = Status.INTERVIEW_INVITATION


def _partition(owner: Any) -> set[frozenset[str]]:
    found: dict[ObjectId, set[str]] = {}
    for doc in get_database()["job_application_emails"].find({"user_id": user_id(owner)}):
        found.setdefault(doc["application_id"], set()).add(doc["message_id"])
    return {frozenset(ids) for ids in found.values()}


def _ids(owner: Any) -> dict[str, ObjectId]:
    entries = get_database()["job_application_emails"].find({"user_id": user_id(owner)})
    return {doc["message_id"]: doc["application_id"] for doc in entries}


@pytest.mark.usefixtures("db")
def test_incremental_placement_of_a_generated_mailbox_equals_a_rebuild_from_scratch() -> None:
    from accounts.models import User
    from google_emulator.config import EmulatorConfig
    from google_emulator.state import Emulator
    from tracker.evaluation import ANCHOR, _store_mailbox

    config = EmulatorConfig(accounts=1, messages=600, seed=1, anchor_date=ANCHOR)
    emulator = Emulator(config)
    try:
        user = User.objects.create_user(email="incremental@example.com")
        # Newest first, batch by batch, as a full sync stores them.
        _store_mailbox(user, next(iter(emulator.mailboxes.values())))
    finally:
        emulator.close()
    owner = user_id(user)
    incremental, ids = _partition(owner), _ids(owner)
    assert len(incremental) > 20

    grouping.rebuild(owner)  # idempotent: nothing moves, no id changes
    assert _ids(owner) == ids
    database = get_database()
    for name in ("job_applications", "job_application_emails", "job_application_aliases"):
        database[name].delete_many({"user_id": owner})
    grouping.rebuild(owner)
    assert _partition(owner) == incremental


def test_a_reply_naming_no_role_answers_the_application_active_last_not_begun_last(
    owner,
) -> None:
    recruiter = {"sender": "priya.raman@acme.com", "name": "Priya Raman"}
    message(owner, "be", day=0)
    message(owner, "ds", day=2)
    message(owner, "be-int", day=10, **recruiter)
    message(owner, "next", day=12)
    # Newest first, as a full sync reads it.
    store(owner, result("next", Status.INFORMATION_REQUEST, "Acme", "", day=12))
    store(owner, result("be-int", INTERVIEW, "Acme", "Backend Engineer", day=10))
    store(
        owner,
        result("ds", APPLIED, "Acme", "Data Scientist", day=2),
        result("be", APPLIED, "Acme", "Backend Engineer", day=0),
    )
    assert groups(owner) == [["be", "be-int", "next"], ["ds"]]


def test_one_role_confirmed_through_two_tracking_systems_is_two_applications(owner) -> None:
    message(owner, "gh", day=0, sender="no-reply@greenhouse.io")
    message(owner, "lever", day=7, sender="no-reply@hire.lever.co", name="Acme")
    message(owner, "board", day=7.5, sender="jobs-noreply@linkedin.com", name="LinkedIn")
    store(owner, result("board", APPLIED, day=7.5))
    store(owner, result("gh", APPLIED, day=0), result("lever", APPLIED, day=7))
    # A job board relays an application to the employer's system, which confirms it within a
    # day or two: that is not a third one (days apart it would be: see test_grouping_evidence).
    assert groups(owner) == [["board", "lever"], ["gh"]]


def test_regrouping_keeps_the_application_that_holds_most_of_the_emails(owner) -> None:
    message(owner, "conf", day=0)
    message(owner, "int", day=9)
    message(owner, "q", day=5)
    store(owner, result("conf", APPLIED), result("int", INTERVIEW, day=9))
    (before,) = set(_ids(owner).values())
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=5))
    assert set(_ids(owner).values()) == {before}


def test_applying_again_through_another_channel_after_a_rejection_is_a_new_application(
    owner,
) -> None:
    agency = {"sender": "olivia.brown@bluestonestaffing.com", "name": "Olivia Brown (Bluestone)"}
    message(owner, "agency-conf", day=0, **agency)
    message(owner, "agency-rej", day=10, **agency)
    message(owner, "direct-conf", day=14, sender="acme@talent.icims.com", name="Acme Careers")
    store(owner, result("direct-conf", APPLIED, day=14))
    store(owner, result("agency-rej", Status.REJECTION, day=10), result("agency-conf", APPLIED))
    assert groups(owner) == [["agency-conf", "agency-rej"], ["direct-conf"]]


def test_a_new_recruiter_s_mail_naming_no_role_joins_the_role_their_next_mail_names(
    owner,
) -> None:
    recruiter = {"sender": "priya.raman@acme.com", "name": "Priya Raman"}
    message(owner, "be", day=0)
    message(owner, "ds", day=3)
    message(owner, "q", day=5, **recruiter)
    message(owner, "int", day=12, **recruiter)
    store(owner, result("int", INTERVIEW, "Acme", "Backend Engineer", day=12))
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=5))
    store(
        owner,
        result("ds", APPLIED, "Acme", "Data Scientist", day=3),
        result("be", APPLIED, "Acme", "Backend Engineer"),
    )
    assert groups(owner) == [["be", "int", "q"], ["ds"]]


def test_mail_from_one_tracking_system_avoids_the_application_another_one_runs(owner) -> None:
    lever = {"sender": "no-reply@hire.lever.co", "name": "Acme"}
    message(owner, "pa", day=0, **lever)
    message(owner, "se", day=2, sender="jobs-noreply@linkedin.com", name="LinkedIn")
    message(owner, "pa-int", day=5, **lever)
    message(owner, "rej", day=8, sender="no-reply@greenhouse.io", name="Acme Recruiting")
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=8))
    store(owner, result("pa-int", INTERVIEW, "Acme", "Product Analyst", day=5))
    store(
        owner,
        result("se", APPLIED, "Acme", "Solutions Engineer", day=2),
        result("pa", APPLIED, "Acme", "Product Analyst"),
    )
    assert groups(owner) == [["pa", "pa-int"], ["rej", "se"]]


def test_an_agency_recruiter_s_name_read_as_the_company_is_no_company(owner) -> None:
    agency = {"sender": "jordan.lee@bluestonestaffing.com", "name": "Jordan Lee (Bluestone)"}
    message(owner, "conf", day=0, **agency)
    message(owner, "int", day=20, **agency)
    store(owner, result("int", INTERVIEW, "Jordan Lee", "Product Analyst", day=20))
    store(owner, result("conf", APPLIED, "Stark Mobility", "Product Analyst"))
    assert groups(owner) == [["conf", "int"]]


def test_a_team_s_name_beginning_with_the_company_still_names_it(owner) -> None:
    # A company's own box that is no system's: its display name is the team's, not a person's.
    team = {"sender": "adsk.university@autodesk.com", "name": "Autodesk Talent Acquisition Team"}
    message(owner, "conf", day=0)
    message(owner, "rej", day=20, **team)
    store(owner, result("rej", Status.REJECTION, "Autodesk", "", day=20))
    store(owner, result("conf", APPLIED, "Autodesk", "Data Science Intern"))
    assert groups(owner) == [["conf", "rej"]]


def test_a_recruiter_s_name_alone_does_not_reopen_an_application_that_ended(owner) -> None:
    noah = {"sender": "noah.williams@acme.com", "name": "Noah Williams"}
    message(owner, "conf", day=0)
    message(owner, "int", day=5, **noah)
    message(owner, "offer", day=20, **noah)
    message(owner, "de", day=30)
    message(owner, "q", day=40, sender="noah.williams82@yahoo.com", name="Noah Williams")
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=40))
    store(owner, result("de", APPLIED, "Acme", "Data Engineer", day=30))
    store(
        owner,
        result("offer", Status.OFFER, day=20),
        result("int", INTERVIEW, day=5),
        result("conf", APPLIED),
    )
    assert groups(owner) == [["conf", "int", "offer"], ["de", "q"]]


def test_mail_naming_no_role_follows_its_thread_to_the_role_a_later_reply_names(owner) -> None:
    message(owner, "be", day=0)
    message(owner, "fe", day=2)
    message(owner, "q", day=5, thread="T")
    message(owner, "reply", day=9, thread="T", sender="emily.carter@acme.com", name="Emily Carter")
    store(owner, result("reply", INTERVIEW, "Acme", "Backend Engineer", day=9))
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=5))
    store(
        owner,
        result("fe", APPLIED, "Acme", "Frontend Engineer", day=2),
        result("be", APPLIED, "Acme", "Backend Engineer"),
    )
    assert groups(owner) == [["be", "q", "reply"], ["fe"]]


def test_a_position_naming_the_employer_is_a_subject_phrase_not_a_role(owner) -> None:
    message(owner, "other", day=0)
    message(owner, "conf", day=1)
    message(owner, "assess", day=5)
    store(owner, result("assess", Status.ASSESSMENT, "Acme", "Data Analyst", day=5))
    store(
        owner,
        result("conf", APPLIED, "Acme", "Acme - Application Confirmation", day=1),
        result("other", APPLIED, "Acme", "Product Manager"),
    )
    # The confirmation naming no role starts its own application (not the open one before
    # it); the assessment names its role.
    assert groups(owner) == [["assess", "conf"], ["other"]]


def test_a_title_naming_the_employer_is_still_a_role(owner) -> None:
    # "Data Analyst, Acme Warehouse & Distribution": the employer's name qualifies a title.
    # Its turn-down names the role as the title's first words; the other role stays apart.
    message(owner, "other", day=0)
    message(owner, "conf", day=1)
    message(owner, "no", day=20)
    store(
        owner,
        result(
            "no", Status.REJECTION, "Acme", "Data Analyst, Acme Warehouse & Distribution", day=20
        ),
    )
    store(
        owner,
        result("conf", APPLIED, "Acme", "Data Analyst, Acme Warehouse & Distribution", day=1),
        result("other", APPLIED, "Acme", "Product Manager"),
    )
    assert groups(owner) == [["conf", "no"], ["other"]]
    application = JobApplication.objects.get(user=owner, email_count=2)
    assert application.position == "Data Analyst, Acme Warehouse & Distribution"


def test_a_recruiter_s_mail_from_a_personal_mailbox_follows_their_next_mail_by_name(
    owner,
) -> None:
    message(owner, "be", day=0)
    message(owner, "ds", day=3)
    message(owner, "q", day=5, sender="jordan.lee74@gmail.com", name="Jordan Lee")
    message(owner, "int", day=12, sender="jordan.lee@acme.com", name="Jordan Lee")
    store(owner, result("int", INTERVIEW, "Acme", "Backend Engineer", day=12))
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=5))
    store(
        owner,
        result("ds", APPLIED, "Acme", "Data Scientist", day=3),
        result("be", APPLIED, "Acme", "Backend Engineer"),
    )
    assert groups(owner) == [["be", "int", "q"], ["ds"]]


def test_unsure_mail_from_one_ats_moves_to_the_one_open_application_that_ats_runs(owner) -> None:
    smart = {"sender": "notification@smartrecruiters.com", "name": "Acme"}
    workday = {"sender": "acme@myworkday.com", "name": "Acme Workday"}
    emily = {"sender": "emily.carter@acme.com", "name": "Emily Carter"}
    message(owner, "sr", day=0, **smart)
    message(owner, "wd", day=1, **workday)
    message(owner, "sr-int", day=3, **smart)
    message(owner, "q", day=5, thread="T1", **emily)
    message(owner, "q2", day=7, thread="T2", **emily)
    message(owner, "wd-reply", day=8, thread="T2", **workday)
    # Newest first; nothing of these three names a role.
    store(
        owner,
        result("wd-reply", INTERVIEW, "Acme", "", day=8),
        result("q2", INTERVIEW, "Acme", "", day=7),
        result("q", Status.INFORMATION_REQUEST, "Acme", "", day=5),
    )
    store(
        owner,
        result("sr-int", INTERVIEW, "Acme", "Backend Engineer", day=3),
        result("wd", APPLIED, "Acme", "Data Scientist", day=1),
        result("sr", APPLIED, "Acme", "Backend Engineer"),
    )
    # The recruiter's second email is as unsure as the first (it follows it by address), and
    # so is the reply in its thread; that reply came through the ATS that runs the other one,
    # and takes its thread (one conversation, one application) and the recruiter with it.
    assert groups(owner) == [["q", "q2", "wd", "wd-reply"], ["sr", "sr-int"]]
