"""Support access: staff see metadata; contents need a permission, and every look is audited.

Personas: the owner of the mail, another user, a helpdesk member (staff with the admin's view
permissions but no support access), a support engineer (the same plus support access) and the
superuser (``staff``), who holds every permission.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from analysis.classify import Status
from analysis.models import EmailAnalysis
from mails.models import Message
from tracker.models import JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db

SUBJECT = "Your biopsy results"
BODY = "The lab found nothing worrying in sample 4471."
SNIPPET = "The lab found nothing"
VIEW_PERMISSIONS = (
    "view_message",
    "view_emailanalysis",
    "view_jobapplication",
    "view_applicationemail",
)


def _staff_member(email: str, *codenames: str) -> User:
    user = User.objects.create_user(email=email, password="staff-pass-123!", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def helpdesk(db: None) -> User:
    return _staff_member("helpdesk@example.com", *VIEW_PERMISSIONS)


@pytest.fixture
def support(db: None) -> User:
    return _staff_member("support@example.com", *VIEW_PERMISSIONS, "support_access")


@pytest.fixture
def message(owner: User) -> Message:
    return Message.objects.create(
        user=owner,
        gmail_id="18c0ffee",
        thread_id="t1",
        internal_date=timezone.now(),
        from_address="lab@clinic.example",
        subject=SUBJECT,
        snippet=SNIPPET,
        body_text=BODY,
        attachments=[{"filename": "pathology-report.pdf", "size": 10, "mime_type": "x/y"}],
        size_estimate=2048,
    )


@pytest.fixture
def application(owner: User, other_user: User) -> JobApplication:
    store(
        owner,
        result(
            "m1",
            Status.OFFER,
            "Initech",
            "Staff Plumber",
            subject="Offer: Staff Plumber",
            details="Salary 91,000; start in May",
        ),
    )
    store(other_user, result("x1", Status.REJECTION, "Globex", "Analyst"))
    return JobApplication.objects.for_user(owner).get()


def _page(client: Any, who: User, url: str) -> str:
    client.force_login(who)
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def _message_url(message: Message) -> str:
    return reverse("admin:mails_message_change", args=[message.pk])


def test_helpdesk_sees_a_message_s_metadata_but_not_its_contents(client, helpdesk, message):
    page = _page(client, helpdesk, _message_url(message))
    assert "lab@clinic.example" in page
    assert "18c0ffee" in page
    for content in (SUBJECT, BODY, SNIPPET, "pathology-report.pdf"):
        assert content not in page
    for field in ("field-subject", "field-body_text", "field-snippet", "field-attachments"):
        assert field not in page
    assert not AuditEvent.objects.exists()


def test_helpdesk_cannot_list_or_search_messages_by_subject(client, helpdesk, message):
    changelist = reverse("admin:mails_message_changelist")
    page = _page(client, helpdesk, changelist)
    assert "18c0ffee" in page
    assert SUBJECT not in page
    found = _page(client, helpdesk, f"{changelist}?q=biopsy")
    assert "18c0ffee" not in found
    assert not AuditEvent.objects.exists()


def test_the_history_page_names_the_message_by_id(client, helpdesk, message):
    page = _page(client, helpdesk, reverse("admin:mails_message_history", args=[message.pk]))
    assert SUBJECT not in page


def test_support_access_shows_the_body_and_records_the_look(client, support, owner, message):
    page = _page(client, support, _message_url(message))
    assert BODY in page
    assert SUBJECT in page
    event = AuditEvent.objects.get()
    assert (event.user, event.actor, event.actor_email) == (owner, support, support.email)
    assert (event.what, event.object_id) == (AuditEvent.What.MESSAGE, "18c0ffee")

    _page(client, support, _message_url(message))
    assert AuditEvent.objects.filter(user=owner).count() == 2  # every look, not the first


def test_a_superuser_s_look_is_audited_too(client, staff, owner, message):
    assert BODY in _page(client, staff, _message_url(message))
    assert AuditEvent.objects.filter(user=owner, actor=staff).count() == 1


def test_the_owner_sees_the_look_on_their_account_page_and_no_one_else_does(
    client, support, owner, other_user, message
):
    _page(client, support, _message_url(message))

    mine = _page(client, owner, reverse("accounts:account"))
    assert "Support access to your data" in mine
    assert "support@example.com" in mine
    assert "Opened one of your emails" in mine
    assert reverse("mails:detail", args=["18c0ffee"]) in mine

    theirs = _page(client, other_user, reverse("accounts:account"))
    assert "support@example.com" not in theirs
    assert 'id="no-support-access"' in theirs


def test_a_list_of_subjects_is_one_event_per_person_shown(
    client, support, owner, other_user, message
):
    Message.objects.create(
        user=other_user, gmail_id="other1", thread_id="t", internal_date=timezone.now()
    )
    page = _page(client, support, reverse("admin:mails_message_changelist"))
    assert SUBJECT in page
    events = {e.user_id: e for e in AuditEvent.objects.filter(what="message_list")}
    assert set(events) == {owner.pk, other_user.pk}
    assert events[owner.pk].count == 1


def test_helpdesk_sees_an_analysis_s_status_but_not_its_details(client, helpdesk, application):
    analysis = EmailAnalysis.objects.get(message_id="m1")
    url = reverse("admin:analysis_emailanalysis_change", args=[analysis.pk])
    page = _page(client, helpdesk, url)
    assert "offer" in page
    for detail in ("Initech", "Staff Plumber", "Salary 91,000"):
        assert detail not in page
    assert "Initech" not in _page(
        client, helpdesk, reverse("admin:analysis_emailanalysis_changelist")
    )
    assert not AuditEvent.objects.exists()


def test_support_sees_an_analysis_s_details_and_the_look_is_recorded(
    client, support, owner, application
):
    analysis = EmailAnalysis.objects.get(message_id="m1")
    page = _page(
        client, support, reverse("admin:analysis_emailanalysis_change", args=[analysis.pk])
    )
    assert "Salary 91,000" in page
    event = AuditEvent.objects.get(user=owner)
    assert (event.what, event.object_id) == (AuditEvent.What.ANALYSIS, "m1")


def test_helpdesk_sees_an_application_s_dates_but_not_company_position_or_subjects(
    client, helpdesk, application
):
    url = reverse("admin:tracker_jobapplication_change", args=[application.pk])
    page = _page(client, helpdesk, url)
    assert "field-email_count" in page
    assert "m1: offer" in page  # the timeline, without subjects
    for detail in ("Initech", "initech", "Staff Plumber", "Offer: Staff Plumber"):
        assert detail not in page
    changelist = reverse("admin:tracker_jobapplication_changelist")
    assert "Initech" not in _page(client, helpdesk, changelist)
    assert "Globex" not in _page(client, helpdesk, f"{changelist}?q=globex")
    assert not AuditEvent.objects.exists()


def test_support_sees_the_application_s_timeline_and_the_owner_sees_the_look(
    client, support, owner, other_user, application
):
    url = reverse("admin:tracker_jobapplication_change", args=[application.pk])
    page = _page(client, support, url)
    assert "Initech" in page
    assert "Offer: Staff Plumber" in page
    event = AuditEvent.objects.get()
    assert (event.user, event.what) == (owner, AuditEvent.What.APPLICATION)
    assert event.object_id == str(application.pk)

    account = _page(client, owner, reverse("accounts:account"))
    assert reverse("tracker:detail", args=[str(application.pk)]) in account
    assert str(application.pk) not in _page(client, other_user, reverse("accounts:account"))


def test_staff_cannot_edit_or_delete_the_audit_record(client, staff, support, owner, message):
    _page(client, support, _message_url(message))
    event = AuditEvent.objects.get()
    client.force_login(staff)
    url = reverse("admin:accounts_auditevent_delete", args=[event.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
