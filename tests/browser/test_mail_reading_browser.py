"""Reading mail in headless Chromium: the browser's time zone is taken on the first visit,
an HTML mail shows in its sandboxed frame with no script run, and new mail appears in the
list without a reload. Screenshots go to ``artifacts/browser/`` (message_html.png)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from mails.tests.mailboxes import Mailbox
from tests.browser.conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HTML = (
    "<p>Dear <b>Alex</b>,</p><p>see the offer.</p>"
    "<script>document.title='pwned'; parent.document.title='pwned'</script>"
    '<img src="x" onerror="parent.document.title=\'pwned\'">'
)


@pytest.fixture
def tokyo_page(live_server: LiveServer, browser: Browser, mailbox: Mailbox) -> Iterator[Page]:
    """A page signed in as the mailbox's owner, in a browser that says it is in Tokyo."""
    client = Client()
    client.force_login(mailbox.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def wait_for(condition, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_zone_html_frame_and_live_list(
    tokyo_page: Page, live_server: LiveServer, mailbox: Mailbox, artifacts: Path
) -> None:
    message = EmailMessage()
    message["From"] = "Bea <bea@birchwood.example>"
    message["To"] = mailbox.user.email
    message["Subject"] = "Your offer"
    message.set_content("Dear Alex, see the offer.")
    message.add_alternative(HTML, subtype="html")
    gmail_id = mailbox.google.emulator.deliver(mailbox.user.email, message.as_bytes())
    mailbox.sync()
    page = tokyo_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # First visit: the browser's zone is posted once and kept.
    page.goto(f"{live_server.url}/mails")
    wait_for(lambda: User.objects.get(pk=mailbox.user.pk).time_zone == "Asia/Tokyo", "the zone")
    page.wait_for_load_state("load")

    # The HTML shows in its frame; its script never ran, here or in the page.
    page.goto(f"{live_server.url}/mails/{gmail_id}")
    frame = page.frame_locator("#mail-frame")
    expect(frame.locator("p").nth(1)).to_have_text("see the offer.")
    expect(frame.locator("b")).to_have_text("Alex")
    assert page.title() != "pwned"
    assert "JST" in page.locator(".headers time").first.inner_text()
    # The frame is sized to its content (static/mails/mail_frame.js), not left at 70vh.
    wait_for(lambda: page.locator("#mail-frame").bounding_box()["height"] < 400, "the frame size")
    page.screenshot(path=artifacts / "message_html.png", full_page=True)

    # New mail appears in the list without a reload.
    page.goto(f"{live_server.url}/mails")
    page.evaluate("window.__notReloaded = true")
    newer = mailbox.add(subject="Interview on Tuesday", body="10:00 works")
    mailbox.sync()
    expect(page.locator(f'a.row-link[href^="/mails/{newer}"]')).to_be_visible(timeout=30_000)
    assert page.evaluate("window.__notReloaded === true")
    expect(page.locator("#mail-news")).not_to_be_empty()
    assert not [e for e in errors if "Content Security Policy" in e and "mail-frame" not in e]
