"""Small HTTP and waiting helpers shared by the emulator's tests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from google_emulator.testing import EmulatorServer

READONLY = "https://www.googleapis.com/auth/gmail.readonly"
MODIFY = "https://www.googleapis.com/auth/gmail.modify"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def call(
    server: EmulatorServer,
    method: str,
    path: str,
    *,
    token: str | None = None,
    query: dict[str, Any] | list[tuple[str, str]] | None = None,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """Make one HTTP request to the emulator and return status, headers and body."""
    url = server.url + path
    if query:
        url += "?" + urlencode(query, doseq=True)
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    data = body
    if json_body is not None:
        data = json.dumps(json_body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    elif form is not None:
        data = urlencode(form).encode()
        all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    request = urllib.request.Request(url, data=data, headers=all_headers, method=method)
    try:
        with _opener.open(request, timeout=10) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, dict(exc.headers), exc.read())


def token_for(server: EmulatorServer, email: str | None = None, *scopes: str) -> str:
    """Return a fresh access token (default scopes include gmail.readonly)."""
    email = email or server.emails[0]
    if scopes:
        return str(server.emulator.issue_tokens(email, scopes)["access_token"])
    return str(server.emulator.issue_tokens(email)["access_token"])


def wait_for(predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.01) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def assert_google_error(reply: Reply, status: int, reason: str | None = None) -> dict[str, Any]:
    """Assert ``reply`` is Google's error shape with this status (and reason)."""
    assert reply.status == status, reply.body[:300]
    body = reply.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == status
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["status"], str)
    assert error["status"].isupper()
    assert error["errors"]
    assert {"message", "domain", "reason"} <= set(error["errors"][0])
    if reason is not None:
        assert error["errors"][0]["reason"] == reason
    return dict(error)
