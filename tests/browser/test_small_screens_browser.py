"""Every main page at a phone's width (375 px) and a desktop's (1280 px), in headless Chromium.

For /mails, a message, /applications, an application, the dashboard, the account page and
"Delete my account": screenshots at both widths (``artifacts/browser/small-<page>-<width>.png``),
no horizontal scroll at 375 px, touch targets (buttons, form fields, navigation, button-links)
at least 44 px tall there, every cell of a table stacked into cards labelled (``data-label``: a
number alone says nothing once the header row is hidden), a visible focus ring on the first
focusable control, and axe-core (npm package, read from ``node_modules``; the page's CSP is
bypassed for the injection only) reports no serious or critical violation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from analysis.classify import Status
from mails.models import Message
from mails.tests.mailboxes import Mailbox
from tests.browser.conftest import TIMEOUT_MS
from tracker.models import JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (375, 1280)
SERIOUS = {"serious", "critical"}
# What a finger must be able to hit at 375 px (WCAG 2.5.5's inline text links are exempt).
TARGETS = (
    "main button, header button, main select, "
    "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    "header a, main a.button, .pager a"
)

_SMALL_TARGETS = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height < 44; })
  .map((el) => {
    const text = (el.textContent || el.value || '').trim().slice(0, 30);
    const height = Math.round(el.getBoundingClientRect().height);
    return `${el.tagName.toLowerCase()}#${el.id}.${el.className} "${text}" ${height}px`;
  })"""
_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# Cells of a table stacked into cards (its header row hidden) that say nothing of what they are:
# a row's first cell names it, a button says itself; every other cell needs its data-label.
_UNLABELLED = """() => Array.from(document.querySelectorAll('table.table'))
  .filter((table) => {
    const head = table.querySelector('thead');
    return head && getComputedStyle(head).position === 'absolute';
  })
  .flatMap((table) => Array.from(table.querySelectorAll('tbody tr')))
  .flatMap((row) => Array.from(row.cells).filter((cell, i) => i > 0 && cell.colSpan === 1
    && !cell.querySelector('button, form') && !cell.hasAttribute('data-label')))
  .slice(0, 5)
  .map((cell) => `${cell.closest('table').parentElement.id || ''} "${cell.textContent.trim()}"`)"""
# The innermost elements sticking out on the right: what a failure names.
_WIDE = """() => Array.from(document.querySelectorAll('main *, header *'))
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
  .filter((el) => !Array.from(el.children).some(
    (child) => child.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5)
  .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.getBoundingClientRect().right}`)"""
_FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {text: el.textContent.trim(), outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth)};
}"""


@pytest.fixture
def context(
    browser: Browser, live_server: LiveServer, mailbox: Mailbox
) -> Iterator[BrowserContext]:
    client = Client()
    client.force_login(mailbox.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    ctx = browser.new_context(locale="en-US", bypass_csp=True)
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    try:
        yield ctx
    finally:
        ctx.close()


def seed(mailbox: Mailbox) -> dict[str, str]:
    """Mail and applications to show; return the pages' paths by short name."""
    mailbox.add(subject="Your application to Acme: next steps", body="We would like to talk.")
    mailbox.sync()
    applied, interview = Status.APPLICATION_CONFIRMATION, Status.INTERVIEW_INVITATION
    store(
        mailbox.user,
        result("a1", applied, "Acme Inc.", "Backend Engineer", day=0),
        result("a2", interview, "Acme Inc.", "Backend Engineer", day=5, details="Tuesday 10:00"),
        result("g1", applied, "Globex Corporation International", "Senior Data Analyst", day=2),
    )
    message = Message.objects.for_user(mailbox.user).order_by("-internal_date").first()
    application = JobApplication.objects.for_user(mailbox.user).first()
    assert message is not None
    assert application is not None
    return {
        "mails": "/mails",
        "message": f"/mails/{message.gmail_id}",
        "applications": "/applications",
        "application": f"/applications/{application.pk}",
        "dashboard": "/applications/dashboard",
        "account": "/account",
        "delete-account": "/account/delete",
    }


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def test_every_page_fits_a_phone_and_passes_axe(
    context: BrowserContext, live_server: LiveServer, mailbox: Mailbox, artifacts: Path
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm install` (scripts/bootstrap.sh does)")
    pages = seed(mailbox)
    problems: dict[str, object] = {}
    page = context.new_page()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for name, path in pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.status == 200, (name, response.status)
            page.screenshot(path=artifacts / f"small-{name}-{width}.png", full_page=True)
            if width == 375:
                overflow = page.evaluate(_OVERFLOW)
                if overflow > 0:
                    problems[f"{name}: horizontal scroll"] = [overflow, *page.evaluate(_WIDE)]
                small = page.evaluate(_SMALL_TARGETS, TARGETS)
                if small:
                    problems[f"{name}: targets under 44px"] = small
                unlabelled = page.evaluate(_UNLABELLED)
                if unlabelled:
                    problems[f"{name}: table cells stacked with no label"] = unlabelled
            if width == 1280:
                # 200% zoom of this window: 640 CSS px wide; nothing may scroll sideways.
                page.set_viewport_size({"width": 640, "height": 400})
                overflow = page.evaluate(_OVERFLOW)
                if overflow > 0:
                    problems[f"{name} @200%: horizontal scroll"] = overflow
                page.set_viewport_size({"width": width, "height": 800})
            violations = serious_violations(page)
            if violations:
                problems[f"{name} @{width}: axe"] = violations
    assert problems == {}, json.dumps(problems, indent=1)


def test_keyboard_focus_is_visible_and_skips_to_content(
    context: BrowserContext, live_server: LiveServer, mailbox: Mailbox
) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/account")
    page.keyboard.press("Tab")
    focused = page.evaluate(_FOCUSED)
    assert focused["text"] == "Skip to content"
    assert focused["outline"] != "none"
    assert focused["width"] >= 2
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "content"
    landmarks = page.evaluate(
        "() => ['header', 'nav', 'main'].map((tag) => document.querySelectorAll(tag).length)"
    )
    assert landmarks == [1, 1, 1]
