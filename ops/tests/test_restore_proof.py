"""The proof: two synced, analysed, tracked mailboxes with API tokens survive losing everything.

Two people's Gmail is synced from the emulator, analysed, grouped by the tracker; each has an
API token. A backup is made; MongoDB (this test's database) and Redis (this test's database)
are wiped; the backup is restored. Searches (API and page), tracker pages, the tracker API with
the same tokens, and the decrypted Google tokens are then exactly what they were.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from accounts import api_tokens
from accounts.tokens.factory import get_uncached_token_store, reset_token_stores
from analysis import service
from mailbox_project.mongo import get_database
from mailbox_project.redis import connection
from mails.models import Message
from mails.tests.mailboxes import Mailbox
from ops.backup import create_backup
from ops.restore import from_backup, restore
from tracker.models import JobApplication

pytestmark = pytest.mark.slow

QUERIES = ("", "applying", "interview OR offer", "is:unread", "from:careers")
# Not data: CSRF tokens are masked afresh per response, and data-version is the mailbox's
# write counter in Redis (a cache-key part that restarts with a wiped Redis).
VOLATILE = re.compile(r'(csrfmiddlewaretoken" value=|csrf-token" content=|data-version=)"[^"]*"')


def _apply(mailbox: Mailbox, company: str, position: str) -> None:
    mailbox.add(
        subject=f"Thank you for applying to {company}",
        body=(
            f"Dear candidate,\n\nThank you for applying for the {position} position at "
            f"{company}. We have received your application and will review it shortly.\n"
        ),
        sender=f"{company} Careers <careers@{company.lower()}.example>",
    )
    mailbox.add(
        subject=f"Interview invitation: {position} at {company}",
        body=(
            f"Hello,\n\nWe would like to invite you to an interview for the {position} "
            f"role at {company}. Please pick a time that suits you.\n"
        ),
        sender=f"{company} Careers <careers@{company.lower()}.example>",
    )


def _every_page(client: Client, query: str, auth: dict[str, str]) -> list[Any]:
    """Return every result of ``query``, following cursors (signed with a time: not compared)."""
    results: list[Any] = []
    params = {"q": query, "page_size": "20"}
    while True:
        response = client.get("/api/mails", params, **auth)
        assert response.status_code == 200, response.content
        page = response.json()
        results.extend(page["results"])
        if not page["next_cursor"]:
            return results
        params["cursor"] = page["next_cursor"]


def _observe(client: Client, people: list[tuple[Mailbox, str]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for mailbox, token in people:
        user = mailbox.user
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        for query in QUERIES:
            seen[f"{user.email} api/mails {query}"] = _every_page(client, query, auth)
        response = client.get("/api/applications", **auth)
        seen[f"{user.email} api/applications"] = (response.status_code, response.json())
        client.force_login(user)
        paths = ["/applications", "/mails?q=applying"] + [
            f"/applications/{app.pk}" for app in JobApplication.objects.filter(user=user)
        ]
        for path in paths:
            response = client.get(path)
            seen[f"{user.email} {path}"] = (response.status_code, VOLATILE.sub("", response.text))
        client.logout()
        credentials = get_uncached_token_store().load_provider_credentials(str(user.pk), "google")
        assert credentials is not None
        seen[f"{user.email} google"] = (credentials.access_token, credentials.refresh_token)
    return seen


def test_everything_is_identical_after_wipe_and_restore(
    transactional_db, mailbox, other_mailbox, tmp_path
) -> None:
    _apply(mailbox, "Acme", "Backend Engineer")
    _apply(other_mailbox, "Globex", "Data Analyst")
    people = []
    for box in (mailbox, other_mailbox):
        box.sync()
        ids = list(Message.objects.filter(user=box.user).values_list("gmail_id", flat=True))
        service.run(box.user.pk, ids)
        people.append((box, api_tokens.create(box.user, "script", days=30).access_token))
    assert JobApplication.objects.filter(user=mailbox.user).exists()
    assert JobApplication.objects.filter(user=other_mailbox.user).exists()
    client = Client()
    before = _observe(client, people)
    assert before[f"{mailbox.user.email} api/mails applying"]
    assert len(before[f"{mailbox.user.email} api/mails "]) > 20  # several pages
    key = Fernet.generate_key().decode()
    backup = create_backup(get_database(), tmp_path, key=key)

    db = get_database()
    for name in db.list_collection_names():
        db.drop_collection(name)
    connection().flushdb()
    reset_token_stores()
    wiped = client.get("/api/applications", HTTP_AUTHORIZATION=f"Bearer {people[0][1]}")
    assert wiped.status_code == 401

    report = restore(db, from_backup(backup.path), key=key)
    assert all(c.matches for c in report.collections)
    assert _observe(client, people) == before
