"""An email joins the application it answers, whatever order a sync brings the mail in.

A full sync reads newest first, so replies are placed before the applications they answer;
each test stores mail in such an order through the real seam (``tracker_factory.store``).
"""

from __future__ import annotations

import pytest

from analysis.status import Status
from tracker.companies import KnownCompanies, domain_labels
from tracker.links import person_name, portal_requisitions
from tracker.models import JobApplication
from tracker.tests.test_grouping_links import groups, message
from tracker.tests.tracker_factory import result, store

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]

APPLIED = Status.APPLICATION_CONFIRMATION
INTERVIEW = Status.INTERVIEW_INVITATION


def test_a_thread_names_the_application_a_reply_without_role_began(owner) -> None:
    message(owner, "rej", day=20, thread="T")
    message(owner, "assess", day=10, thread="T")
    message(owner, "pm", day=5)
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=20))
    store(owner, result("assess", Status.ASSESSMENT, "Acme", "Data Engineer", day=10))
    # Another role at the company: it must not take over the thread's application.
    store(owner, result("pm", APPLIED, "Acme", "Product Manager", day=5))
    assert groups(owner) == [["assess", "rej"], ["pm"]]


def test_a_confirmation_does_not_name_mail_days_older_than_itself(owner) -> None:
    message(owner, "q", day=0)
    message(owner, "conf", day=10)
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=0))
    store(owner, result("conf", APPLIED, "Acme", "Backend Engineer", day=10))
    assert groups(owner) == [["conf"], ["q"]]


def test_mail_without_role_leaves_its_own_application_for_the_one_it_answers(owner) -> None:
    message(owner, "int", day=20)
    message(owner, "assess", day=10)
    message(owner, "conf", day=2)
    store(owner, result("int", INTERVIEW, "Acme", "Backend Engineer", day=20))
    # Nothing begun before it yet: it waits in an application of its own.
    store(owner, result("assess", Status.ASSESSMENT, "Acme", "", day=10))
    store(owner, result("conf", APPLIED, "Acme", "Backend Engineer", day=2))
    assert groups(owner) == [["assess", "conf", "int"]]


def test_a_recruiter_writes_about_the_role_applied_to_again_not_the_old_one(owner) -> None:
    recruiter = {"sender": "priya.raman@acme.com", "name": "Priya Raman"}
    message(owner, "a1")
    message(owner, "a2", day=10, **recruiter)
    message(owner, "b1", day=150)
    message(owner, "b2", day=160, **recruiter)
    store(owner, result("a1", APPLIED), result("a2", INTERVIEW, day=10))
    store(owner, result("b1", APPLIED, day=150))
    store(owner, result("b2", INTERVIEW, day=160))
    assert groups(owner) == [["a1", "a2"], ["b1", "b2"]]


def test_a_recruiter_s_company_domain_names_the_employer_the_analysis_misread(owner) -> None:
    message(owner, "conf", name="Wonka Labs")
    message(owner, "int", day=5, sender="jordan.lee@wonkalabs.com", name="Jordan Lee")
    store(owner, result("conf", APPLIED, "Wonka Labs", "Backend Engineer"))
    # "Alex, we'd love to talk": the analysis took the candidate's name for the company.
    store(owner, result("int", INTERVIEW, "Alex", "Backend Engineer", day=5))
    assert groups(owner) == [["conf", "int"]]


def test_mail_stored_with_a_run_together_name_joins_when_a_later_batch_spells_it_out(
    owner,
) -> None:
    recruiter = {"sender": "marcus.johnson@cyberdynesystems.com", "name": "Marcus Johnson"}
    message(owner, "conf", name="Cyberdyne Systems Careers")
    message(owner, "call", day=20, **recruiter)
    # Newest first, as a full sync reads: the analysis read the domain run together, and
    # nothing known yet spelled it otherwise.
    store(owner, result("call", INTERVIEW, "Cyberdynesystems", "Solutions Engineer", day=20))
    store(owner, result("conf", APPLIED, "Cyberdyne Systems", "Solutions Engineer"))
    assert groups(owner) == [["call", "conf"]]
    application = JobApplication.objects.get(user=owner)
    assert application.company == "Cyberdyne Systems"


def test_known_companies_settle_spacing_but_not_free_mail() -> None:
    known = KnownCompanies(["Wonka Labs", "Wonkalabs", "Paper Street Software"])
    assert known.by_squashed["wonkalabs"] == "Wonka Labs"
    assert domain_labels("jordan.lee@mail.wonkalabs.co.uk") == ["mail", "wonkalabs"]
    assert domain_labels("jordan.lee69@gmail.com") == []


def test_a_portal_link_carrying_the_requisition_links_to_its_confirmation(owner) -> None:
    message(owner, "conf", body="Confirmation of your application (1757-42109)")
    message(owner, "other", day=1)
    message(owner, "assess", day=10, body="Start: https://assessments.example/acme/1757-42109")
    store(owner, result("conf", APPLIED, "Acme", "Backend Engineer"))
    store(owner, result("other", APPLIED, "Acme", "Data Scientist", day=1))
    store(owner, result("assess", Status.ASSESSMENT, "Acme", "", day=10))
    assert groups(owner) == [["assess", "conf"], ["other"]]


def test_the_same_recruiter_from_a_personal_mailbox_joins_by_name(owner) -> None:
    message(owner, "conf")
    message(owner, "q", day=5, sender="noah.williams@acme.com", name="Noah Williams")
    message(owner, "int", day=10, sender="noah.williams96@yahoo.com", name="Noah Williams")
    store(owner, result("conf", APPLIED, "Acme", "Product Analyst"))
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=5))
    # The analysis read the recruiter's name as the company: no company is known.
    store(owner, result("int", INTERVIEW, "Noah Williams", "Product Analyst", day=10))
    assert groups(owner) == [["conf", "int", "q"]]


def test_names_and_portal_ids_are_read_as_keys() -> None:
    assert person_name("Priya Raman (Acme Staffing)") == "priya raman"
    assert person_name("Acme Recruiting Team at Globex Careers") == ""
    for team in ("Acme HR - Workday", "Human Resources", "Acme Recruitment", "Acme Careers"):
        assert person_name(team) == "", team
    links = {"assessments.example/acme/r-0002420", "acme.wd5.example/job/backend-engineer_40211"}
    assert portal_requisitions(links) == {"R0002420"}


def test_an_unconfirmed_application_of_a_role_joins_the_confirmed_one_it_follows(owner) -> None:
    message(owner, "int", day=30, thread="A")
    message(owner, "q", day=10, thread="B")
    message(owner, "assess", day=8, thread="B")
    message(owner, "conf", day=2)
    store(owner, result("int", INTERVIEW, "Acme", "Backend Engineer", day=30))
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=10))
    store(owner, result("assess", Status.ASSESSMENT, "Acme", "Backend Engineer", day=8))
    # The confirmation joins the nearer of two applications of its role; the other follows it.
    store(owner, result("conf", APPLIED, "Acme", "Backend Engineer", day=2))
    assert groups(owner) == [["assess", "conf", "int", "q"]]


def test_mail_naming_no_company_is_placed_after_the_batch_s_other_mail(owner) -> None:
    message(owner, "conf")
    message(owner, "q", day=5, sender="noah.williams@acme.com", name="Noah Williams")
    message(owner, "int", day=10, sender="noah.williams96@yahoo.com", name="Noah Williams")
    store(
        owner,
        result("conf", APPLIED, "Acme", "Product Analyst"),
        result("q", Status.INFORMATION_REQUEST, "Acme", "", day=5),
        result("int", INTERVIEW, "Noah Williams", "Product Analyst", day=10),
    )
    assert groups(owner) == [["conf", "int", "q"]]


def test_a_domain_names_a_company_whose_name_ends_in_a_legal_word() -> None:
    known = KnownCompanies(["Bluth Company"])
    assert known.by_squashed["bluthcompany"] == "Bluth Company"
    assert known.by_squashed["bluth"] == "Bluth Company"


def test_a_recruiter_s_mail_days_before_a_confirmation_is_not_about_it(owner) -> None:
    recruiter = {"sender": "priya.raman@acme.com", "name": "Priya Raman"}
    message(owner, "b1", day=100)
    message(owner, "b2", day=110, **recruiter)
    message(owner, "a2", day=10, **recruiter)
    store(owner, result("b1", APPLIED, day=100), result("b2", INTERVIEW, day=110))
    store(owner, result("a2", INTERVIEW, day=10))
    assert groups(owner) == [["a2"], ["b1", "b2"]]


def test_mail_naming_no_role_answers_an_open_application_not_a_rejected_one(owner) -> None:
    for message_id, day in (("be", 0), ("ds", 5), ("ds_rej", 10), ("rej", 20)):
        message(owner, message_id, day=day)
    store(owner, result("be", APPLIED, "Acme", "Backend Engineer"))
    store(owner, result("ds", APPLIED, "Acme", "Data Scientist", day=5))
    store(owner, result("ds_rej", Status.REJECTION, "Acme", "Data Scientist", day=10))
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=20))
    assert groups(owner) == [["be", "rej"], ["ds", "ds_rej"]]


def test_a_company_s_own_careers_box_names_the_company(owner) -> None:
    message(owner, "conf", name="Wonka Labs")
    message(owner, "fwd", day=3, sender="talent@wonkalabs.com", name="Olivia Brown")
    store(owner, result("conf", APPLIED, "Wonka Labs", "Backend Engineer"))
    # Forwarded by a recruiter from the shared box: the analysis read their name.
    store(owner, result("fwd", INTERVIEW, "Olivia Brown", "Backend Engineer", day=3))
    assert groups(owner) == [["conf", "fwd"]]


def test_a_weakly_placed_email_follows_its_recruiter_once_their_mail_is_read(owner) -> None:
    recruiter = {"sender": "lars.eriksen@acme.com", "name": "Lars Eriksen"}
    message(owner, "pm")
    message(owner, "se", day=20)
    message(owner, "q", day=30, **recruiter)
    message(owner, "pm_info", day=25, **recruiter)
    store(owner, result("pm", APPLIED, "Acme", "Product Manager"))
    store(owner, result("se", APPLIED, "Acme", "Software Engineer", day=20))
    # Naming no role, it first goes to the role applied to last...
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=30))
    # ...until the same recruiter's mail about the other role is read.
    store(owner, result("pm_info", Status.INFORMATION_REQUEST, "Acme", "Product Manager", day=25))
    assert groups(owner) == [["pm", "pm_info", "q"], ["se"]]
