"""The HTTP gate in front of the MCP transport: bearer tokens, audience, scope, rate.

* no token, or an invalid, expired or revoked one → 401 with
  ``WWW-Authenticate: Bearer resource_metadata="<origin>/.well-known/oauth-protected-resource/mcp"``
  so a client discovers the authorisation server by itself (RFC 9728 section 5.1);
* an OAuth token issued for another resource (RFC 8707) → 401 ``invalid_token``;
* a token without any MCP scope, or a ``tools/call`` of a tool whose scope it lacks → 403
  ``insufficient_scope`` naming the scope;
* past ``RATE_LIMIT_MCP`` for this token → 429 with ``Retry-After``.

The caller's ``Principal`` goes into the ASGI scope for the tools. Nothing here logs a token.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mcp_server import ratelimit
from mcp_server.principal import Principal, principal_for
from mcp_server.server import PRINCIPAL_KEY, TOOL_SCOPES
from oauth_server.scopes import SCOPES, base_url, mcp_resource

MAX_BODY = 4 * 1024 * 1024


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def _bearer(scope: Scope) -> str:
    kind, _, token = _header(scope, b"authorization").partition(" ")
    return token.strip() if kind.lower() == "bearer" else ""


async def _answer(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]
) -> None:
    data = json.dumps(body).encode()
    base = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": base + headers})
    await send({"type": "http.response.body", "body": data})


class BearerGate:
    """ASGI middleware guarding the MCP endpoint."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = base_url(scope.get("scheme", "http"), _header(scope, b"host") or "localhost")
        metadata_url = f"{origin}/.well-known/oauth-protected-resource/mcp"
        token = _bearer(scope)
        principal = await anyio.to_thread.run_sync(principal_for, token) if token else None
        if principal is None or (
            principal.client_id and principal.resource != mcp_resource(origin)
        ):
            description = "A valid access token for this server is required."
            challenge = f'Bearer error="invalid_token", resource_metadata="{metadata_url}"'
            if not token:
                challenge = f'Bearer resource_metadata="{metadata_url}"'
            await _answer(
                send,
                401,
                {"error": "invalid_token", "error_description": description},
                [(b"www-authenticate", challenge.encode())],
            )
            return
        if not principal.scopes & set(SCOPES):
            await self._forbidden(send, " ".join(SCOPES), metadata_url)
            return
        retry_after = await anyio.to_thread.run_sync(ratelimit.hit, principal.session_id)
        if retry_after:
            await _answer(
                send,
                429,
                {"error": "rate_limited", "error_description": "Too many requests."},
                [(b"retry-after", str(retry_after).encode())],
            )
            return
        replay = await self._checked_body(scope, receive, send, principal, metadata_url)
        if replay is None:
            return
        scope[PRINCIPAL_KEY] = principal
        await self.app(scope, replay, send)

    async def _forbidden(self, send: Send, needed: str, metadata_url: str) -> None:
        challenge = (
            f'Bearer error="insufficient_scope", scope="{needed}", '
            f'resource_metadata="{metadata_url}"'
        )
        await _answer(
            send,
            403,
            {"error": "insufficient_scope", "error_description": f"Requires scope {needed}."},
            [(b"www-authenticate", challenge.encode())],
        )

    async def _checked_body(
        self, scope: Scope, receive: Receive, send: Send, principal: Principal, metadata_url: str
    ) -> Receive | None:
        """Read a POST body to see which tool it calls; return a receive that replays it."""
        if scope.get("method") != "POST":
            return receive
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return receive
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > MAX_BODY:
                await _answer(send, 413, {"error": "request_too_large"}, [])
                return None
        body = b"".join(chunks)
        needed = _tool_scope(body)
        if needed is not None and needed not in principal.scopes:
            await self._forbidden(send, needed, metadata_url)
            return None
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay


def _tool_scope(body: bytes) -> str | None:
    """Return the scope a JSON-RPC ``tools/call`` body needs (None: any other message)."""
    try:
        message = json.loads(body)
    except ValueError:
        return None  # the transport answers malformed JSON itself
    messages = message if isinstance(message, list) else [message]
    for item in messages:
        if isinstance(item, dict) and item.get("method") == "tools/call":
            params = item.get("params")
            name = params.get("name") if isinstance(params, dict) else None
            return TOOL_SCOPES.get(str(name))
    return None
