"""A live Mailbox process for end-to-end tests and the bench: ``uvicorn mcp_server.asgi``.

It shares the test database (``process_environment``) and Redis, and talks to an in-process
Google emulator whose redirect URIs include its port. ``sign_in`` drives Google sign-in with
``requests`` as a browser would: the sign-in form, the emulator's consent, the callback.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from accounts.tests.oauth_flow import consent
from google_emulator.config import EmulatorConfig
from google_emulator.testing import EmulatorServer
from mailbox_project.testing import BASE_DIR, process_environment, wait_until

PORT = 8197


def emulator_config(port: int = PORT, messages: int = 40) -> EmulatorConfig:
    return EmulatorConfig(
        accounts=1,
        messages=messages,
        seed=11,
        quota_units_per_second=None,
        redirect_uris=(f"http://127.0.0.1:{port}/complete/google-oauth2/",),
    )


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _answers(server: LiveServer) -> bool:
    if server.process.poll() is not None:
        raise AssertionError(f"the live server exited:\n{server.log()[-3000:]}")
    try:
        metadata = requests.get(f"{server.url}/.well-known/oauth-authorization-server", timeout=1)
    except requests.RequestException:
        return False
    return metadata.status_code == 200


@contextmanager
def live_server(
    emulator: EmulatorServer,
    log_dir: Path,
    port: int = PORT,
    log_level: str = "warning",
    **env: str,
) -> Iterator[LiveServer]:
    """Run ``uvicorn mcp_server.asgi:application`` on ``port`` until the block ends.

    ``log_level="info"`` keeps uvicorn's access log on, so a test can read what it records.
    """
    log_path = log_dir / f"live-{port}.log"
    command = [
        sys.executable, "-m", "uvicorn", "mcp_server.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", log_level,
    ]  # fmt: skip
    environment = process_environment(
        GOOGLE_EMULATOR_URL=emulator.url, GMAIL_API_ROOT=emulator.url, **env
    )
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_until(lambda: _answers(server), 30, "the live server")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class LoopbackBrowser(requests.Session):
    """A session that, like browsers on a loopback origin, sends Secure cookies over http.

    The live server runs production settings (Secure session and CSRF cookies) on plain http;
    ``requests`` would hold those cookies back, so they are marked sendable before each request.
    """

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        for cookie in self.cookies:
            cookie.secure = False
        return super().prepare_request(request)


def new_browser() -> requests.Session:
    return LoopbackBrowser()


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def sign_in(browser: requests.Session, base_url: str, email: str) -> None:
    """Sign in to the live server through the Google emulator, as a browser does."""
    page = browser.get(f"{base_url}/sign_in", timeout=10)
    assert page.status_code == 200, page.text
    begun = browser.post(
        f"{base_url}/login/google-oauth2/",
        data={"csrfmiddlewaretoken": csrf_token(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert begun.status_code == 302, begun.text
    callback = consent(begun.headers["Location"], email)
    done = browser.get(callback, allow_redirects=False, timeout=30)
    assert done.status_code == 302, done.text
    assert browser.get(f"{base_url}/account", timeout=10).status_code == 200
