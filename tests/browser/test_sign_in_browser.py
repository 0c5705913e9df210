"""Google sign-in in a real browser: the sign-in page, the emulator's consent page, back to mail.

The same flow as ``accounts/tests/test_sign_in.py``, but clicked through in headless Chromium
against pytest-django's live server, with screenshots of every step in ``artifacts/browser/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from google_emulator.testing import EmulatorServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_consent_page(page: Page, live_server: LiveServer, google: EmulatorServer) -> None:
    page.goto(f"{live_server.url}/sign_in")
    expect(page.get_by_role("heading", name="Sign in to Mailbox")).to_be_visible()
    expect(page.locator("#demo-note")).to_contain_text("Demo mode")
    page.locator("#sign-in-google").click()
    page.wait_for_url(re.compile(re.escape(f"{google.url}/o/oauth2/auth?")))
    expect(page.locator("#emulator-banner")).to_have_text("Google emulator — demo accounts")


def test_sign_in_with_google_and_sign_out(
    page: Page,
    live_server: LiveServer,
    google: EmulatorServer,
    artifacts: Path,
    http_errors: list[str],
) -> None:
    page.goto(f"{live_server.url}/sign_in")
    sign_in_button = page.locator("#sign-in-google")
    expect(sign_in_button).to_have_text("Sign in with Google")
    expect(page.locator("header.topbar")).not_to_contain_text("Sign out")
    page.screenshot(path=artifacts / "sign_in.png", full_page=True)

    _open_consent_page(page, live_server, google)
    accounts = page.locator("input[type=radio][data-email]")
    expect(accounts).to_have_count(len(google.emails))
    first = accounts.first
    email = first.get_attribute("data-email")
    assert email == google.emails[0]
    first.check()
    expect(first).to_be_checked()
    page.screenshot(path=artifacts / "consent.png", full_page=True)

    page.locator("#allow").click()
    page.wait_for_url(f"{live_server.url}/mails")
    expect(page).to_have_title(re.compile(r"^Mail · Mailbox$"))
    header = page.locator("header.topbar")
    expect(header).to_contain_text(email)
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", name="Mail", exact=True)).to_be_visible()
    page.screenshot(path=artifacts / "mails.png", full_page=True)
    # The browser's sign-in created the account the header names.
    assert User.objects.filter(email=email).exists()

    header.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/sign_in")
    expect(page.locator("ul.flash")).to_contain_text("You are signed out.")
    expect(page.locator("header.topbar")).not_to_contain_text(email)
    expect(page.locator("#sign-in-google")).to_be_visible()
    page.screenshot(path=artifacts / "signed_out.png", full_page=True)

    # Signed out for real: the mail page sends the browser back to sign in.
    page.goto(f"{live_server.url}/mails")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/sign_in")))
    assert http_errors == []


def test_denying_consent_returns_to_sign_in_with_a_message(
    page: Page,
    live_server: LiveServer,
    google: EmulatorServer,
    artifacts: Path,
    http_errors: list[str],
) -> None:
    _open_consent_page(page, live_server, google)
    page.locator("#deny").click()
    page.wait_for_url(f"{live_server.url}/sign_in")
    expect(page.locator("ul.flash")).to_contain_text("You cancelled the Google sign-in")
    expect(page.locator("header.topbar")).not_to_contain_text("Sign out")
    page.screenshot(path=artifacts / "denied.png", full_page=True)
    assert not User.objects.exists()
    assert http_errors == []
