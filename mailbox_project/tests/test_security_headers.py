"""Content-Security-Policy on every page, no inline script, and no caching of private data.

Issue 11: ``default-src 'self'`` with no inline script (the sync banner's script is a static
file), and ``Cache-Control: private, no-store`` on message pages, the mail and application APIs
and exports, so no shared cache or browser disk keeps someone's mail.
"""

from __future__ import annotations

import re

import pytest

from accounts import api_tokens
from analysis.classify import Status
from mails.tests.mailboxes import Mailbox
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def assert_strict_page(response) -> None:
    assert response.status_code == 200, response.status_code
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    html = response.content.decode()
    assert INLINE_SCRIPT.findall(html) == []
    assert EVENT_HANDLER.findall(html) == []
    assert STYLE_ATTRIBUTE.findall(html) == []


def assert_private(response) -> None:
    parts = {p.strip() for p in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= parts, response["Cache-Control"]


@pytest.fixture
def mail_id(mailbox: Mailbox) -> str:
    gmail_id = mailbox.add(subject="Interview at Zephyr", body="See you on Monday")
    mailbox.sync()
    return gmail_id


def test_the_sign_in_page_has_the_policy_and_no_inline_script(client) -> None:
    assert_strict_page(client.get("/sign_in"))


def test_every_signed_in_page_has_the_policy_and_no_inline_script(
    signed_in,
    mailbox: Mailbox,
    mail_id: str,
) -> None:
    store(mailbox.user, result("m1", Status.APPLICATION_CONFIRMATION, "Acme", "Engineer"))
    pages = ["/mails", "/mails?q=zephyr", f"/mails/{mail_id}", "/applications"]
    pages += ["/applications/dashboard", "/applications/not-job", "/account", "/account/tokens"]
    for page in pages:
        assert_strict_page(signed_in.get(page))


def test_the_sync_banner_script_is_a_static_file(signed_in, mailbox: Mailbox) -> None:
    html = signed_in.get("/mails").content.decode()
    assert 'id="sync-banner"' in html
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert any(src.endswith("mails/sync_banner.js") for src in sources), sources


def test_the_admin_has_the_policy(client, staff) -> None:
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert directives(response)["default-src"] == "'self'"


def test_private_pages_apis_and_exports_are_never_stored(
    signed_in,
    mailbox: Mailbox,
    mail_id: str,
) -> None:
    store(mailbox.user, result("m1", Status.APPLICATION_CONFIRMATION, "Acme", "Engineer"))
    for url in [f"/mails/{mail_id}", "/mails?q=zephyr", "/applications/export.csv"]:
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert_private(response)

    issued = api_tokens.create(mailbox.user, "script", days=1)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {issued.access_token}"}
    for url in ["/api/mails", f"/api/mails/{mail_id}", "/api/applications"]:
        response = signed_in.get(url, **bearer)
        assert response.status_code == 200, url
        assert_private(response)
    # Errors carry private detail too (and must not be cached as the answer either).
    assert_private(signed_in.get("/api/mails/doesnotexist", **bearer))
