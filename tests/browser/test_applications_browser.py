"""The applications tracker in headless Chromium, with JavaScript off: it must not need it.

A signed-in person filters and sorts their applications, opens one, corrects an email and
views the dashboard; screenshots go to ``artifacts/browser/`` (applications.png,
application.png, dashboard.png).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from analysis.classify import Status
from tests.browser.conftest import TIMEOUT_MS, _call_report
from tracker.tests.tracker_factory import result, store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLIED = Status.APPLICATION_CONFIRMATION


def seed(user: User) -> None:
    store(
        user,
        result("a1", APPLIED, "Acme Inc.", "Backend Engineer", day=0),
        result("a2", Status.ASSESSMENT, "Acme", "Backend Engineer", day=3, details="Take-home"),
        result(
            "a3",
            Status.INTERVIEW_INVITATION,
            "ACME",
            "backend engineer",
            day=8,
            details="Onsite on Tuesday at 10:00 with the platform team",
        ),
        result("g1", APPLIED, "Globex", "Data Analyst", day=1),
        result("g2", Status.REJECTION, "Globex", "Data Analyst", day=12),
        result("h1", APPLIED, "Hooli", "Product Designer", day=9),
        result("i1", APPLIED, "Initech", "Site Reliability Engineer (SRE)", day=15),
        result("i2", Status.INTERVIEW_INVITATION, "Initech", "", day=20),
        result("u1", APPLIED, "Umbrella", "ML Engineer", day=22),
        result("u2", Status.OFFER, "Umbrella", "ML Engineer", day=40),
    )


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    live_server: LiveServer,
    browser: Browser,
    artifacts: Path,
    http_errors: list[str],
    owner: User,
) -> Iterator[Page]:
    """A page signed in as ``owner``, with JavaScript disabled."""
    client = Client()
    client.force_login(owner)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US", java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    new_page = context.new_page()

    def record(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            http_errors.append(f"{response.status} {response.request.method} {response.url}")

    new_page.on("response", record)
    try:
        yield new_page
        report = request.node.stash.get(_call_report, None)
        if report is not None and report.failed:
            new_page.screenshot(path=artifacts / f"failed-{request.node.name}.png", full_page=True)
    finally:
        context.close()


def expect_companies(page: Page, names: list[str]) -> None:
    """Wait until the table lists exactly these companies, in this order."""
    expect(page.locator("#applications tbody td.company")).to_have_text(names)


def test_filter_sort_open_correct_and_dashboard(
    page: Page, live_server: LiveServer, owner: User, artifacts: Path, http_errors: list[str]
) -> None:
    seed(owner)
    page.goto(f"{live_server.url}/applications")
    expect(page).to_have_title("Applications · Mailbox")
    expect(page.locator("#applications tbody tr")).to_have_count(5)
    expect_companies(page, ["Umbrella", "Initech", "Globex", "Hooli", "Acme Inc."])
    expect(page.locator("#applications .badge.status-offer")).to_have_text("Offer")
    page.screenshot(path=artifacts / "applications.png", full_page=True)

    # Filter by status (a plain GET form), then sort by company through the header link.
    page.get_by_label("Status").select_option(label="Interview")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"status=interview_invitation"))
    expect_companies(page, ["Initech", "Acme Inc."])
    page.get_by_role("link", name=re.compile("^Company")).click()
    expect(page).to_have_url(re.compile(r"sort=company"))
    expect_companies(page, ["Acme Inc.", "Initech"])
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Company")

    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(f"{live_server.url}/applications")
    page.get_by_label("Search").fill("engineer")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"q=engineer"))
    expect_companies(page, ["Umbrella", "Initech", "Acme Inc."])

    # One application: its timeline in date order, each email linking to its mail page.
    page.get_by_role("link", name="Acme Inc.", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Inc.")
    items = page.locator("ol.timeline > li")
    expect(items).to_have_count(3)
    expect(items.nth(2).locator("a.subject")).to_have_attribute("href", "/mails/a3")
    expect(items.nth(2)).to_contain_text("Onsite on Tuesday")
    expect(page.locator(".app-header .badge")).to_have_text("Interview")

    # Correct the last email's status without JavaScript: <details> opens natively.
    items.nth(2).locator("summary").click()
    items.nth(2).get_by_label("Status").select_option(label="Offer")
    items.nth(2).get_by_role("button", name="Save correction").click()
    expect(page.locator("ul.flash")).to_contain_text("Email corrected.")
    expect(page.locator(".app-header .badge")).to_have_text("Offer")
    expect(items.nth(2).locator(".tag")).to_have_text("corrected")
    page.screenshot(path=artifacts / "application.png", full_page=True)

    page.get_by_role("link", name="← All applications").click()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.locator("#stat-applications")).to_have_text("5")
    expect(page.get_by_role("img", name="Application funnel")).to_be_visible()
    page.screenshot(path=artifacts / "dashboard.png", full_page=True)
    assert http_errors == []
