"""The whole path an assistant takes, with the official ``mcp`` client SDK against a live process.

uvicorn serves ``mcp_server.asgi`` (Django + the MCP transport) on port 8197; this test process
plays the person (a browser session signing in through the Google emulator and answering the
consent page) and the assistant (the SDK's OAuth provider and client). It covers discovery from
a 401, dynamic registration, PKCE authorisation, the token exchange, ``tools/list`` and every
tool, refresh rotation, and revocation from the account page in *another* process (this one)
reaching the live process within a second.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
import requests
from django.test import Client as DjangoClient
from mcp.client.auth import OAuthClientProvider
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)
from pydantic import AnyUrl

from accounts.models import User
from analysis import service
from google_emulator.testing import EmulatorServer
from mailbox_project.ids import user_id
from mailbox_project.testing import wait_until
from mails.models import Message
from mails.tests.test_full_sync import run_until_partial
from mcp_server.tests.live import (
    LiveServer,
    csrf_token,
    emulator_config,
    live_server,
    new_browser,
    sign_in,
)
from oauth_server import connected

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REDIRECT = "http://127.0.0.1:33418/callback"
TOOLS = {
    "search_mail",
    "read_message",
    "list_applications",
    "get_application",
    "tracker_summary",
    "upcoming_interviews",
}


class MemoryStorage:
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


class Person:
    """The browser side: answers the consent page the SDK sends the person to."""

    def __init__(self, browser: requests.Session) -> None:
        self.browser = browser
        self.redirect: str | None = None
        self.consents = 0

    async def open(self, authorization_url: str) -> None:
        page = self.browser.get(authorization_url, timeout=10)
        assert page.status_code == 200, page.text
        assert "Mailbox test assistant" in page.text  # the consent page names the client
        consent = re.search(r'name="consent" value="([^"]+)"', page.text)
        assert consent is not None
        form = {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "consent": consent.group(1),
            "decision": "allow",
        }
        answer = self.browser.post(authorization_url, data=form, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        self.redirect = answer.headers["Location"]
        self.consents += 1

    async def callback(self) -> AuthorizationCodeResult:
        assert self.redirect is not None
        assert self.redirect.startswith(REDIRECT)
        params = parse_qs(urlsplit(self.redirect).query)
        return AuthorizationCodeResult(code=params["code"][0], state=params["state"][0])


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator_config()) as server:
        yield server


@pytest.fixture
def live(emulator: EmulatorServer, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(emulator, tmp_path, log_level="info") as server:
        yield server


def fill_mailbox(settings: Any, emulator: EmulatorServer, user: User) -> None:
    """Sync the person's Gmail and analyse it, so the tracker has applications."""
    settings.GMAIL_API_ROOT = emulator.url
    settings.GOOGLE_TOKEN_URL = f"{emulator.url}/token"
    email = user.email
    emulator.emulator.deliver(email, kind="interview_invitation")
    run_until_partial(user)
    ids = list(Message.objects.for_user(user).values_list("gmail_id", flat=True))
    service.analyze(user_id(user), ids)


def text(result: Any) -> str:
    return "\n".join(part.text for part in result.content if getattr(part, "text", None))


async def assistant_session(url: str, provider: OAuthClientProvider) -> dict[str, Any]:
    """Connect with the SDK, list the tools and call each; return what it saw."""
    async with (
        httpx2.AsyncClient(auth=provider, timeout=30) as http,
        Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client,
    ):
        return await call_every_tool(client)


async def call_every_tool(client: Client) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    listed = await client.list_tools()
    seen["tools"] = {tool.name: tool for tool in listed.tools}
    found = await client.call_tool("search_mail", {"query": "interview", "page_size": 5})
    seen["search"] = text(found)
    message_id = re.search(r"^id: (\S+)", seen["search"], re.MULTILINE)
    assert message_id is not None, seen["search"]
    seen["read"] = text(await client.call_tool("read_message", {"id": message_id.group(1)}))
    bad = await client.call_tool("search_mail", {"query": "from:(ana"})
    seen["bad_query"] = (bad.is_error, text(bad))
    other = await client.call_tool("read_message", {"id": "not-mine-0001"})
    seen["other_message"] = (other.is_error, text(other))
    seen["applications"] = text(await client.call_tool("list_applications", {}))
    application_id = re.search(r"^id: ([0-9a-f]{24})", seen["applications"], re.MULTILINE)
    assert application_id is not None, seen["applications"]
    detail = await client.call_tool("get_application", {"id": application_id.group(1)})
    seen["application"] = text(detail)
    needs_action = await client.call_tool("list_applications", {"needs_action": True})
    seen["needs_action"] = text(needs_action)
    seen["summary"] = text(await client.call_tool("tracker_summary", {}))
    seen["interviews"] = text(await client.call_tool("upcoming_interviews", {"days": 30}))
    return seen


async def one_search(url: str, provider: OAuthClientProvider) -> str:
    async with (
        httpx2.AsyncClient(auth=provider, timeout=30) as http,
        Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client,
    ):
        return text(await client.call_tool("search_mail", {"query": "", "page_size": 1}))


def mcp_status(url: str, access_token: str) -> int:
    """POST an initialize to /mcp with a bare bearer token; return the HTTP status."""
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "probe", "version": "1"},
        },
    }
    headers = {
        "Authorization": f"Bearer {access_token}",
        "Accept": "application/json, text/event-stream",
    }
    return requests.post(f"{url}/mcp", json=body, headers=headers, timeout=10).status_code


def test_an_assistant_connects_uses_every_tool_refreshes_and_is_revoked(
    settings: Any, emulator: EmulatorServer, live: LiveServer
) -> None:
    url = live.url
    # Discovery starts from a 401 naming the protected-resource metadata.
    anonymous = requests.post(f"{url}/mcp", json={}, timeout=10)
    assert anonymous.status_code == 401
    challenge = anonymous.headers["WWW-Authenticate"]
    assert f'resource_metadata="{url}/.well-known/oauth-protected-resource/mcp"' in challenge

    browser = new_browser()
    sign_in(browser, url, emulator.emails[0])
    user = User.objects.get(email=emulator.emails[0])
    fill_mailbox(settings, emulator, user)

    person = Person(browser)
    storage = MemoryStorage()
    metadata = OAuthClientMetadata(
        client_name="Mailbox test assistant",
        redirect_uris=[AnyUrl(REDIRECT)],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
    )
    provider = OAuthClientProvider(f"{url}/mcp", metadata, storage, person.open, person.callback)
    seen = asyncio.run(assistant_session(url, provider))

    assert person.consents == 1
    assert storage.client is not None
    assert storage.client.client_id.startswith("mbx_client_")
    assert storage.tokens is not None
    assert storage.tokens.refresh_token
    assert set(seen["tools"]) == TOOLS
    for tool in seen["tools"].values():
        assert tool.description
        assert tool.input_schema["type"] == "object"
        assert tool.annotations.read_only_hint is True
    assert seen["tools"]["search_mail"].input_schema["properties"]["page_size"]["maximum"] == 50
    # Email content is quoted between per-call markers; sender and date stay outside.
    nonce = re.search(r"\[EMAIL ([0-9a-f]+)\]", seen["read"])
    assert nonce is not None
    assert f"[END EMAIL {nonce.group(1)}]" in seen["read"]
    opening = seen["read"].index(f"\n[EMAIL {nonce.group(1)}]\n")
    assert seen["read"].index("\nfrom: ") < opening
    assert seen["read"].index("\ndate: ") < opening
    assert seen["read"].index("Subject: ") > opening
    assert seen["bad_query"][0] is True
    assert "position" in seen["bad_query"][1]
    assert seen["other_message"][0] is True
    assert "No message" in seen["other_message"][1]
    assert "Timeline:" in seen["application"]
    assert "interview_invitation" in seen["interviews"]
    assert '"applications"' in seen["summary"]
    assert "application(s)" in seen["needs_action"]

    # The account page's "last used": the live process's touch, through its buffered store.
    wait_until(lambda: connected.list_for(user)[0].last_used_at, 5, "the last-used touch")

    # Refresh rotation: a new pair; the old access token stops at once, the new one works.
    old = storage.tokens
    rotated = requests.post(
        f"{url}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": old.refresh_token,
            "client_id": storage.client.client_id,
        },
        timeout=10,
    )
    assert rotated.status_code == 200, rotated.text
    storage.tokens = OAuthToken(**rotated.json())
    assert storage.tokens.refresh_token != old.refresh_token
    assert mcp_status(url, old.access_token) == 401
    # A client started afresh from its stored tokens needs no new consent.
    restarted = OAuthClientProvider(f"{url}/mcp", metadata, storage, person.open, person.callback)
    assert "message(s)" in asyncio.run(one_search(url, restarted))
    assert person.consents == 1

    # The person revokes the app on the account page, served by this process: the live
    # process, which has the token cached, refuses it within a second.
    (app,) = connected.list_for(user)
    page = DjangoClient()
    page.force_login(user)
    assert page.post(f"/account/apps/{app.session_id}/revoke").status_code == 302
    revoked_at = time.monotonic()
    wait_until(lambda: mcp_status(url, storage.tokens.access_token) == 401, 1.0, "the revocation")
    print(f"revocation seen by the live process after {time.monotonic() - revoked_at:.3f} s")

    # Nothing secret reached the live process's log: tokens, the code, the client's state.
    code = parse_qs(urlsplit(person.redirect or "").query)["code"][0]
    secrets = (old.access_token, old.refresh_token, storage.tokens.access_token, code)
    log = live.log()
    assert "POST /oauth/token" in log  # the access log was on
    assert not [secret for secret in secrets if secret and secret in log]
