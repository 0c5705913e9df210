"""Grouping follows what links an email to its application, before company + position.

Each test stores the messages (thread, sender, body) as the sync does, then their analyses
through the real seam (``tracker_factory.store``): nothing is mocked.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from analysis.status import Status
from mails.models import Message
from tracker import grouping
from tracker.models import ApplicationEmail, JobApplication
from tracker.tests.tracker_factory import START, result, store

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]

APPLIED = Status.APPLICATION_CONFIRMATION


def message(
    user: Any,
    gmail_id: str,
    *,
    day: float = 0,
    thread: str | None = None,
    sender: str = "no-reply@greenhouse.io",
    name: str = "Acme Recruiting",
    body: str = "",
    subject: str = "",
    labels: tuple[str, ...] = ("INBOX",),
    message_id: str = "",
    references: tuple[str, ...] = (),
) -> None:
    Message.objects.create(
        user=user,
        gmail_id=gmail_id,
        thread_id=thread or f"t-{gmail_id}",
        internal_date=START + timedelta(days=day),
        from_address=sender,
        from_name=name,
        subject=subject,
        body_text=body,
        label_ids=list(labels),
        rfc822_message_id=message_id,
        references=list(references),
    )


def groups(user: Any) -> list[list[str]]:
    found: dict[Any, list[str]] = {}
    for email in ApplicationEmail.objects.filter(user=user):
        found.setdefault(email.application_id, []).append(email.message_id)
    return sorted(sorted(ids) for ids in found.values())


def test_a_reply_in_the_thread_joins_its_application_whatever_it_says(owner) -> None:
    message(owner, "m1", thread="T")
    message(owner, "m2", day=5, thread="T")
    store(owner, result("m1", APPLIED, "Acme", "Backend Engineer"))
    # The analysis read another company and no role: the thread decides.
    store(owner, result("m2", Status.REJECTION, "Acme Talent Team", "", day=5))
    assert groups(owner) == [["m1", "m2"]]


def test_a_reply_in_another_thread_joins_the_application_of_the_mail_it_answers(owner) -> None:
    # Gmail starts a new thread when a reply's subject changes; its References still say what
    # it answers. Two open applications at the company: the reply names neither role.
    message(owner, "m1", thread="T1", message_id="<Conf-1@acme.example>")
    message(owner, "m2", day=1, thread="T2", message_id="<conf-2@acme.example>")
    message(
        owner,
        "m3",
        day=6,
        thread="T3",
        subject="Next steps",
        references=("<other@elsewhere.example>", "<conf-1@ACME.example>"),
    )
    store(owner, result("m1", APPLIED, "Acme", "Backend Engineer"))
    store(owner, result("m2", APPLIED, "Acme", "Data Engineer", day=1))
    store(owner, result("m3", Status.INTERVIEW_INVITATION, "Acme", "", day=6))
    assert groups(owner) == [["m1", "m3"], ["m2"]]


def test_a_requisition_id_links_emails_of_different_threads(owner) -> None:
    message(owner, "m1", body="Thanks for applying to requisition R-0009950.")
    message(owner, "m2", day=9, body="Regarding Req #0009950? No: R-0009950, we decided...")
    store(owner, result("m1", APPLIED, "Acme", "Backend Engineer"))
    store(owner, result("m2", Status.REJECTION, "", "", day=9))
    assert groups(owner) == [["m1", "m2"]]


def test_a_different_requisition_of_the_same_role_is_another_application(owner) -> None:
    message(owner, "m1", body="Application for JR008478 received.")
    message(owner, "m2", day=20, body="Application for JR008479 received.")
    store(owner, result("m1", APPLIED, "Acme", "Backend Engineer"))
    store(owner, result("m2", APPLIED, "Acme", "Backend Engineer", day=20))
    assert groups(owner) == [["m1"], ["m2"]]


def test_a_candidate_portal_link_naming_the_application_links(owner) -> None:
    link = "https://acme.wd5.myworkdayjobs.com/Careers/job/Remote/Backend-Engineer_40211"
    message(owner, "m1", body=f"Track your application: {link}")
    message(owner, "m2", day=4, body=f"Please complete your profile at {link}?step=2")
    store(owner, result("m1", APPLIED, "Acme", "Backend Engineer"))
    store(owner, result("m2", Status.ACTION_REQUIRED, "Workday", "", day=4))
    assert groups(owner) == [["m1", "m2"]]


def test_the_recruiter_s_own_address_links_but_a_no_reply_box_does_not(owner) -> None:
    message(owner, "m1", sender="priya.raman@acme.com", name="Priya Raman")
    message(owner, "m2", day=6, sender="priya.raman@acme.com", name="Priya Raman")
    message(owner, "g1", sender="no-reply@greenhouse.io")
    message(owner, "g2", day=6, sender="no-reply@greenhouse.io")
    store(owner, result("m1", APPLIED, "Acme", "Backend Engineer"))
    store(owner, result("g1", APPLIED, "Globex", "Analyst"))
    # The analysis took the recruiter's name for the company: the address still links.
    store(owner, result("m2", Status.INTERVIEW_INVITATION, "Priya Raman", "", day=6))
    store(owner, result("g2", Status.INTERVIEW_INVITATION, "Initech", "Designer", day=6))
    assert groups(owner) == [["g1"], ["g2"], ["m1", "m2"]]


def test_a_reply_read_before_its_application_is_placed_again_when_it_arrives(owner) -> None:
    # A full sync reads newest first: the rejection naming no role comes before the
    # confirmation it answers, while another role at the company is already tracked.
    message(owner, "old", day=-40)
    message(owner, "rej", day=12)
    message(owner, "conf", day=2)
    store(owner, result("old", APPLIED, "Acme", "Data Scientist", day=-40))
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=12))
    store(owner, result("conf", APPLIED, "Acme", "Backend Engineer", day=2))
    assert groups(owner) == [["conf", "rej"], ["old"]]


def test_an_unnamed_application_takes_the_role_its_older_email_names(owner) -> None:
    message(owner, "rej", day=12)
    message(owner, "conf", day=2)
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=12))
    store(owner, result("conf", APPLIED, "Acme", "Backend Engineer", day=2))
    (app,) = JobApplication.objects.for_user(owner)
    assert (app.position, app.email_count, app.status) == ("Backend Engineer", 2, Status.REJECTION)


def test_mail_after_the_gap_is_a_new_application_of_the_same_role(owner, settings) -> None:
    settings.TRACKER_REAPPLY_GAP_DAYS = 180
    store(owner, result("a1", APPLIED), result("a2", Status.REJECTION, day=20))
    store(owner, result("b1", Status.INTERVIEW_INVITATION, day=20 + 181))
    store(owner, result("c1", Status.REJECTION, day=20 + 181 + 100))  # inside the gap
    assert groups(owner) == [["a1", "a2"], ["b1", "c1"]]


def test_a_second_confirmation_of_the_same_role_is_applying_again(owner) -> None:
    store(owner, result("a1", APPLIED), result("a2", Status.REJECTION, day=20))
    store(owner, result("b1", APPLIED, day=60), result("b2", Status.REJECTION, day=70))
    assert groups(owner) == [["a1", "a2"], ["b1", "b2"]]


def test_a_role_confirmed_again_days_later_through_the_same_system_is_two_applications(
    owner,
) -> None:
    # Another posting of the title (another team, another city), applied to days later: the
    # same system confirms it as it confirmed the first.
    for gmail_id, day in (("a1", 0), ("b1", 5)):
        message(owner, gmail_id, day=day, sender="acme@myworkday.com", name="Workday")
    store(owner, result("a1", APPLIED), result("b1", APPLIED, day=5))
    assert groups(owner) == [["a1"], ["b1"]]


def test_a_form_sent_twice_within_a_day_is_one_application(owner) -> None:
    for gmail_id, day in (("a1", 0), ("a2", 0.02)):
        message(owner, gmail_id, day=day, sender="acme@talent.icims.com", name="Acme @ icims")
    store(owner, result("a1", APPLIED), result("a2", APPLIED, day=0.02))
    assert groups(owner) == [["a1", "a2"]]


def test_a_question_after_a_rejection_in_the_thread_reopens_it(owner) -> None:
    message(owner, "m1", thread="T")
    message(owner, "m2", day=10, thread="T")
    message(owner, "m3", day=12, thread="T")
    store(owner, result("m1", APPLIED), result("m2", Status.REJECTION, day=10))
    store(owner, result("m3", Status.INFORMATION_REQUEST, "", "", day=12))
    (app,) = JobApplication.objects.for_user(owner)
    assert app.status == Status.INFORMATION_REQUEST


def test_the_person_s_own_mail_is_not_an_event_of_the_application(owner) -> None:
    message(owner, "m1", thread="T")
    message(owner, "mine", day=1, thread="T", sender="me@example.com", labels=("SENT",))
    store(owner, result("m1", APPLIED), result("mine", Status.WITHDRAWAL, day=1))
    (app,) = JobApplication.objects.for_user(owner)
    assert (app.email_count, app.status) == (1, APPLIED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Requisition R-0009950 - Backend", {"R0009950"}),
        ("JR008478: thanks", {"JR008478"}),
        ("Req #48213 closed", {"48213"}),
        ("Job ID: 771234 (Remote)", {"771234"}),
        ("applied for Analyst (0123-45678)", {"012345678"}),
        # A reposted role's id carries a suffix per repost: each is its own requisition.
        ("Analyst (REQ-01789-2-2), first posted as REQ-01789-2", {"REQ0178922", "REQ017892"}),
        ("applied for Analyst (0123-45678-1-2)", {"01234567812"}),
        ("in 2026, a 45-minute call at 10:30", set()),
        # Every hyphenated group is part of the id: two year-numbered ids stay two.
        ("REQ-2026-0042 and REQ-2026-0043", {"REQ20260042", "REQ20260043"}),
        ("Vacancy ID: 10234 / Position ID: P-11234", {"10234", "P11234"}),
        ("Job Code: 4521, Req. 48213, Job Opening ID: 8813", {"4521", "48213", "8813"}),
        ("Call 555-123-4567 about order 123456", set()),
    ],
)
def test_requisition_ids_are_read_in_their_usual_shapes(text: str, expected: set[str]) -> None:
    assert grouping.requisitions(text) == expected


def test_only_a_person_s_address_is_a_recruiter() -> None:
    for person in ("Priya.Raman@Acme.com", "praman@acme-labs.io", "priya.raman84@gmail.com"):
        assert grouping.recruiter_address(person) == person.lower()
    for system in (
        *("no-reply@greenhouse.io", "jobs@acme.com", "acme@myworkday.com"),
        # Shapes real hiring systems send from: the words anywhere in the local part, the
        # company's own box, a hiring subdomain, a system's domain.
        *("Acme_Careers_NoReply@acme.com", "AcmeRecruiting@acme.com", "Workday@acme.com"),
        *("SystemMessage@acme.com", "talentacquisition.hr@acme.com", "reply_ok@acme.com"),
        *("abcd.fa.sender@acme.com", "acme.hr@payroll.example", "acme@hr.acme.com"),
        *("acme@acme.com", "mail@ats.rippling.com", "notices@acme.successfactors.eu"),
    ):
        assert grouping.recruiter_address(system) == "", system
