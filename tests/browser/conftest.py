"""Fixtures for the browser tests: Debian's headless Chromium driven by Playwright.

Playwright's own browser download is not used: the tests drive ``/usr/bin/chromium`` and skip
with a clear reason when it is not installed. Screenshots go to ``artifacts/browser/`` at the
repository root (git-ignored); a failing test also leaves ``failed-<test>.png`` there.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
# Long enough for a cold live server, short enough that a broken page fails in seconds.
TIMEOUT_MS = 10_000

_call_report = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep the test's own report so the ``page`` fixture can screenshot a failure."""
    report = yield
    if report.when == "call":
        item.stash[_call_report] = report
    return report


@pytest.fixture
def artifacts() -> Path:
    """The directory the browser tests save their screenshots in."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def _allow_orm_next_to_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    # Playwright's sync API runs an asyncio loop on greenlets in the test's own thread, so while
    # it is started asyncio reports a running loop there and Django refuses ORM calls from the
    # test ("You cannot call this from an async context"). The test thread never runs
    # coroutines, so the check is a false alarm here. Set only for the browser tests, and
    # undone after Playwright is stopped (this fixture is set up before ``browser``).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(_allow_orm_next_to_playwright: None) -> Iterator[Browser]:
    """Headless Debian Chromium, one per test.

    Function scope on purpose: stopping Playwright after each test clears the asyncio loop it
    leaves registered in the main thread, which would otherwise trip Django's async-safety
    check in every later (non-browser) test of the session.
    """
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def http_errors() -> list[str]:
    """Every response of 400 or more the page received (a missing stylesheet, a 500...)."""
    return []


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    live_server: object,
    browser: Browser,
    artifacts: Path,
    http_errors: list[str],
) -> Iterator[Page]:
    """A fresh page (own cookies) on the live server; screenshots itself if the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
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
