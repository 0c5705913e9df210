"""Search in a real browser: sign in with Google, search, page forward, open a message, go back.

Headless Chromium against pytest-django's live server; the mailbox is the emulator's first
account plus 55 delivered messages, copied by the real sync. Screenshots of each step go to
``artifacts/browser/`` (search.png, search_page2.png, message.png).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from google_emulator.testing import EmulatorServer
from mails.tests.mailboxes import email_bytes
from mails.tests.test_full_sync import run_until_partial

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MATCHES = 55  # more than one page of 50


def deliver_orchid_mail(google: EmulatorServer, email: str) -> list[str]:
    """Deliver MATCHES messages about orchids, one minute apart; return their ids, oldest first."""
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=MATCHES + 5)
    ids = []
    for n in range(MATCHES):
        when = start + timedelta(minutes=n)
        raw = email_bytes(
            subject=f"Orchid show update {n}",
            body=f"Greenhouse note {n}: the orchid show opens at https://orchids.example/show/{n}",
            sender="Olga Orchid <olga@orchids.example>",
            to=email,
            attachments=[("programme.pdf", b"%PDF-1.4 programme")] if n % 10 == 0 else (),
            date=when,
        )
        ids.append(google.emulator.deliver(email, raw, internal_date=int(when.timestamp() * 1000)))
    return ids


def sign_in(page: Page, live_server: LiveServer, google: EmulatorServer) -> str:
    """Sign in through the emulator's consent page; return the account's address."""
    page.goto(f"{live_server.url}/sign_in")
    page.locator("#sign-in-google").click()
    page.wait_for_url(re.compile(re.escape(f"{google.url}/o/oauth2/auth?")))
    account = page.locator("input[type=radio][data-email]").first
    email = account.get_attribute("data-email") or ""
    account.check()
    page.locator("#allow").click()
    page.wait_for_url(f"{live_server.url}/mails")
    return email


def test_search_page_forward_and_open_a_message(
    page: Page,
    live_server: LiveServer,
    google: EmulatorServer,
    artifacts: Path,
    http_errors: list[str],
) -> None:
    email = google.emails[0]
    ids = deliver_orchid_mail(google, email)
    assert sign_in(page, live_server, google) == email
    run_until_partial(User.objects.get(email=email))

    # The search box has the focus: typing and Enter is all a search takes.
    page.keyboard.type("orchid -zebra")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/mails\?q=orchid"))
    expect(page).to_have_title("orchid -zebra – Search · Mailbox")
    expect(page.locator("#q")).to_have_value("orchid -zebra")
    rows = page.locator("li.mail-row")
    expect(rows).to_have_count(50)
    expect(page.locator(".results-summary")).to_contain_text("50+ results")
    expect(rows.first.locator(".subject")).to_have_text(f"Orchid show update {MATCHES - 1}")
    expect(rows.first.locator(".subject mark")).to_have_text("Orchid")
    expect(rows.first.locator(".date")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    page.screenshot(path=artifacts / "search.png", full_page=True)

    page.get_by_role("link", name="Older ›").click()
    expect(rows).to_have_count(MATCHES - 50)
    expect(page.locator(".results-summary")).to_contain_text("5 results on this page")
    expect(rows.last.locator(".subject")).to_have_text("Orchid show update 0")
    expect(rows.last.get_by_role("img", name="Has attachments")).to_be_visible()
    expect(page.get_by_role("link", name="Older ›")).to_have_count(0)
    page.screenshot(path=artifacts / "search_page2.png", full_page=True)
    page2_url = page.url

    rows.last.locator("a.row-link").click()
    page.wait_for_url(re.compile(rf"/mails/{ids[0]}\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Orchid show update 0")
    expect(page.locator(".headers")).to_contain_text("Olga Orchid <olga@orchids.example>")
    expect(page.locator(".attachments")).to_contain_text("programme.pdf")
    body = page.locator("#body")
    expect(body.locator("mark").first).to_have_text("orchid")
    link = body.get_by_role("link", name="https://orchids.example/show/0")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(page.get_by_role("link", name="Open in Gmail")).to_have_attribute(
        "href", f"https://mail.google.com/mail/?authuser={email}#all/{ids[0]}"
    )
    page.screenshot(path=artifacts / "message.png", full_page=True)

    page.get_by_role("link", name="‹ Back to the search").click()
    page.wait_for_url(page2_url)
    expect(rows).to_have_count(MATCHES - 50)
    page.get_by_role("link", name="‹ Newer").click()
    expect(rows).to_have_count(50)
    expect(rows.first.locator(".subject")).to_have_text(f"Orchid show update {MATCHES - 1}")
    assert http_errors == []


def test_a_bad_query_is_explained_in_the_page(
    page: Page, live_server: LiveServer, google: EmulatorServer, artifacts: Path
) -> None:
    sign_in(page, live_server, google)
    page.locator("#q").fill('subject:(offer "unclosed')
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This search cannot be run.")
    expect(alert).to_contain_text("position")
    expect(page.locator("#q")).to_have_value('subject:(offer "unclosed')
    page.screenshot(path=artifacts / "search_error.png", full_page=True)
