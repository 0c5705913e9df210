"""Weak evidence weighed: a process moves forward (an offer follows interviews), a channel keeps
writing, a move settles others (a thread is one application), a group begun by mail naming
nothing joins the role it later names, an application is turned down once, a recruiter writes
on about the application still open, and a person writing through a service or a shared
mailbox is still that person.

Each case fails with the rule it tests taken out; mail is stored newest first, as a full sync
reads it, through the real seam (``tracker_factory.store``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from analysis.status import Status
from tracker.cluster import Cluster, Mail
from tracker.links import footer_system, sender_person
from tracker.tests.test_grouping_links import groups, message
from tracker.tests.tracker_factory import START, result, store

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]

APPLIED = Status.APPLICATION_CONFIRMATION
INTERVIEW = Status.INTERVIEW_INVITATION
WORKDAY = {"sender": "acme@myworkday.com", "name": "Acme Careers"}
SMARTRECRUITERS = {"sender": "notification@smartrecruiters.com", "name": "Acme"}


def test_mail_naming_no_role_goes_to_the_application_not_already_past_its_stage(owner) -> None:
    message(owner, "be", day=0)
    message(owner, "ds", day=2)
    message(owner, "be-int", day=10)
    message(owner, "test", day=12)
    # The backend role was active last, but it is interviewing: an assessment is the other's.
    store(owner, result("test", Status.ASSESSMENT, "Acme", "", day=12))
    store(owner, result("be-int", INTERVIEW, "Acme", "Backend Engineer", day=10))
    store(
        owner,
        result("ds", APPLIED, "Acme", "Data Scientist", day=2),
        result("be", APPLIED, "Acme", "Backend Engineer"),
    )
    assert groups(owner) == [["be", "be-int"], ["ds", "test"]]


def test_mail_naming_no_role_prefers_the_application_its_tracking_system_already_runs(
    owner,
) -> None:
    agency = {"sender": "chen.wei@bluestonestaffing.com", "name": "Chen Wei (Bluestone)"}
    message(owner, "wd", day=0, **WORKDAY)
    message(owner, "agency", day=2, **agency)
    message(owner, "rej", day=12, **WORKDAY)
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=12))
    # The agency's application was active last, but Workday has written about the other.
    store(
        owner,
        result("agency", APPLIED, "Acme", "Backend Engineer", day=2),
        result("wd", APPLIED, "Acme", "Data Analyst"),
    )
    assert groups(owner) == [["agency"], ["rej", "wd"]]


def test_moving_one_unsure_email_settles_the_ones_that_followed_it(owner) -> None:
    recruiter = {"sender": "emily.carter@acme.com", "name": "Emily Carter"}
    message(owner, "sse", day=0, **WORKDAY)
    message(owner, "be", day=20, **SMARTRECRUITERS)
    message(owner, "q", day=25, **recruiter)
    message(owner, "int", day=40, thread="T", **recruiter)
    message(owner, "wd-reply", day=41, thread="T", **WORKDAY)
    store(owner, result("wd-reply", INTERVIEW, "Acme", "", day=41))
    store(owner, result("int", INTERVIEW, "Acme", "", day=40))
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=25))
    store(
        owner,
        result("be", APPLIED, "Acme", "Backend Engineer", day=20),
        result("sse", APPLIED, "Acme", "Senior Software Engineer"),
    )
    # Workday's reply goes to the application Workday runs; the recruiter's mail in its
    # thread follows it, and so does her earlier mail.
    assert groups(owner) == [["be"], ["int", "q", "sse", "wd-reply"]]


def test_a_group_begun_by_mail_naming_nothing_joins_the_role_it_comes_to_name(owner) -> None:
    message(owner, "conf", day=0)
    message(owner, "q", day=10, thread="T", sender="fatima.zahra24@yahoo.com", name="Fatima")
    message(owner, "int", day=14, thread="T", sender="fatima.zahra@acme.com", name="Fatima")
    message(owner, "rej", day=30)
    store(owner, result("rej", Status.REJECTION, "Acme", "Backend Engineer", day=30))
    store(owner, result("int", INTERVIEW, "Acme", "Backend Engineer", day=14))
    # From a personal mailbox: the analysis read neither company nor role.
    store(owner, result("q", Status.INFORMATION_REQUEST, "", "", day=10))
    store(owner, result("conf", APPLIED, "Acme", "Backend Engineer"))
    assert groups(owner) == [["conf", "int", "q", "rej"]]


def test_a_group_begun_by_mail_naming_nothing_joins_the_company_it_comes_to_name(owner) -> None:
    message(owner, "conf", day=0)
    message(owner, "other", day=3, sender="jobs@initech.com", name="Initech")
    message(owner, "rej", day=20, thread="T", sender="emily.carter35@gmail.com", name="Emily")
    message(owner, "q", day=21, thread="T", sender="emily.carter@acme.com", name="Emily")
    # Her reply from work names the company, not the role: the turn-down answered the
    # application to it, which must not be a "(position unknown)" row of its own.
    store(owner, result("q", Status.INFORMATION_REQUEST, "Acme", "", day=21))
    store(owner, result("rej", Status.REJECTION, "", "", day=20))
    store(
        owner,
        result("other", APPLIED, "Initech", "Data Analyst", day=3),
        result("conf", APPLIED, "Acme", "Backend Engineer"),
    )
    assert groups(owner) == [["conf", "q", "rej"], ["other"]]


def test_a_confirmation_days_after_an_agency_s_is_the_candidate_s_own_application(owner) -> None:
    agency = {"sender": "emily.carter@bluestonestaffing.com", "name": "Emily Carter (Bluestone)"}
    message(owner, "agency-conf", day=0, **agency)
    message(owner, "direct-conf", day=5)
    message(owner, "agency-int", day=20, **agency)
    store(owner, result("agency-int", INTERVIEW, "Acme", "", day=20))
    store(owner, result("direct-conf", APPLIED, day=5))
    store(owner, result("agency-conf", APPLIED))
    # Relayed, the employer's system would have confirmed within a day or two; and the
    # agency's recruiter goes on writing about the agency's application.
    assert groups(owner) == [["agency-conf", "agency-int"], ["direct-conf"]]


def test_a_footer_names_the_tracking_system_of_mail_from_a_personal_mailbox() -> None:
    assert footer_system("Kind regards,\nPriya\n\n--\nSent via Lever") == "lever"
    assert footer_system("Log in to your SmartRecruiters Candidate Portal.") == "smartrecruiters"
    assert footer_system("Powered by GREENHOUSE") == "greenhouse"
    # A lever is also a word; only a footer's phrase names the system.
    assert footer_system("We want to lever your skills. Powered by coffee.") == ""


def test_mail_from_a_personal_mailbox_avoids_the_application_another_ats_runs(owner) -> None:
    message(owner, "gh", day=0, sender="no-reply@greenhouse.io", name="Acme")
    message(owner, "lv", day=2, sender="no-reply@hire.lever.co", name="Acme")
    message(owner, "gh-int", day=8, sender="no-reply@greenhouse.io", name="Acme")
    personal = {"sender": "fatima.zahra68@gmail.com", "name": "Fatima Zahra"}
    message(
        owner, "rej", day=10, body="We will not move forward.\n\n--\nSent via Lever", **personal
    )
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=10))
    store(owner, result("gh-int", INTERVIEW, "Acme", "Data Analyst", day=8))
    store(
        owner,
        result("lv", APPLIED, "Acme", "Backend Engineer", day=2),
        result("gh", APPLIED, "Acme", "Data Analyst"),
    )
    # The Data Analyst application was active last; the footer says Lever wrote this one.
    assert groups(owner) == [["gh", "gh-int"], ["lv", "rej"]]


def test_a_confirmation_after_a_rejection_is_a_new_application_through_the_same_system(
    owner,
) -> None:
    ashby = {"sender": "no-reply@ashbyhq.com", "name": "Acme Hiring Team"}
    message(owner, "conf", day=0, **ashby)
    message(owner, "rej", day=14, **ashby)
    message(owner, "again", day=20, **ashby)
    store(owner, result("again", APPLIED, day=20))
    store(owner, result("rej", Status.REJECTION, day=14), result("conf", APPLIED))
    assert groups(owner) == [["again"], ["conf", "rej"]]


def test_unsure_mail_does_not_follow_its_recruiter_into_an_application_begun_after_it(
    owner,
) -> None:
    recruiter = {"sender": "emily.carter@acme.com", "name": "Emily Carter"}
    message(owner, "ds", day=0)
    message(owner, "int", day=10, **recruiter)
    message(owner, "rs", day=17, sender="no-reply@hire.lever.co", name="Acme")
    message(owner, "rs-int", day=30, **recruiter)
    store(owner, result("rs-int", INTERVIEW, "Acme", "Research Scientist", day=30))
    store(owner, result("rs", APPLIED, "Acme", "Research Scientist", day=17))
    store(owner, result("int", INTERVIEW, "Acme", "", day=10))
    store(owner, result("ds", APPLIED, "Acme", "Data Scientist"))
    # Her later mail is about the role applied to a week after this one: not what it answers.
    assert groups(owner) == [["ds", "int"], ["rs", "rs-int"]]


def test_an_unsure_rejection_leaves_an_application_that_is_turned_down_on_its_own(owner) -> None:
    for gmail_id, day in (("qa", 0), ("se", 3), ("rej", 17), ("se-int", 27), ("se-rej", 34)):
        message(owner, gmail_id, day=day)
    store(owner, result("se-rej", Status.REJECTION, "Acme", "Software Engineer", day=34))
    store(owner, result("se-int", INTERVIEW, "Acme", "Software Engineer", day=27))
    # Naming no role, it goes first to the application active last; that one goes on to an
    # interview and a rejection of its own, so this one answered the other.
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=17))
    store(
        owner,
        result("se", APPLIED, "Acme", "Software Engineer", day=3),
        result("qa", APPLIED, "Acme", "Quantitative Analyst"),
    )
    assert groups(owner) == [["qa", "rej"], ["se", "se-int", "se-rej"]]


def test_a_turn_down_naming_nothing_leaves_an_application_turned_down_on_its_own(owner) -> None:
    for gmail_id, day in (("ap", 0), ("va", 16), ("rej", 23), ("va-rej", 30)):
        message(owner, gmail_id, day=day)
    store(owner, result("va-rej", Status.REJECTION, "Vandelay", "Platform Engineer", day=30))
    # Naming neither company nor role, it goes to the application its ATS ran that was
    # active last; that one is turned down on its own, so this one ended the other.
    store(owner, result("rej", Status.REJECTION, "", "", day=23))
    store(
        owner,
        result("va", APPLIED, "Vandelay", "Platform Engineer", day=16),
        result("ap", APPLIED, "Aperture", "UX Researcher"),
    )
    assert groups(owner) == [["ap", "rej"], ["va", "va-rej"]]


def test_a_recruiter_s_interview_naming_no_role_is_not_for_an_application_days_old(owner) -> None:
    recruiter = {"sender": "tomas.herrera@acme.com", "name": "Tomas Herrera"}
    for gmail_id, day in (("qa", 0), ("qa-test", 2), ("ml", 10)):
        message(owner, gmail_id, day=day)
    message(owner, "int", day=11, **recruiter)
    # The role applied to yesterday was active last, but nobody has read it yet: the
    # invitation is for the application the company already answered.
    store(owner, result("int", INTERVIEW, "Acme", "", day=11))
    store(owner, result("ml", APPLIED, "Acme", "ML Engineer", day=10))
    store(owner, result("qa-test", Status.ASSESSMENT, "Acme", "Quant Analyst", day=2))
    store(owner, result("qa", APPLIED, "Acme", "Quant Analyst"))
    assert groups(owner) == [["int", "qa", "qa-test"], ["ml"]]


def test_mail_left_after_a_turn_down_moved_in_goes_to_the_application_still_open(owner) -> None:
    recruiter = {"sender": "olivia.brown@acme.com", "name": "Olivia Brown"}
    days = (("ml", 0), ("ml-int", 11), ("de", 17), ("de-test", 27), ("rej", 33), ("de-rej", 60))
    for gmail_id, day in days:
        message(owner, gmail_id, day=day)
    message(owner, "int", day=47, **recruiter)
    store(owner, result("de-rej", Status.REJECTION, "Acme", "Data Engineer", day=60))
    # Naming no role, the interview goes to the one application open then: the turn-down
    # (naming none either) had gone to the one active last. That one is turned down again
    # on its own, so the turn-down was the other's — and the interview, after it, is not.
    store(owner, result("int", INTERVIEW, "Acme", "", day=47))
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=33))
    store(owner, result("de-test", Status.ASSESSMENT, "Acme", "Data Engineer", day=27))
    store(owner, result("de", APPLIED, "Acme", "Data Engineer", day=17))
    store(owner, result("ml-int", INTERVIEW, "Acme", "ML Engineer", day=11))
    store(owner, result("ml", APPLIED, "Acme", "ML Engineer"))
    assert groups(owner) == [["de", "de-rej", "de-test", "int"], ["ml", "ml-int", "rej"]]


def test_an_unsure_rejection_never_moves_to_an_application_already_closed(owner) -> None:
    for gmail_id, day in (("qa", 0), ("qa-end", 5), ("se", 3), ("rej", 17), ("se-rej", 34)):
        message(owner, gmail_id, day=day)
    store(owner, result("se-rej", Status.REJECTION, "Acme", "Software Engineer", day=34))
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=17))
    # Withdrawn before the rejection came: it answers nothing there.
    store(owner, result("qa-end", Status.WITHDRAWAL, "Acme", "Quantitative Analyst", day=5))
    store(
        owner,
        result("se", APPLIED, "Acme", "Software Engineer", day=3),
        result("qa", APPLIED, "Acme", "Quantitative Analyst"),
    )
    assert groups(owner) == [["qa", "qa-end"], ["rej", "se", "se-rej"]]


def test_the_person_a_service_or_a_shared_mailbox_writes_for_is_read() -> None:
    assert sender_person("Rachel Green via Docusign", "dse_na3@docusign.net") == "rachel green"
    assert sender_person("Rachel Green (via Google Docs)", "drive-shares@google.com") == (
        "rachel green"
    )
    assert sender_person("Rachel Green", "talent@acme-robotics.com") == "rachel green"
    assert sender_person("Rachel Green", "rachel.green@acme.com") == "rachel green"
    for name, address in (
        ("Acme Robotics", "talent@acmerobotics.com"),  # the company
        ("Acme Robotics", "talent@acme-robotics.com"),
        ("Acme Robotics", "talent@mail.acmerobotics.co.uk"),
        ("Acme Careers", "careers@acme.com"),
        ("Globex Hiring Team", "jobs@globexcorp.com"),  # a team
        ("Rachel Green", "no-reply@hire.lever.co"),  # an ATS's own mail: not said who
        ("Docusign", "dse_na3@docusign.net"),
    ):
        assert sender_person(name, address) == ""


def test_an_offer_sent_through_a_signing_service_joins_its_recruiter_s_application(owner) -> None:
    recruiter = {"sender": "rachel.green@acme.com", "name": "Rachel Green"}
    message(owner, "pa", day=0)
    message(owner, "pa-int", day=10, **recruiter)
    message(owner, "ds", day=2, sender="jordan.lee@bluestonestaffing.com", name="Jordan Lee")
    message(owner, "ds-q", day=11, sender="jordan.lee@bluestonestaffing.com", name="Jordan Lee")
    message(owner, "offer", day=14, sender="dse_na3@docusign.net", name="Rachel Green via Docusign")
    store(owner, result("offer", Status.OFFER, "Acme", "", day=14))
    store(owner, result("ds-q", Status.INFORMATION_REQUEST, "Acme", "Data Scientist", day=11))
    store(owner, result("pa-int", INTERVIEW, "Acme", "Product Analyst", day=10))
    store(
        owner,
        result("ds", APPLIED, "Acme", "Data Scientist", day=2),
        result("pa", APPLIED, "Acme", "Product Analyst"),
    )
    # The data scientist application was active last; the offer is signed for Rachel Green's.
    assert groups(owner) == [["ds", "ds-q"], ["offer", "pa", "pa-int"]]


def test_an_application_the_employer_goes_on_with_is_open_again_for_later_mail(owner) -> None:
    linkedin = {"sender": "jobs-noreply@linkedin.com", "name": "LinkedIn"}
    for gmail_id, day in (("sre", 0), ("qa", 14), ("rej", 18), ("qa-int", 40), ("rej2", 60)):
        message(owner, gmail_id, day=day)
    message(owner, "tpm", day=48, **linkedin)
    store(owner, result("rej2", Status.REJECTION, "Acme", "", day=60))
    store(owner, result("tpm", APPLIED, "Acme", "Technical Program Manager", day=48))
    # The interview reopens the application the unsure rejection closed: the later rejection
    # answers it (active last, run by the same system), and the first moves to the other.
    store(owner, result("qa-int", INTERVIEW, "Acme", "Quantitative Analyst", day=40))
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=18))
    store(
        owner,
        result("qa", APPLIED, "Acme", "Quantitative Analyst", day=14),
        result("sre", APPLIED, "Acme", "Site Reliability Engineer"),
    )
    assert groups(owner) == [["qa", "qa-int", "rej2"], ["rej", "sre"], ["tpm"]]


def test_a_recruiter_s_name_leads_only_to_an_application_active_lately(owner) -> None:
    message(owner, "ae", day=0)
    message(owner, "ae-act", day=6, sender="olivia.brown27@outlook.com", name="Olivia Brown")
    message(owner, "qa", day=80, **SMARTRECRUITERS)
    message(owner, "int", day=100, sender="olivia.brown@acme.com", name="Olivia Brown")
    store(owner, result("int", INTERVIEW, "Acme", "", day=100))
    store(owner, result("qa", APPLIED, "Acme", "Quantitative Analyst", day=80))
    store(owner, result("ae-act", Status.ACTION_REQUIRED, "Acme", "", day=6))
    store(owner, result("ae", APPLIED, "Acme", "Analytics Engineer"))
    # Her name last wrote about the other application three months before: no lead now.
    assert groups(owner) == [["ae", "ae-act"], ["int", "qa"]]


ASHBY = {"sender": "no-reply@ashbyhq.com", "name": "Acme Hiring Team"}
GREENHOUSE = {"sender": "no-reply@greenhouse.io", "name": "Acme Recruiting"}


def test_unsure_mail_of_a_thread_follows_the_thread_to_the_application_it_turned_out_to_be(
    owner,
) -> None:
    recruiter = {"sender": "lars.eriksen@acme.com", "name": "Lars Eriksen"}
    message(owner, "ml", day=0, **ASHBY)
    message(owner, "rs", day=20, **GREENHOUSE)
    message(owner, "ask", day=22, thread="T", **recruiter)
    message(owner, "ashby-1", day=35, thread="T", **ASHBY)
    message(owner, "ashby-2", day=36, thread="T", **ASHBY)
    message(owner, "after", day=40, thread="T", **recruiter)
    store(owner, result("after", INTERVIEW, "Acme", "", day=40))
    store(owner, result("ashby-2", INTERVIEW, "Acme", "", day=36))
    store(owner, result("ashby-1", INTERVIEW, "Acme", "", day=35))
    store(owner, result("ask", Status.INFORMATION_REQUEST, "Acme", "", day=22))
    store(
        owner,
        result("rs", APPLIED, "Acme", "Research Scientist", day=20),
        result("ml", APPLIED, "Acme", "Machine Learning Engineer"),
    )
    # The recruiter's question reads like the newest application's; the thread goes on through
    # the ATS that runs the other one (twice: each reply is not evidence for the other), and
    # the whole thread, before and after, is that application's.
    assert groups(owner) == [["after", "ashby-1", "ashby-2", "ask", "ml"], ["rs"]]


def test_an_offer_naming_no_role_goes_to_the_application_that_interviewed(owner) -> None:
    docusign = {"sender": "dse_na3@docusign.net", "name": "Emily Carter via DocuSign"}
    message(owner, "be", day=0)
    message(owner, "be-int", day=10)
    message(owner, "ds", day=15)
    message(owner, "offer", day=30, **docusign)
    store(owner, result("offer", Status.OFFER, "Acme", "", day=30))
    store(
        owner,
        result("ds", APPLIED, "Acme", "Data Scientist", day=15),
        result("be-int", INTERVIEW, "Acme", "Backend Engineer", day=10),
    )
    store(owner, result("be", APPLIED, "Acme", "Backend Engineer"))
    # The data scientist role was active last, but only the other one has come to interviews.
    assert groups(owner) == [["be", "be-int", "offer"], ["ds"]]


def test_a_recruiter_writes_on_about_the_open_application_not_the_one_turned_down(owner) -> None:
    hannah = {"sender": "hannah.schmidt@acme.com", "name": "Hannah Schmidt"}
    message(owner, "de", day=0, **WORKDAY)
    message(owner, "de-int", day=10, thread="T", **hannah)
    message(owner, "de-rej", day=20, thread="T", **hannah)
    message(owner, "sda", day=40, **WORKDAY)
    message(owner, "onsite", day=55, **hannah)
    store(owner, result("onsite", INTERVIEW, "Acme", "", day=55))
    store(
        owner,
        result("sda", APPLIED, "Acme", "Senior Data Analyst", day=40),
        result("de-rej", Status.REJECTION, "Acme", "Data Engineer", day=20),
        result("de-int", INTERVIEW, "Acme", "Data Engineer", day=10),
    )
    store(owner, result("de", APPLIED, "Acme", "Data Engineer"))
    # She turned the data engineer application down; her next mail is about the open one.
    assert groups(owner) == [["de", "de-int", "de-rej"], ["onsite", "sda"]]


def test_a_recruiter_still_reaches_the_application_turned_down_when_no_other_is_open(
    owner,
) -> None:
    hannah = {"sender": "hannah.schmidt@acme.com", "name": "Hannah Schmidt"}
    message(owner, "de", day=0, **WORKDAY)
    message(owner, "de-rej", day=20, thread="T", **hannah)
    message(owner, "again", day=30, **hannah)
    store(owner, result("again", Status.INFORMATION_REQUEST, "Acme", "", day=30))
    store(
        owner,
        result("de-rej", Status.REJECTION, "Acme", "Data Engineer", day=20),
        result("de", APPLIED, "Acme", "Data Engineer"),
    )
    assert groups(owner) == [["again", "de", "de-rej"]]


def test_mail_from_another_ats_does_not_move_to_an_application_long_over(owner) -> None:
    message(owner, "old", day=0, **GREENHOUSE)
    message(owner, "new", day=250, **SMARTRECRUITERS)
    message(owner, "test", day=260, **GREENHOUSE)
    store(owner, result("test", Status.ASSESSMENT, "Acme", "", day=260))
    store(owner, result("new", APPLIED, "Acme", "Backend Engineer", day=250))
    store(owner, result("old", APPLIED, "Acme", "Data Engineer"))
    # Greenhouse ran an application 260 days ago (past the 180-day gap that starts a new one):
    # nothing of today's is that one's.
    assert groups(owner) == [["new", "test"], ["old"]]


def test_a_new_recruiter_writes_about_an_application_nobody_else_handles(owner) -> None:
    emily = {"sender": "emily.carter@acme.com", "name": "Emily Carter"}
    daniel = {"sender": "daniel.kim@acme.com", "name": "Daniel Kim"}
    message(owner, "be", day=0)
    message(owner, "ds", day=2)
    message(owner, "be-int", day=10, **emily)
    message(owner, "ask", day=12, **daniel)
    store(owner, result("ask", Status.INFORMATION_REQUEST, "Acme", "", day=12))
    store(
        owner,
        result("be-int", INTERVIEW, "Acme", "Backend Engineer", day=10),
        result("ds", APPLIED, "Acme", "Data Scientist", day=2),
    )
    store(owner, result("be", APPLIED, "Acme", "Backend Engineer"))
    # The backend role was active last, but Emily Carter handles it: Daniel Kim, new, writes
    # about the other one.
    assert groups(owner) == [["ask", "ds"], ["be", "be-int"]]


@pytest.mark.parametrize("after", [Status.WITHDRAWAL, Status.OFFER])
def test_an_unsure_rejection_leaves_an_application_that_goes_on_to_end_otherwise(
    owner, after
) -> None:
    for gmail_id, day in (("qa", 0), ("se", 3), ("rej", 17), ("se-int", 10), ("se-end", 24)):
        message(owner, gmail_id, day=day)
    store(owner, result("se-end", after, "Acme", "Software Engineer", day=24))
    store(owner, result("rej", Status.REJECTION, "Acme", "", day=17))
    store(owner, result("se-int", INTERVIEW, "Acme", "Software Engineer", day=10))
    # Naming no role, the rejection goes first to the application active last; the candidate
    # withdrew from that one (or was offered it) a week later: it was still going.
    store(
        owner,
        result("se", APPLIED, "Acme", "Software Engineer", day=3),
        result("qa", APPLIED, "Acme", "Quantitative Analyst"),
    )
    assert groups(owner) == [["qa", "rej"], ["se", "se-end", "se-int"]]


def test_a_thread_begun_by_a_role_alone_goes_where_its_later_mail_names_the_company(
    owner,
) -> None:
    # One role at two companies. A recruiter's invitation from a personal mailbox names the
    # role and no company: it reads like the application active last. Its thread goes on from
    # the other company's own address, naming that company: the thread is that one's.
    sofia = {"sender": "sofia.alvarez@lumon.example", "name": "Sofia Alvarez"}
    personal = {"sender": "sofia.alvarez34@gmail.com", "name": "Sofia Alvarez"}
    message(owner, "lumon", day=0, **GREENHOUSE)
    message(owner, "vandelay", day=20, sender="no-reply@hire.lever.co", name="Vandelay")
    message(owner, "invite", day=30, thread="T", **personal)
    message(owner, "re-1", day=40, thread="T", **sofia)
    message(owner, "re-2", day=42, thread="T", **sofia)
    store(
        owner,
        result("re-2", INTERVIEW, "Lumon", "Product Analyst", day=42),
        result("re-1", INTERVIEW, "Lumon", "Product Analyst", day=40),
    )
    store(owner, result("invite", INTERVIEW, "", "Product Analyst", day=30))
    store(
        owner,
        result("vandelay", APPLIED, "Vandelay", "Product Analyst", day=20),
        result("lumon", APPLIED, "Lumon", "Product Analyst"),
    )
    assert groups(owner) == [["invite", "lumon", "re-1", "re-2"], ["vandelay"]]


def test_an_offer_s_paperwork_joins_the_application_offered_not_another_open_one(owner) -> None:
    # The offer came through a signing service; hours later the recruiter writes from the
    # company's shared mailbox with the letter again, naming no role. The offered application
    # has ended, but its paperwork is its own, not the other application, silent for months.
    docusign = {"sender": "dse_na3@docusign.net", "name": "Sofia Alvarez via DocuSign"}
    shared = {"sender": "talent@acme.com", "name": "Sofia Alvarez"}
    message(owner, "qa", day=0)
    message(owner, "ux", day=120)
    message(owner, "ux-int", day=140, sender="sofia.alvarez@acme.com", name="Sofia Alvarez")
    message(owner, "offer", day=170, **docusign)
    message(owner, "letter", day=170.5, **shared)
    store(owner, result("letter", Status.OFFER, "Acme", "", day=170.5))
    store(owner, result("offer", Status.OFFER, "Acme", "", day=170))
    store(owner, result("ux-int", INTERVIEW, "Acme", "UX Researcher", day=140))
    store(
        owner,
        result("ux", APPLIED, "Acme", "UX Researcher", day=120),
        result("qa", APPLIED, "Acme", "Quantitative Analyst"),
    )
    assert groups(owner) == [["letter", "offer", "ux", "ux-int"], ["qa"]]


@pytest.mark.parametrize(("days_after", "open_to_it"), [(20, True), (150, False)])
def test_an_offer_s_paperwork_comes_within_weeks(days_after: int, open_to_it: bool) -> None:
    # Forms to sign weeks after an offer are its own; a request months later is about
    # something else (another application of the company's, a second one of its mail).
    offered = Cluster(0, "acme", "ux researcher")
    offered.add(Mail("offer", START, Status.OFFER, "acme", "ux researcher"), weak=False)
    form = Mail("form", START + timedelta(days=days_after), Status.ACTION_REQUIRED, "acme", "")
    assert offered.open_for(form) is open_to_it


def test_a_role_applied_to_again_takes_its_later_mail_from_the_first_application_s_ats(
    owner,
) -> None:
    # Applied through Greenhouse, silent for four months, then applied again to the same
    # role on LinkedIn: Greenhouse's next email about the role is the new application's,
    # although only the first one has heard from Greenhouse.
    message(owner, "first", day=0, **GREENHOUSE)
    message(owner, "again", day=120, sender="jobs-noreply@linkedin.com", name="LinkedIn")
    message(owner, "test", day=127, **GREENHOUSE)
    message(owner, "rej", day=140, **GREENHOUSE)
    store(owner, result("rej", Status.REJECTION, "Acme", "Data Engineer", day=140))
    store(owner, result("test", Status.ASSESSMENT, "Acme", "", day=127))
    store(
        owner,
        result("again", APPLIED, "Acme", "Data Engineer", day=120),
        result("first", APPLIED, "Acme", "Data Engineer"),
    )
    assert groups(owner) == [["again", "rej", "test"], ["first"]]


def test_mail_placed_by_its_writer_alone_follows_its_thread_to_the_role_it_comes_to_name(
    owner,
) -> None:
    # One recruiter handles two of the candidate's applications. Her question names neither
    # role: her address leads to the one she last wrote about, but the thread it starts goes
    # on to name the other role, and the whole thread is that application.
    marcus = {"sender": "marcus.johnson@acme.com", "name": "Marcus Johnson"}
    message(owner, "pa", day=0, **WORKDAY)
    message(owner, "bi", day=7, sender="jobs-noreply@linkedin.com", name="LinkedIn")
    message(owner, "pa-int", day=9, **marcus)
    message(owner, "ask", day=27, thread="T", **marcus)
    message(owner, "ask-2", day=30, thread="T", **marcus)
    message(owner, "named", day=37, thread="T", **marcus)
    store(owner, result("named", INTERVIEW, "Acme", "BI Analyst", day=37))
    store(
        owner,
        result("ask-2", INTERVIEW, "Acme", "", day=30),
        result("ask", Status.INFORMATION_REQUEST, "Acme", "", day=27),
    )
    store(
        owner,
        result("pa-int", INTERVIEW, "Acme", "Product Analyst", day=9),
        result("bi", APPLIED, "Acme", "BI Analyst", day=7),
        result("pa", APPLIED, "Acme", "Product Analyst"),
    )
    assert groups(owner) == [["ask", "ask-2", "bi", "named"], ["pa", "pa-int"]]


def test_unsure_mail_follows_its_own_thread_before_its_writer_s_other_mail(owner) -> None:
    # A recruiter's question naming no role; days later she writes about one role in another
    # thread, then answers in the question's own thread about the other role: the question
    # was about the role its thread names.
    emily = {"sender": "emily.carter@acme.com", "name": "Emily Carter"}
    message(owner, "a", day=0, **WORKDAY)
    message(owner, "b", day=2, **WORKDAY)
    message(owner, "ask", day=12, thread="T", **emily)
    message(owner, "b-int", day=14, **emily)
    message(owner, "a-int", day=20, thread="T", **emily)
    store(
        owner,
        result("a-int", INTERVIEW, "Acme", "Data Analyst", day=20),
        result("b-int", INTERVIEW, "Acme", "Data Engineer", day=14),
    )
    store(owner, result("ask", Status.INFORMATION_REQUEST, "Acme", "", day=12))
    store(
        owner,
        result("b", APPLIED, "Acme", "Data Engineer", day=2),
        result("a", APPLIED, "Acme", "Data Analyst"),
    )
    assert groups(owner) == [["a", "a-int", "ask"], ["b", "b-int"]]


def test_a_role_applied_to_again_days_after_an_interview_leaves_the_first_application_going(
    owner,
) -> None:
    # A LinkedIn application relayed to Greenhouse interviews; four days later the same role is
    # applied to directly. The first had not gone quiet: an offer naming no role is the one
    # that interviewed, not the application just made.
    message(owner, "a", day=0, sender="jobs-noreply@linkedin.com", name="LinkedIn")
    message(owner, "a-int", day=10, **GREENHOUSE)
    message(owner, "again", day=14, **GREENHOUSE)
    message(owner, "offer", day=20, **GREENHOUSE)
    store(owner, result("offer", Status.OFFER, "Acme", "", day=20))
    store(
        owner,
        result("again", APPLIED, "Acme", "Data Engineer", day=14),
        result("a-int", INTERVIEW, "Acme", "Data Engineer", day=10),
        result("a", APPLIED, "Acme", "Data Engineer"),
    )
    assert groups(owner) == [["a", "a-int", "offer"], ["again"]]


def test_a_thread_begun_before_its_writer_s_other_application_stays_with_its_own(owner) -> None:
    # Lever sends an assessment naming no role about the first application; a week later the
    # candidate applies to a second role, which the same recruiter then handles. When she writes
    # in the assessment's thread (naming no role), her later mail about the second role does
    # not take the thread: it began before that application did.
    lever = {"sender": "no-reply@hire.lever.co", "name": "Acme"}
    lars = {"sender": "lars.eriksen@acme.com", "name": "Lars Eriksen"}
    message(owner, "a", day=0, **lever)
    message(owner, "test", day=9, thread="T", **lever)
    message(owner, "b", day=16, **lever)
    message(owner, "b-int", day=30, **lars)
    message(owner, "t-lars", day=36, thread="T", **lars)
    message(owner, "b-rej", day=40, **lars)
    store(
        owner,
        result("b-rej", Status.REJECTION, "Acme", "Product Manager", day=40),
        result("t-lars", INTERVIEW, "Acme", "", day=36),
        result("b-int", INTERVIEW, "Acme", "Product Manager", day=30),
    )
    store(
        owner,
        result("b", APPLIED, "Acme", "Product Manager", day=16),
        result("test", Status.ASSESSMENT, "Acme", "", day=9),
        result("a", APPLIED, "Acme", "Backend Engineer"),
    )
    assert groups(owner) == [["a", "t-lars", "test"], ["b", "b-int", "b-rej"]]


def test_mail_naming_nothing_joins_no_group_of_another_writer_s_nameless_mail(owner) -> None:
    # Two recruiters writing from personal mailboxes, months apart, naming neither company nor
    # role: nothing says they are about one application. The first recruiter's later mail,
    # naming an application, then takes their own mail only.
    message(owner, "acme-conf", day=0)
    message(owner, "lars", day=3, sender="lars.eriksen32@gmail.com", name="Lars Eriksen")
    message(owner, "marcus", day=95, sender="marcus.johnson39@yahoo.com", name="Marcus Johnson")
    message(owner, "lars-int", day=120, sender="lars.eriksen@globex.com", name="Lars Eriksen")
    store(owner, result("lars-int", INTERVIEW, "Globex", "Data Analyst", day=120))
    store(owner, result("marcus", Status.REJECTION, "", "", day=95))
    store(owner, result("lars", Status.ACTION_REQUIRED, "", "", day=3))
    store(owner, result("acme-conf", APPLIED, "Acme", "Backend Engineer"))
    found = groups(owner)
    assert ["marcus"] in found
    assert not any("marcus" in group and "lars" in group for group in found)


LINKEDIN = {"sender": "jobs-noreply@linkedin.com", "name": "LinkedIn"}


@pytest.mark.parametrize(
    ("status", "old_active", "expected"),
    [
        # Mail from an ATS comes in an application that is moving: the one applied to lately
        # (through a job board, so its ATS is not known yet), not one quiet for two months —
        # a step forward or an ending alike.
        (Status.ASSESSMENT, False, [["li", "step"], ["old"]]),
        (INTERVIEW, False, [["li", "step"], ["old"]]),
        (Status.REJECTION, False, [["li", "step"], ["old"]]),
        # The ATS's own application moved lately: its mail goes on coming through it.
        (Status.REJECTION, True, [["li"], ["old", "old-int", "step"]]),
    ],
    ids=["assessment", "interview", "rejection", "rejection-active"],
)
def test_mail_from_an_ats_goes_to_the_application_moving_lately(
    owner, status, old_active, expected
) -> None:
    message(owner, "old", day=0, **GREENHOUSE)
    message(owner, "li", day=60, **LINKEDIN)
    message(owner, "step", day=70, **GREENHOUSE)
    store(owner, result("step", status, "Acme", "", day=70))
    if old_active:
        message(owner, "old-int", day=50, **GREENHOUSE)
        store(owner, result("old-int", INTERVIEW, "Acme", "Data Engineer", day=50))
    store(owner, result("li", APPLIED, "Acme", "Backend Engineer", day=60))
    store(owner, result("old", APPLIED, "Acme", "Data Engineer"))
    assert groups(owner) == expected


@pytest.mark.parametrize(
    ("other_ends", "expected"),
    [
        # Olivia Brown turns out to handle the product role: Jordan Lee, who wrote before her
        # naming no role, handles the other application open then.
        (False, [["de", "jordan"], ["olivia", "pm"]]),
        # The other application was turned down before Jordan wrote: nowhere else to go.
        (True, [["de", "de-no"], ["jordan", "olivia", "pm"]]),
    ],
    ids=["other open", "other closed"],
)
def test_a_writer_s_unsure_mail_leaves_the_application_another_person_turns_out_to_handle(
    owner, other_ends, expected
) -> None:
    jordan = {"sender": "jordan.lee@acme.com", "name": "Jordan Lee"}
    olivia = {"sender": "olivia.brown@acme.com", "name": "Olivia Brown"}
    message(owner, "de", day=0)
    message(owner, "pm", day=1)
    message(owner, "jordan", day=5, **jordan)
    message(owner, "olivia", day=8, **olivia)
    if other_ends:
        message(owner, "de-no", day=3)
        store(owner, result("de-no", Status.REJECTION, "Acme", "Data Engineer", day=3))
    store(owner, result("olivia", INTERVIEW, "Acme", "Product Manager", day=8))
    store(owner, result("jordan", Status.INFORMATION_REQUEST, "Acme", "", day=5))
    store(
        owner,
        result("pm", APPLIED, "Acme", "Product Manager", day=1),
        result("de", APPLIED, "Acme", "Data Engineer"),
    )
    assert groups(owner) == expected


@pytest.mark.parametrize(
    ("footer", "quiet_days", "expected"),
    [
        # Naming neither company nor role, it answers the open application that ATS runs.
        ("Sent via Lever", 0, [["acme"], ["globex", "rej"]]),
        # Nothing says which system sent it: an application of its own, as before.
        ("", 0, [["acme"], ["globex"], ["rej"]]),
        # The Lever application has been quiet for months: no answer to it either.
        ("Sent via Lever", 60, [["acme"], ["globex"], ["rej"]]),
    ],
    ids=["its-ats", "no-ats", "ats-quiet"],
)
def test_mail_naming_nothing_answers_the_application_its_ats_runs(
    owner, footer, quiet_days, expected
) -> None:
    message(owner, "globex", day=0, sender="no-reply@hire.lever.co", name="Globex")
    message(owner, "acme", day=quiet_days + 1, **GREENHOUSE)
    body = "The team has decided not to advance your candidacy.\n\nHannah\n\n--\n" + footer
    day = quiet_days + 3
    message(owner, "rej", day=day, sender="hannah.schmidt74@gmail.com", name="Hannah", body=body)
    store(owner, result("rej", Status.REJECTION, "", "", day=day))
    store(owner, result("acme", APPLIED, "Acme", "Data Analyst", day=quiet_days + 1))
    store(owner, result("globex", APPLIED, "Globex", "Quantitative Analyst"))
    assert groups(owner) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        # A turn-down or a form to complete from the ATS, naming no role: what an application
        # nobody has answered yet gets, not the one interviewing (active later though it was).
        (Status.REJECTION, [["de", "de-int"], ["pm", "step"]]),
        (Status.ACTION_REQUIRED, [["de", "de-int"], ["pm", "step"]]),
        # An interview may come in either: the one active last.
        (INTERVIEW, [["de", "de-int", "step"], ["pm"]]),
    ],
    ids=["rejection", "action", "interview"],
)
def test_an_ats_s_first_answer_goes_to_the_application_not_answered_yet(
    owner, status, expected
) -> None:
    message(owner, "de", day=0, **GREENHOUSE)
    message(owner, "pm", day=5, **GREENHOUSE)
    message(owner, "de-int", day=12, **GREENHOUSE)
    message(owner, "step", day=15, **GREENHOUSE)
    store(owner, result("step", status, "Acme", "", day=15))
    store(owner, result("de-int", INTERVIEW, "Acme", "Data Engineer", day=12))
    store(owner, result("pm", APPLIED, "Acme", "Product Manager", day=5))
    store(owner, result("de", APPLIED, "Acme", "Data Engineer"))
    assert groups(owner) == expected


def test_a_recruiter_writes_on_about_their_application_beside_a_second_one_to_the_role(
    owner,
) -> None:
    # The role applied to twice, through two ATSs. Chen writes about the first; Sofia's mail,
    # naming no role, went unsurely to the second. That the second heard from the company's
    # own domain so is no sign that Chen's next mail is the second's.
    chen = {"sender": "chen.wei@acme.example", "name": "Chen Wei"}
    message(owner, "wd", day=0, **WORKDAY)
    message(owner, "chen-1", day=20, **chen)
    message(owner, "gh", day=25, **GREENHOUSE)
    message(owner, "sofia", day=28, sender="sofia.alvarez@acme.example", name="Sofia Alvarez")
    message(owner, "chen-2", day=35, **chen)
    store(owner, result("chen-2", INTERVIEW, "Acme", "Data Analyst", day=35))
    store(owner, result("sofia", Status.INFORMATION_REQUEST, "Acme", "", day=28))
    store(owner, result("gh", APPLIED, "Acme", "Data Analyst", day=25))
    store(owner, result("chen-1", INTERVIEW, "Acme", "Data Analyst", day=20))
    store(owner, result("wd", APPLIED, "Acme", "Data Analyst"))
    assert groups(owner) == [["chen-1", "chen-2", "wd"], ["gh", "sofia"]]


def test_a_name_shared_by_writers_at_two_organisations_is_two_people(owner) -> None:
    # An agency's Daniel Kim applied for the candidate; the employer's own Daniel Kim later
    # writes about another role. The agency's question, naming no role, stays with its own.
    agency = {"sender": "daniel.kim@hirewell.example", "name": "Daniel Kim"}
    message(owner, "agency", day=0, **agency)
    message(owner, "lever", day=3, sender="no-reply@hire.lever.co", name="Acme")
    message(owner, "agency-q", day=5, **agency)
    message(owner, "acme-int", day=11, sender="daniel.kim@acme.example", name="Daniel Kim")
    store(owner, result("acme-int", INTERVIEW, "Acme", "Senior Software Engineer", day=11))
    store(owner, result("agency-q", Status.INFORMATION_REQUEST, "Acme", "", day=5))
    store(owner, result("lever", APPLIED, "Acme", "Senior Software Engineer", day=3))
    store(owner, result("agency", APPLIED, "Acme", "UX Researcher"))
    assert groups(owner) == [["acme-int", "lever"], ["agency", "agency-q"]]


def test_a_recruiter_writes_on_about_their_application_beside_a_second_through_the_same_ats(
    owner,
) -> None:
    # The role applied to twice through one ATS. Fatima wrote about the first; her next mail,
    # from her personal mailbox and sent via that ATS, is still about the one she handles.
    fatima = {"name": "Fatima Zahra"}
    message(owner, "first", day=0, **GREENHOUSE)
    message(owner, "fz-1", day=20, sender="fatima.zahra@acme.example", **fatima)
    message(owner, "second", day=25, **GREENHOUSE)
    body = "Could we talk on Tuesday?\n\nFatima\n\n--\nSent via Greenhouse"
    message(owner, "fz-2", day=30, sender="fatima.zahra41@gmail.com", body=body, **fatima)
    store(owner, result("fz-2", INTERVIEW, "Acme", "Data Analyst", day=30))
    store(owner, result("second", APPLIED, "Acme", "Data Analyst", day=25))
    store(owner, result("fz-1", INTERVIEW, "Acme", "Data Analyst", day=20))
    store(owner, result("first", APPLIED, "Acme", "Data Analyst"))
    assert groups(owner) == [["first", "fz-1", "fz-2"], ["second"]]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        # An interview from the ATS, naming no role: the application a test already answered,
        # not the one applied to since that has heard nothing.
        (INTERVIEW, [["de", "de-test", "step"], ["pm"]]),
        # A turn-down naming no role: the one nobody has answered yet.
        (Status.REJECTION, [["de", "de-test"], ["pm", "step"]]),
    ],
    ids=["interview", "rejection"],
)
def test_an_ats_s_interview_goes_to_the_application_already_answered(
    owner, status, expected
) -> None:
    message(owner, "de", day=0, **GREENHOUSE)
    message(owner, "de-test", day=4, **GREENHOUSE)
    message(owner, "pm", day=8, **GREENHOUSE)
    message(owner, "step", day=12, **GREENHOUSE)
    store(owner, result("step", status, "Acme", "", day=12))
    store(owner, result("pm", APPLIED, "Acme", "Product Manager", day=8))
    store(owner, result("de-test", Status.ASSESSMENT, "Acme", "Data Engineer", day=4))
    store(owner, result("de", APPLIED, "Acme", "Data Engineer"))
    assert groups(owner) == expected


def test_a_recruiter_s_reply_stays_in_its_thread_that_another_ats_sent(owner) -> None:
    # Daniel handles the Workday application; Greenhouse's test for the one applied to on
    # LinkedIn opens a thread, in which Daniel later replies too, naming no role. The thread
    # came through another ATS than the one running his application: it stays with its own.
    daniel = {"sender": "daniel.kim@acme.example", "name": "Daniel Kim"}
    linkedin = {"sender": "jobs-noreply@linkedin.com", "name": "LinkedIn"}
    message(owner, "li", day=0, **linkedin)
    message(owner, "wd", day=18, **WORKDAY)
    message(owner, "wd-test", day=20, **WORKDAY)
    message(owner, "gh-test", day=22, thread="T", **GREENHOUSE)
    message(owner, "dk-int", day=29, **daniel)
    message(owner, "dk-re", day=40, thread="T", **daniel)
    message(owner, "gh-no", day=47, thread="T", **GREENHOUSE)
    message(owner, "dk-offer", day=60, **daniel)
    store(owner, result("dk-offer", Status.OFFER, "Acme", "Software Engineer", day=60))
    store(owner, result("gh-no", Status.REJECTION, "Acme", "", day=47))
    store(owner, result("dk-re", INTERVIEW, "Acme", "", day=40))
    store(owner, result("dk-int", INTERVIEW, "Acme", "Software Engineer", day=29))
    store(owner, result("gh-test", Status.ASSESSMENT, "Acme", "", day=22))
    store(owner, result("wd-test", Status.ASSESSMENT, "Acme", "Software Engineer", day=20))
    store(owner, result("wd", APPLIED, "Acme", "Software Engineer", day=18))
    store(owner, result("li", APPLIED, "Acme", "Data Analyst"))
    assert groups(owner) == [
        ["dk-int", "dk-offer", "wd", "wd-test"],
        ["dk-re", "gh-no", "gh-test", "li"],
    ]


def test_a_recruiter_s_mail_goes_to_the_open_application_not_one_ended_months_ago(owner) -> None:
    # Rachel handled the frontend application, which a turn-down naming no role ended; three
    # months later she writes again, naming no role, while an application made since is open.
    rachel = {"sender": "rachel.green@acme.example", "name": "Rachel Green"}
    message(owner, "fe", day=0, **SMARTRECRUITERS)
    message(owner, "rg-int", day=40, **rachel)
    message(owner, "no", day=78, **SMARTRECRUITERS)
    message(owner, "swe", day=150, **WORKDAY)
    message(owner, "rg-next", day=171, **rachel)
    store(owner, result("rg-next", INTERVIEW, "Acme", "", day=171))
    store(owner, result("swe", APPLIED, "Acme", "Software Engineer", day=150))
    store(owner, result("no", Status.REJECTION, "Acme", "", day=78))
    store(owner, result("rg-int", INTERVIEW, "Acme", "Frontend Engineer", day=40))
    store(owner, result("fe", APPLIED, "Acme", "Frontend Engineer"))
    assert groups(owner) == [["fe", "no", "rg-int"], ["rg-next", "swe"]]


def test_a_name_s_nameless_mail_does_not_take_its_thread_to_another_company(owner) -> None:
    # Two recruiters called Jordan Lee, at two companies, both writing from personal
    # mailboxes. Acme's writes first, naming nothing; Initrode's writes days later naming
    # Initrode, and the name joined the nameless mail to Initrode's application. Acme's
    # Workday later turns the candidate down in that thread, naming Acme: the thread, begun by
    # mail naming no company, does not take Acme's turn-down to Initrode; the nameless mail
    # follows the company its thread comes to name.
    jordan = {"name": "Jordan Lee"}
    message(owner, "acme", day=0, **WORKDAY)
    message(owner, "initrode", day=30, **GREENHOUSE)
    message(owner, "jl-acme", day=34, thread="T", sender="jordan.lee46@gmail.com", **jordan)
    message(owner, "jl-ini", day=45, sender="jordan.lee76@gmail.com", **jordan)
    message(owner, "jl-ini-2", day=48, sender="jordan.lee@initrode.example", **jordan)
    message(owner, "acme-no", day=53, thread="T", **WORKDAY)
    store(owner, result("acme-no", Status.REJECTION, "Acme", "", day=53))
    store(owner, result("jl-ini-2", INTERVIEW, "Initrode", "BI Analyst", day=48))
    store(owner, result("jl-ini", Status.INFORMATION_REQUEST, "Initrode", "", day=45))
    store(owner, result("jl-acme", INTERVIEW, "", "", day=34))
    store(
        owner,
        result("initrode", APPLIED, "Initrode", "BI Analyst", day=30),
        result("acme", APPLIED, "Acme", "Data Analyst"),
    )
    assert groups(owner) == [["acme", "acme-no", "jl-acme"], ["initrode", "jl-ini", "jl-ini-2"]]


def test_an_ats_s_turn_down_skips_an_application_waiting_for_months(owner) -> None:
    # Applied to one role in January and heard nothing; applied to another in February, which
    # went on to a test and interviews. Workday's turn-down naming no role in April is about
    # the process that moved, not the application silent for three months.
    message(owner, "quiet", day=0, **WORKDAY)
    message(owner, "fe", day=30, **WORKDAY)
    message(owner, "fe-test", day=45, **WORKDAY)
    message(owner, "fe-int", day=52, **WORKDAY)
    message(owner, "no", day=89, **WORKDAY)
    store(owner, result("no", Status.REJECTION, "Acme", "", day=89))
    store(owner, result("fe-int", INTERVIEW, "Acme", "Frontend Engineer", day=52))
    store(owner, result("fe-test", Status.ASSESSMENT, "Acme", "", day=45))
    store(
        owner,
        result("fe", APPLIED, "Acme", "Frontend Engineer", day=30),
        result("quiet", APPLIED, "Acme", "Data Analyst"),
    )
    assert groups(owner) == [["fe", "fe-int", "fe-test", "no"], ["quiet"]]


def test_mail_naming_its_role_reaches_the_application_an_unsure_turn_down_closed(owner) -> None:
    # Data Analyst applied to through LinkedIn, silent for months, then again through Workday
    # beside a Product Manager application. Workday's turn-down naming no role went to the
    # newer Data Analyst application (it could not tell which); the company's turn-down that
    # names Data Analyst is still that application's, not the one quiet for months — and the
    # unsure turn-down then goes to the other application, turned down once each.
    linkedin = {"sender": "jobs-noreply@linkedin.com", "name": "LinkedIn"}
    message(owner, "old", day=0, **linkedin)
    message(owner, "pm", day=100, **WORKDAY)
    message(owner, "new", day=110, **WORKDAY)
    message(owner, "no", day=117, **WORKDAY)
    message(owner, "da-no", day=134, **WORKDAY)
    store(owner, result("da-no", Status.REJECTION, "Acme", "Data Analyst", day=134))
    store(owner, result("no", Status.REJECTION, "Acme", "", day=117))
    store(
        owner,
        result("new", APPLIED, "Acme", "Data Analyst", day=110),
        result("pm", APPLIED, "Acme", "Product Manager", day=100),
        result("old", APPLIED, "Acme", "Data Analyst"),
    )
    assert groups(owner) == [["da-no", "new"], ["no", "pm"], ["old"]]
