"""The HTTP gate before the MCP transport: 401 with resource metadata, audience, 403, 429."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings
from starlette.types import Message, Receive, Scope, Send

from accounts import api_tokens
from accounts.models import User
from accounts.tokens.factory import get_token_store
from mcp_server.gate import BearerGate
from mcp_server.principal import Principal
from mcp_server.server import PRINCIPAL_KEY
from oauth_server.tests.flow import HOST, grant

pytestmark = pytest.mark.django_db
METADATA = f"http://{HOST}/.well-known/oauth-protected-resource/mcp"


class Inner:
    """Stands for the SDK's transport: records who got through and what body it read."""

    def __init__(self) -> None:
        self.principal: Principal | None = None
        self.body = b""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.principal = scope[PRINCIPAL_KEY]
        message = await receive()
        self.body = message.get("body", b"")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def call(gate: BearerGate, token: str | None, body: dict[str, Any] | None = None) -> Any:
    headers = [(b"host", HOST.encode())]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    data = json.dumps(body or {"jsonrpc": "2.0", "id": 1, "method": "ping"}).encode()
    scope = {"type": "http", "method": "POST", "path": "/mcp", "scheme": "http", "headers": headers}
    sent: list[Message] = []
    chunks = [{"type": "http.request", "body": data[:5], "more_body": True},
              {"type": "http.request", "body": data[5:], "more_body": False}]  # fmt: skip

    async def receive() -> Message:
        return chunks.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(gate(scope, receive, send))
    start = sent[0]
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}


def tool_call(name: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name}}


@pytest.fixture
def signed(owner: User) -> Client:
    browser = Client(HTTP_HOST=HOST)
    browser.force_login(owner)
    return browser


def test_no_token_is_401_pointing_at_the_resource_metadata() -> None:
    status, headers = call(BearerGate(Inner()), None)
    assert status == 401
    assert headers["www-authenticate"] == f'Bearer resource_metadata="{METADATA}"'


def test_a_bad_token_is_401_invalid_token() -> None:
    status, headers = call(BearerGate(Inner()), "mbx_at_nothing")
    assert status == 401
    assert 'error="invalid_token"' in headers["www-authenticate"]
    assert f'resource_metadata="{METADATA}"' in headers["www-authenticate"]


def test_a_granted_token_gets_through_with_its_body_intact(signed: Client, owner: User) -> None:
    inner = Inner()
    _, token = grant(signed)
    status, _ = call(BearerGate(inner), token["access_token"], tool_call("search_mail"))
    assert status == 200
    assert inner.principal is not None
    assert inner.principal.user_id == str(owner.pk)
    assert json.loads(inner.body)["params"]["name"] == "search_mail"


def test_a_token_for_another_resource_is_refused(signed: Client) -> None:
    _client_id, token = grant(signed)
    store = get_token_store()
    record = store.load_session_by_token(token["access_token"])
    assert record is not None
    store.store_session(replace(record, resource="https://other.example/mcp"))
    status, headers = call(BearerGate(Inner()), token["access_token"])
    assert status == 401
    assert 'error="invalid_token"' in headers["www-authenticate"]


def test_a_tool_outside_the_granted_scope_is_403(signed: Client) -> None:
    _, token = grant(signed, scope="applications.read")
    gate = BearerGate(Inner())
    assert call(gate, token["access_token"], tool_call("list_applications"))[0] == 200
    status, headers = call(gate, token["access_token"], tool_call("read_message"))
    assert status == 403
    assert 'error="insufficient_scope", scope="mail.read"' in headers["www-authenticate"]


def test_personal_tokens_work_with_their_own_scope_names(owner: User) -> None:
    personal = api_tokens.create(owner, "script", days=1)
    inner = Inner()
    assert call(BearerGate(inner), personal.access_token, tool_call("search_mail"))[0] == 200
    assert inner.principal is not None
    assert inner.principal.scopes == {"mail.read", "applications.read"}


@override_settings(RATE_LIMIT_MCP=(3, 60))
def test_past_the_per_token_limit_is_429_with_retry_after(signed: Client) -> None:
    _, first = grant(signed)
    _, second = grant(signed)
    gate = BearerGate(Inner())
    for _ in range(3):
        assert call(gate, first["access_token"])[0] == 200
    status, headers = call(gate, first["access_token"])
    assert status == 429
    assert 1 <= int(headers["retry-after"]) <= 60
    # Per token: the person's other connection is not held back.
    assert call(gate, second["access_token"])[0] == 200


def test_an_expired_token_is_401(signed: Client) -> None:
    _, token = grant(signed)
    store = get_token_store()
    record = store.load_session_by_token(token["access_token"])
    assert record is not None
    past = record.created_at - timedelta(seconds=1)
    store.store_session(replace(record, access_expires_at=past))
    status, headers = call(BearerGate(Inner()), token["access_token"])
    assert status == 401
    assert f'resource_metadata="{METADATA}"' in headers["www-authenticate"]
