"""Logs carry no secrets and no searches (issue 11).

A full session — Google sign-in, a search, the API with a bearer token and with Basic
credentials — runs against a real gunicorn started with our configuration, and through the
Django test client with the configured LOGGING; neither log may contain the OAuth code or
state, any token the emulator or Mailbox issued, the Basic credentials, or the search words.
"""

from __future__ import annotations

import base64
import io
import logging
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from django.conf import settings

from accounts import api_tokens
from accounts.models import User
from accounts.tests import oauth_flow
from mailbox_project.logredact import RedactSecrets, redact
from mailbox_project.testing import LIVE_SERVER_PORTS, process_environment, wait_until

SEARCH_WORD = "zanzibarquux"
BASIC = base64.b64encode(b"someone@example.com:hunter2-basic-secret").decode()


def test_redact_covers_the_shapes_secrets_come_in() -> None:
    line = '"GET /complete/google-oauth2/?state=St4te&code=4/0Abc-d HTTP/1.1" 302 0'
    assert redact(line) == (
        '"GET /complete/google-oauth2/?state=[redacted]&code=[redacted] HTTP/1.1" 302 0'
    )
    assert redact("/mails?q=from:boss+salary&page=2") == "/mails?q=[redacted]&page=2"
    assert redact("Authorization: Bearer mbx_abc.DEF-123") == "Authorization: Bearer [redacted]"
    assert redact("authorization: basic dXNlcjpwYXNz") == "authorization: basic [redacted]"
    assert redact('{"access_token": "ya29.x", "expires_in": 3599}') == (
        '{"access_token": "[redacted]", "expires_in": 3599}'
    )
    assert redact("{'refresh_token': '1//0x'}") == "{'refresh_token': '[redacted]'}"
    # Ordinary words that merely contain a parameter name are left alone.
    assert redact("unique=1 barcode=2 faq=3") == "unique=1 barcode=2 faq=3"


def issued_secrets(google) -> list[str]:
    tokens = google.emulator.tokens
    return [*tokens.access_tokens, *tokens.refresh_tokens]


def assert_clean(log: str, secrets: list[str]) -> None:
    # As written, and as they appear in a URL (an OAuth code holds a "/").
    leaked = [s for s in secrets if s and (s in log or quote(s, safe="") in log)]
    assert leaked == [], f"secrets in the log: {leaked}\n{log[-3000:]}"
    assert SEARCH_WORD not in log


# --- In process: the LOGGING configuration ---------------------------------------------------


@contextmanager
def configured_log() -> Iterator[io.StringIO]:
    """Send the configured root handlers (those with RedactSecrets) to a buffer."""
    handlers = [
        h
        for h in logging.root.handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, RedactSecrets) for f in h.filters)
    ]
    assert handlers, "LOGGING attaches RedactSecrets to the root handlers"
    buffer = io.StringIO()
    previous = [h.setStream(buffer) for h in handlers]
    level = logging.root.level
    logging.root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        logging.root.setLevel(level)
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


@pytest.mark.django_db(transaction=True)
def test_the_configured_logs_of_a_session_hold_no_secret(client, google) -> None:
    with configured_log() as log:
        callback = oauth_flow.consent(oauth_flow.begin(client), google.emails[0])
        query = parse_qs(urlsplit(callback).query)
        # What runserver and request-logging middleware print: the full request line.
        logging.getLogger("django.server").info('"GET %s HTTP/1.1" 302 0', callback)
        assert oauth_flow.complete(client, callback)["Location"] == "/mails"
        assert client.get("/mails", {"q": SEARCH_WORD}).status_code == 200
        user = User.objects.get(email=google.emails[0])
        issued = api_tokens.create(user, "script", days=1)
        bearer = f"Bearer {issued.access_token}"
        assert client.get("/api/mails", HTTP_AUTHORIZATION=bearer).status_code == 200
        logging.getLogger("mails").warning("request headers: Authorization: %s", bearer)
        basic = client.get(f"/api/mails?q={SEARCH_WORD}", HTTP_AUTHORIZATION=f"Basic {BASIC}")
        assert basic.status_code == 401
    text = log.getvalue()
    assert "django.server" in text  # the handler really printed
    secrets = [*issued_secrets(google), issued.access_token, BASIC, query["code"][0]]
    assert_clean(text, [*secrets, query["state"][0]])


# --- A real gunicorn with mailbox_project/gunicorn_config.py -----------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Gunicorn:
    def __init__(self, port: int, log_path: Path, emulator_url: str) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        command = [
            sys.executable, "-m", "gunicorn", "-c", "python:mailbox_project.gunicorn_config",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "mailbox_project.wsgi:application",
        ]  # fmt: skip
        env = process_environment(GOOGLE_EMULATOR_URL=emulator_url)
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until(self.answers, 60, "gunicorn to answer")

    def answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{self.log()}")
        try:
            return requests.get(f"{self.url}/sign_in", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> str:
        self.process.terminate()
        self.process.wait(timeout=30)
        return self.log()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class Browser:
    """Cookies by hand: the session cookie is Secure (production settings) on plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if not url.startswith("http"):
            url = self.base + url
        response = requests.request(
            method, url, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response


@pytest.fixture
def gunicorn(google, tmp_path: Path, live_server_port: int) -> Iterator[Gunicorn]:
    server = Gunicorn(live_server_port, tmp_path / "gunicorn.log", google.url)
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def live_server_port(request: pytest.FixtureRequest) -> int:
    """A port the emulator accepts redirects to (conftest's) that nothing listens on yet.

    Not the live server's own port: once any test has used pytest-django's session-wide live
    server it still listens there, and it would answer in gunicorn's place. Taken from the top
    of the range: ``make test`` runs a second pytest beside this one whose live server takes
    the bottom (8089) and may not have started yet.
    """
    address = str(request.config.getoption("liveserver") or "127.0.0.1:8089")
    taken = int(address.rsplit(":", 1)[1])
    for port in reversed(LIVE_SERVER_PORTS):
        if port != taken and _free(port):
            return port
    raise AssertionError(f"no free port among {list(LIVE_SERVER_PORTS)}")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_gunicorn_logs_of_a_session_hold_no_secret(gunicorn: Gunicorn, google) -> None:
    browser = Browser(gunicorn.url)
    page = browser.request("GET", "/sign_in")
    csrf = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    begun = browser.request("POST", "/login/google-oauth2/", data={"csrfmiddlewaretoken": csrf})
    assert begun.status_code == 302, begun.text
    callback = oauth_flow.consent(begun.headers["Location"], google.emails[0])
    query = parse_qs(urlsplit(callback).query)
    assert browser.request("GET", callback).headers["Location"] == "/mails"
    assert browser.request("GET", f"/mails?q={SEARCH_WORD}").status_code == 200

    user = User.objects.get(email=google.emails[0])
    issued = api_tokens.create(user, "script", days=1)
    bearer = {"Authorization": f"Bearer {issued.access_token}"}
    assert browser.request("GET", f"/api/mails?q={SEARCH_WORD}", headers=bearer).status_code == 200
    basic = {"Authorization": f"Basic {BASIC}", "Referer": f"{gunicorn.url}/mails?q={SEARCH_WORD}"}
    assert browser.request("GET", "/api/mails", headers=basic).status_code == 401

    log = gunicorn.stop()
    assert '"GET /mails HTTP/1.1" 200' in log  # the access log is on, without the query
    assert '"GET /complete/google-oauth2/ HTTP/1.1" 302' in log
    secrets = [*issued_secrets(google), issued.access_token, BASIC, "someone@example.com"]
    assert_clean(log, [*secrets, query["code"][0], query["state"][0]])
