"""The workflow pages: add and edit by hand, notes, next action, follow up, attach and detach,
the board and the settings. Each one is the signed-in user's only, and every POST needs its
CSRF token."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from analysis.status import Status
from mailbox_project.ids import user_id
from tracker import grouping
from tracker.models import (
    ApplicationEmail,
    ApplicationNote,
    Correction,
    JobApplication,
    TrackerSettings,
)
from tracker.tests.tracker_factory import START, result, store

pytestmark = pytest.mark.django_db

APPLIED = Status.APPLICATION_CONFIRMATION
NEW = {
    "company": "Umbrella",
    "position": "Platform Engineer",
    "status": APPLIED,
    "applied_on": "2026-03-05",
    "source": "referral",
    "link": "https://jobs.umbrella.example/42",
    "salary_range": "90-100k USD",
    "location": "Berlin",
    "work_mode": "hybrid",
    "contact": "Ada <ada@umbrella.example>",
}


def add(client: Client, **changes: str) -> JobApplication:
    response = client.post("/applications/new", {**NEW, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    return JobApplication.objects.get(pk=response["Location"].rsplit("/", 1)[1])


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def test_an_application_is_added_by_hand_and_edited(signed_in, owner) -> None:
    assert signed_in.get("/applications/new").status_code == 200
    refused = signed_in.post("/applications/new", {**NEW, "company": "", "link": "not a url"})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert not JobApplication.objects.exists()
    application = add(signed_in)
    assert application.manual
    assert application.user_id == owner.pk
    assert (application.source, application.work_mode, application.applied_on) == (
        "referral",
        "hybrid",
        date(2026, 3, 5),
    )
    page = signed_in.get(f"/applications/{application.pk}").content.decode()
    assert "Referral" in page
    assert "90-100k USD" in page
    assert "Berlin · Hybrid" in page
    # The same names again are refused: the person already tracks them.
    again = signed_in.post("/applications/new", NEW)
    assert again.status_code == 400
    assert "You already track Umbrella" in again.content.decode()

    edited = signed_in.post(
        f"/applications/{application.pk}/edit",
        {**NEW, "position": "Staff Platform Engineer", "salary_range": "110k", "source": ""},
    )
    assert edited.status_code == 302
    application.refresh_from_db()
    assert (application.position, application.salary_range, application.source) == (
        "Staff Platform Engineer",
        "110k",
        "",
    )


def test_a_hand_made_application_outlives_regrouping_and_mail_joins_it(signed_in, owner) -> None:
    application = add(signed_in, company="Acme", position="Backend Engineer")
    store(owner, result("g1", APPLIED, "Globex", "Analyst"))
    grouping.rebuild(user_id(owner))
    assert JobApplication.objects.filter(pk=application.pk).exists()
    store(owner, result("a1", Status.ASSESSMENT, "ACME Inc.", "backend engineer", day=6))
    email = ApplicationEmail.objects.get(user=owner, message_id="a1")
    assert email.application_id == application.pk
    application.refresh_from_db()
    assert application.status == Status.ASSESSMENT
    # The day applied set by hand wins over the timeline's (which has no confirmation).
    assert application.applied_at is not None
    assert application.applied_at.date() == date(2026, 3, 5)
    # With an email on it, it is not deleted.
    signed_in.post(f"/applications/{application.pk}/delete")
    assert JobApplication.objects.filter(pk=application.pk).exists()


def test_a_hand_made_application_without_mail_can_be_deleted(signed_in) -> None:
    application = add(signed_in)
    assert signed_in.post(f"/applications/{application.pk}/delete").status_code == 302
    assert not JobApplication.objects.filter(pk=application.pk).exists()


def test_hand_made_applications_go_with_their_user_and_count_on_the_dashboard(
    signed_in, owner
) -> None:
    application = add(signed_in)  # applied on 5 March 2026, a Thursday: week of 2 March
    ApplicationNote.objects.create(user=owner, application=application, text="x")
    weekly = signed_in.get("/applications/dashboard").context["figures"].weekly
    assert [(week.start, week.count) for week in weekly] == [(date(2026, 3, 2), 1)]
    owner.delete()
    assert not JobApplication.objects.filter(pk=application.pk).exists()
    assert not ApplicationNote.objects.exists()


def test_notes_next_action_follow_up_and_the_due_list(signed_in, owner) -> None:
    application = add(signed_in)
    base = f"/applications/{application.pk}"
    assert signed_in.post(f"{base}/notes", {"text": "   "}).status_code == 400
    signed_in.post(f"{base}/notes", {"text": "Spoke to Ada, <b>nice</b>"})
    note = ApplicationNote.objects.get(application=application)
    page = signed_in.get(base).content.decode()
    assert "Spoke to Ada, &lt;b&gt;nice&lt;/b&gt;" in page
    assert signed_in.post(f"{base}/notes/{note.pk}/delete").status_code == 302
    assert not ApplicationNote.objects.exists()

    refused = signed_in.post(f"{base}/next-action", {"action": "", "due": "2026-04-01"})
    assert refused.status_code == 400
    signed_in.post(f"{base}/next-action", {"action": "Prepare for interview", "due": "2026-04-01"})
    for url in ("/applications", "/applications/dashboard"):
        due = signed_in.get(url).content.decode().split('id="due"')[1].split("</section>")[0]
        assert "Prepare for interview" in due
        assert "Umbrella" in due
    signed_in.post(f"{base}/follow-up")
    application.refresh_from_db()
    assert (application.next_action, application.next_action_due) == (
        "Follow up",
        timezone.localdate(),
    )
    signed_in.post(f"{base}/next-action", {"action": "", "next": "/applications"})
    application.refresh_from_db()
    assert (application.next_action, application.next_action_due) == ("", None)


def test_silence_shows_no_response_without_changing_the_status(signed_in, owner) -> None:
    store(owner, result("a1", APPLIED, "Acme", "Engineer", day=0))  # months before now
    application = JobApplication.objects.get(user=owner)
    page = signed_in.get(f"/applications/{application.pk}").content.decode()
    assert 'id="ghosted"' in page
    assert 'id="follow-up"' in page
    application.refresh_from_db()
    assert application.status == APPLIED
    waited = (timezone.now() - application.last_activity_at).days
    response = signed_in.post(
        "/applications/settings", {"ghost_after_days": str(waited + 5), "digest_enabled": ""}
    )
    assert response.status_code == 302
    assert TrackerSettings.objects.get(user=owner).ghost_after_days == waited + 5
    assert 'id="ghosted"' not in signed_in.get(f"/applications/{application.pk}").content.decode()
    assert signed_in.post("/applications/settings", {"ghost_after_days": "0"}).status_code == 400


def test_emails_are_attached_and_detached(signed_in, owner) -> None:
    store(
        owner,
        result("a1", APPLIED, "Acme", "Engineer", day=0),
        result("g1", APPLIED, "Globex", "Analyst", day=1),
        result("g2", Status.ASSESSMENT, "Globex", "Analyst", day=2),
    )
    acme = JobApplication.objects.get(user=owner, company="Acme")
    globex = JobApplication.objects.get(user=owner, company="Globex")
    assert (
        signed_in.post(f"/applications/{acme.pk}/attach", {"message_id": "a1"}).status_code == 400
    )
    signed_in.post(f"/applications/{acme.pk}/attach", {"message_id": "g2"})
    assert ApplicationEmail.objects.get(user=owner, message_id="g2").application_id == acme.pk
    # Regrouping keeps it there.
    grouping.rebuild(user_id(owner))
    assert ApplicationEmail.objects.get(user=owner, message_id="g2").application_id == acme.pk
    # Detaching an attached email gives it back to its analysis (Globex).
    signed_in.post(f"/applications/{acme.pk}/emails/g2/detach")
    assert ApplicationEmail.objects.get(user=owner, message_id="g2").application_id == globex.pk
    # Detaching one the analysis put here takes it off the tracker (restorable).
    signed_in.post(f"/applications/{globex.pk}/emails/g1/detach")
    assert not ApplicationEmail.objects.filter(user=owner, message_id="g1").exists()
    assert Correction.objects.get(user=owner, message_id="g1").not_job


def test_the_board_moves_cards_by_form_and_by_script(signed_in, owner) -> None:
    application = add(signed_in)
    board = signed_in.get("/applications/board").content.decode()
    assert 'data-column="applied"' in board
    assert "Umbrella" in board
    url = f"/applications/{application.pk}/move"
    assert signed_in.post(url, {"status": Status.INTERVIEW_INVITATION}).status_code == 302
    application.refresh_from_db()
    assert (application.status, application.status_override) == (Status.INTERVIEW_INVITATION,) * 2
    answer = signed_in.post(url, {"status": Status.REJECTION}, HTTP_ACCEPT="application/json")
    assert answer.json() == {"status": "rejection", "label": "Rejected"}
    bad = signed_in.post(url, {"status": "hired"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400
    board = signed_in.get("/applications/board").content.decode()
    rejected = board.split('data-column="rejected"')[1].split("</section>")[0]
    assert "Umbrella" in rejected


def test_a_cards_move_form_starts_at_the_column_it_sits_in(signed_in, owner) -> None:
    # An information request is no column's status: the card sits under screening, and its
    # form must offer screening first, not the list's first choice (Applied).
    now = (timezone.now() - START).days  # days after the factory's START: lately, not silent
    store(
        owner,
        result("q1", APPLIED, "Acme", "Engineer", day=now - 3),
        result("q2", Status.INFORMATION_REQUEST, "Acme", "Engineer", day=now - 1),
    )
    board = signed_in.get("/applications/board").content.decode()
    screening = board.split('data-column="screening"')[1].split("</section>")[0]
    assert "Acme" in screening
    assert f'<option value="{Status.ASSESSMENT}" selected>' in screening


@pytest.fixture
def others_application(other_user, owner):
    """``owner``'s application with a note and an email, which ``other_user`` tries to reach."""
    store(owner, result("a1", APPLIED, "Acme", "Engineer"))
    application = JobApplication.objects.get(user=owner)
    note = ApplicationNote.objects.create(user=owner, application=application, text="mine")
    return application, note


def _post_urls(application: JobApplication, note: ApplicationNote) -> dict[str, dict[str, str]]:
    base = f"/applications/{application.pk}"
    return {
        f"{base}/edit": NEW,
        f"{base}/delete": {},
        f"{base}/notes": {"text": "x"},
        f"{base}/notes/{note.pk}/delete": {},
        f"{base}/next-action": {"action": "x"},
        f"{base}/follow-up": {},
        f"{base}/move": {"status": APPLIED},
        f"{base}/attach": {"message_id": "a1"},
        f"{base}/emails/a1/detach": {},
    }


def test_another_user_gets_404_everywhere(client, other_user, others_application) -> None:
    application, note = others_application
    client.force_login(other_user)
    assert client.get(f"/applications/{application.pk}/edit").status_code == 404
    for url, data in _post_urls(application, note).items():
        assert client.post(url, data).status_code == 404, url
    assert ApplicationNote.objects.filter(pk=note.pk).exists()
    application.refresh_from_db()
    assert application.next_action == ""
    assert application.status == APPLIED


def test_every_post_needs_its_csrf_token(owner, others_application) -> None:
    application, note = others_application
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    urls = {
        **_post_urls(application, note),
        "/applications/new": NEW,
        "/applications/settings": {"ghost_after_days": "5"},
        "/applications/settings/feed": {},
        "/applications/settings/feed/revoke": {},
        "/applications/interviews/scan": {},
    }
    for url, data in urls.items():
        assert client.post(url, data).status_code == 403, url
    assert ApplicationNote.objects.filter(pk=note.pk).exists()
    assert JobApplication.objects.filter(user=owner).count() == 1
    assert not TrackerSettings.objects.filter(user=owner, ghost_after_days=5).exists()


def test_the_pages_need_a_sign_in(client) -> None:
    for url in ("/applications/new", "/applications/board", "/applications/settings"):
        assert client.get(url).status_code == 302


def test_a_next_action_due_date_is_a_date(signed_in) -> None:
    application = add(signed_in)
    bad = signed_in.post(
        f"/applications/{application.pk}/next-action", {"action": "x", "due": "tomorrow"}
    )
    assert bad.status_code == 400
    assert "Enter a valid date." in bad.content.decode()
