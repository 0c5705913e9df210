"""Export everything in headless Chromium with a real Celery worker: the account page starts
the export, shows it being built, and offers the download once the worker is done, without a
reload by the person (static/privacy/export.js polls)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from google_emulator.testing import EmulatorServer
from mailbox_project.testing import WorkerProcess
from mails.tests.mailboxes import Mailbox
from tests.browser.conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_account_page_follows_the_export_to_its_download(
    browser: Browser,
    live_server: LiveServer,
    mailbox: Mailbox,
    google: EmulatorServer,
    celery_workers: Callable[..., WorkerProcess],
    settings: Any,
    tmp_path: Path,
    artifacts: Path,
) -> None:
    exports = tmp_path / "exports"
    settings.EXPORT_DIR = exports
    mailbox.add(subject="Keep this one", body="A message worth exporting.")
    mailbox.sync()
    celery_workers(
        "exporter",
        queues="maintenance",
        env={"GOOGLE_EMULATOR_URL": google.url, "EXPORT_DIR": str(exports)},
    )
    client = Client()
    client.force_login(mailbox.user)
    context = browser.new_context(viewport={"width": 375, "height": 800}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/account")
        page.get_by_role("button", name="Export everything").click()
        expect(page.locator("#export-progress")).to_contain_text(
            re.compile("Queued|Being built|Download")
        )
        download_link = page.get_by_role("link", name="Download your export")
        expect(download_link).to_be_visible(timeout=60_000)
        page.screenshot(path=artifacts / "export-ready-375.png", full_page=True)
        with page.expect_download() as info:
            download_link.click()
        data = Path(info.value.path()).read_bytes()
    finally:
        context.close()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert b"Subject: Keep this one" in archive.read("messages.mbox")
        assert "as Gmail holds it" in archive.read("README.txt").decode()
