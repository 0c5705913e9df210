"""The tracker's workflow in headless Chromium with JavaScript on: add an application by hand,
edit it, write a note and a next action, drag its card across the board (and move one with
the keyboard), then read the dashboard. No request fails and the page logs no error (a CSP
violation would). Screenshots: workflow-add.png, workflow-application.png, workflow-board.png,
workflow-dashboard.png in ``artifacts/browser/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from analysis.status import Status
from tests.browser.conftest import TIMEOUT_MS, _call_report
from tracker.models import JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    live_server: LiveServer,
    browser: Browser,
    artifacts: Path,
    http_errors: list[str],
    console_errors: list[str],
    owner: User,
) -> Iterator[Page]:
    """A page signed in as ``owner``, JavaScript on."""
    client = Client()
    client.force_login(owner)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    new_page = context.new_page()

    def record(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            http_errors.append(f"{response.status} {response.request.method} {response.url}")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    new_page.on("response", record)
    new_page.on("console", console)
    try:
        yield new_page
        report = request.node.stash.get(_call_report, None)
        if report is not None and report.failed:
            new_page.screenshot(path=artifacts / f"failed-{request.node.name}.png", full_page=True)
    finally:
        context.close()


def column(page: Page, key: str) -> Locator:
    return page.locator(f'.board-column[data-column="{key}"]')


def test_add_edit_notes_board_and_dashboard(
    page: Page,
    live_server: LiveServer,
    owner: User,
    artifacts: Path,
    http_errors: list[str],
    console_errors: list[str],
) -> None:
    store(
        owner,
        result("a1", Status.APPLICATION_CONFIRMATION, "Acme", "Backend Engineer", day=0),
        result("a2", Status.ASSESSMENT, "Acme", "Backend Engineer", day=3),
        result("g1", Status.APPLICATION_CONFIRMATION, "Globex", "Data Analyst", day=1),
    )
    page.goto(f"{live_server.url}/applications")
    page.get_by_role("link", name="Add application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an application")
    page.get_by_label("Company").fill("Umbrella")
    page.get_by_label("Position").fill("Platform Engineer")
    page.get_by_label("Date applied").fill("2026-11-20")
    page.get_by_label("Source").select_option(label="Referral")
    page.get_by_label("Salary range").fill("90–100k USD")
    page.get_by_label("On site / remote").select_option(label="Remote")
    page.screenshot(path=artifacts / "workflow-add.png", full_page=True)
    page.get_by_role("button", name="Add application").click()
    expect(page.locator("ul.flash")).to_contain_text("Application added.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Umbrella")
    expect(page.locator("#source")).to_have_text("Referral")

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Salary range").fill("110k USD")
    page.get_by_label("Location").fill("Lisbon")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("ul.flash")).to_contain_text("Application saved.")
    expect(page.locator(".facts")).to_contain_text("110k USD")
    expect(page.locator(".facts")).to_contain_text("Lisbon · Remote")

    page.get_by_label("Note").fill("Ada said the team is hiring two.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".notes .note")).to_contain_text("Ada said the team is hiring two.")
    page.get_by_label("Next action").fill("Prepare for interview")
    page.get_by_label("Due").fill("2026-12-10")
    page.locator("#next-action").get_by_role("button", name="Save").click()
    expect(page.locator("ul.flash")).to_contain_text("Next action saved.")
    page.screenshot(path=artifacts / "workflow-application.png", full_page=True)

    # The board: drag Umbrella from Applied to Interview; the move is saved.
    page.goto(f"{live_server.url}/applications/board")
    card = column(page, "applied").locator(".board-card", has_text="Umbrella")
    card.drag_to(column(page, "interview"))
    moved = column(page, "interview").locator(".board-card", has_text="Umbrella")
    expect(moved).to_have_count(1)
    expect(page.locator("#board-status")).to_have_text("Umbrella moved to Interview.")
    # The column its only card left says so, as one rendered empty does.
    expect(column(page, "applied").locator(".empty")).to_be_visible()
    expect(column(page, "interview").locator(".empty")).to_be_hidden()
    umbrella = JobApplication.objects.get(user=owner, company="Umbrella")
    assert umbrella.status == Status.INTERVIEW_INVITATION
    # The keyboard: the moved card keeps the focus; → takes it one column further (Offer).
    expect(moved).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(column(page, "offer").locator(".board-card", has_text="Umbrella")).to_have_count(1)
    # Silent applications wait in the derived "No response" column.
    expect(column(page, "no_response").locator(".board-card")).to_have_count(2)
    page.screenshot(path=artifacts / "workflow-board.png", full_page=True)
    page.reload()
    expect(column(page, "offer").locator(".board-card", has_text="Umbrella")).to_have_count(1)
    umbrella.refresh_from_db()
    assert umbrella.status == Status.OFFER

    page.goto(f"{live_server.url}/applications/dashboard")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.locator("#due")).to_contain_text("Prepare for interview")
    expect(page.locator("#conversion tbody tr")).to_have_count(5)
    expect(page.locator("#sources")).to_contain_text("Referral")
    page.get_by_label("From").fill("2026-11-01")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"since=2026-11-01"))
    expect(page.locator("#stat-applications")).to_have_text("1")  # Umbrella alone
    expect(page.locator("#conversion tbody tr").last).to_contain_text("Offer")
    page.screenshot(path=artifacts / "workflow-dashboard.png", full_page=True)
    # At a laptop's width every card's content fits in it: nothing spills or needs scrolling.
    overflowing = page.eval_on_selector_all(
        ".charts > .card, .charts .table-scroll",
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.id || e.className)",
    )
    assert overflowing == []
    assert http_errors == []
    assert console_errors == []
