"""Delete my account: nothing of the person is left in any collection or Redis key, Google's
grant is revoked, and another person's data is untouched."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from bson import ObjectId
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from accounts import api_tokens
from accounts.models import AuditEvent, User
from accounts.tokens.factory import get_token_store
from analysis import service as analysis_service
from mailbox_project.ids import user_id
from mailbox_project.mongo import get_database
from mailbox_project.redis import connection
from mails import images
from mails.models import Message
from mails.tests.mailboxes import Mailbox
from privacy import export as exports
from privacy import storage
from privacy.tasks import build_export
from tracker.models import ApplicationNote, Correction, JobApplication

pytestmark = pytest.mark.django_db


def _values(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _values(item)
    else:
        yield value


def traces(user: User) -> dict[str, int]:
    """Documents per collection holding the person's id, or their email, in any field at any
    depth. Mail that another person received from or sent to them is that person's: there
    only the id counts."""
    oid, email = ObjectId(str(user.pk)), user.email.lower()
    found: dict[str, int] = {}
    database = get_database()
    for name in database.list_collection_names():
        for document in database[name].find():
            owner = document.get("user_id")
            someone_elses = owner is not None and str(owner) != str(oid)
            if any(
                value == oid
                or (
                    isinstance(value, str)
                    and (str(oid) in value or (not someone_elses and email in value.lower()))
                )
                for value in _values(document)
            ):
                found[name] = found.get(name, 0) + 1
    sessions = [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(oid)
    ]
    if sessions:
        found["django_session (decoded)"] = len(sessions)
    return found


def redis_keys(user: User) -> list[bytes]:
    return list(connection().scan_iter(match=f"*{user.pk}*", count=1000))


def fill(mailbox: Mailbox, client: Client) -> None:
    """Give the person data everywhere: mail, labels, analyses, tracker, tokens, a session, an
    export, a sender's images, an audit event, cached search pages."""
    mailbox.add(subject="Your application to Acme", body="Thanks for applying to Acme.")
    mailbox.sync()
    user = mailbox.user
    uid = user_id(user)
    ids = list(Message.objects.for_user(user).values_list("gmail_id", flat=True))
    analysis_service.analyze(uid, ids)
    app = JobApplication.objects.create(
        user=user, company="Acme", position="Dev", status="applied", manual=True
    )
    ApplicationNote.objects.create(user=user, application=app, text=f"note by {user.email}")
    Correction.objects.create(user=user, message_id=ids[0], company="Acme")
    api_tokens.create(user, "script", 30)
    images.allow(uid, "ana@lima.example")
    AuditEvent.objects.create(user=user, actor_email="staff@example.com", what="message")
    build_export.apply(args=[str(exports.start(user).pk)])
    client.force_login(user)
    assert client.get("/mails", {"q": "acme"}).status_code == 200
    assert client.get("/applications").status_code == 200


def test_deleting_leaves_nothing_and_spares_the_other_person(
    mailbox: Mailbox, other_mailbox: Mailbox
) -> None:
    person, other = mailbox.user, other_mailbox.user
    me, them = Client(), Client()
    fill(mailbox, me)
    fill(other_mailbox, them)
    credentials = get_token_store().load_provider_credentials(str(person.pk), "google")
    assert credentials is not None
    before_mine, before_theirs = traces(person), traces(other)
    assert {"messages", "labels", "email_analysis_cache", "job_applications", "users"} <= set(
        before_mine
    )
    assert redis_keys(person)
    export_files = list(storage.export_dir().iterdir())
    theirs_on_disk = [
        p for p in export_files if p.name in {e.file_name for e in other.dataexport_set.all()}
    ]

    refused = me.post("/account/delete", {"email": "someone@else.example"})
    assert refused.status_code == 400
    assert traces(person) == before_mine

    response = me.post("/account/delete", {"email": person.email.upper()})
    assert response.status_code == 302
    assert traces(person) == {}
    assert redis_keys(person) == []
    assert not User.objects.filter(pk=person.pk).exists()
    # Google's grant is revoked: its refresh token no longer buys an access token.
    answer = requests.post(
        settings.GOOGLE_TOKEN_URL,
        data={
            "grant_type": "refresh_token",
            "refresh_token": credentials.refresh_token,
            "client_id": settings.GOOGLE_CLIENT_ID,
            "client_secret": settings.GOOGLE_CLIENT_SECRET,
        },
        timeout=10,
    )
    assert answer.status_code == 400
    # Only their own export file went.
    assert sorted(storage.export_dir().iterdir()) == sorted(theirs_on_disk)
    # The other person: every document, session and key as before.
    assert traces(other) == before_theirs
    assert redis_keys(other)
    assert them.get("/mails", {"q": "acme"}).status_code == 200
    # The deleted person's browser is signed out.
    assert me.get("/mails").status_code == 302


def test_a_deleted_staff_member_stays_named_in_the_audit_log_they_left(
    owner: User, staff: User
) -> None:
    AuditEvent.objects.create(user=owner, actor=staff, actor_email=staff.email, what="message")
    client = Client()
    client.force_login(staff)
    assert client.post("/account/delete", {"email": staff.email}).status_code == 302
    event = AuditEvent.objects.get(user=owner)
    assert (event.actor, event.actor_email) == (None, staff.email)
    # Their address stays only inside the owner's record of who looked (the owner's data).
    assert traces(staff) == {}


def test_deletion_needs_a_post_with_csrf(owner: User) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post("/account/delete", {"email": owner.email}).status_code == 403
    assert User.objects.filter(pk=owner.pk).exists()
    page = strict.get("/account/delete")
    assert page.status_code == 200
    assert "Type your email address to confirm" in page.content.decode()


def test_the_account_page_offers_export_and_deletion(owner: User) -> None:
    client = Client()
    client.force_login(owner)
    page = client.get("/account").content.decode()
    assert 'id="start-export"' in page
    assert 'href="/account/delete"' in page
