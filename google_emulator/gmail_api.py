"""Gmail API v1 request handling: routing, authentication, scopes, quota and faults.

Paths are exactly those the bundled discovery document gives the real client
(``/gmail/v1/users/{userId}/...``).  Every call goes through :meth:`GmailApi.handle`,
whether it arrived on its own or inside a batch, so it is authenticated, charged and
fault-injected the same way; the methods themselves live in :mod:`gmail_methods`.
Gmail methods the emulator does not implement answer 501.
"""

from __future__ import annotations

import json
import time
from typing import Any

from . import errors
from .errors import ApiError, bad_request, not_found
from .fields import FieldsError, apply_fields, parse_fields
from .gmail_methods import Call, GmailMethods, Route, match_route
from .httpmsg import JSON_TYPE, Request, Response, error_response, json_response
from .quota import AccountGate
from .state import Emulator
from .tokens import AccessToken

COMMON_PARAMS = frozenset(
    {"alt", "fields", "prettyPrint", "quotaUser", "key", "access_token", "oauth_token"}
    | {"$.xgafv", "callback", "upload_protocol", "uploadType", "userIp"}
)
NOT_IMPLEMENTED = ("drafts", "settings", "threads", "messages", "labels")


def _raw_token(req: Request) -> str:
    """Return the bearer token from the Authorization header or the query string."""
    scheme, _, value = req.headers.get("authorization", "").partition(" ")
    raw = value.strip() if scheme.lower() == "bearer" else ""
    return raw or req.param("access_token") or req.param("oauth_token") or ""


class GmailApi(GmailMethods):
    """Routes, authorises and serves Gmail API calls against an :class:`Emulator`."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    # -- pipeline --------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        """Serve one Gmail call (never raises)."""
        gate = None
        try:
            route, user_id, args = self._route(req)
            token = self._authenticate(req)
            if not (token.scopes & route.scopes):
                raise errors.insufficient_scope(route.name)
            email = self._resolve_user(user_id, token)
            gate = self.emulator.gate(email)
            retry_after = gate.charge(route.name)
            if retry_after is not None:
                raise errors.rate_limited(retry_after, gate.limits.exceeded_status)
            if not req.in_batch and not gate.acquire():
                raise errors.rate_limited(1, 429, concurrent=True)
            try:
                response = self._invoke(req, route, email, token, args, gate.fault())
            finally:
                if not req.in_batch:
                    gate.release()
        except ApiError as exc:
            response = error_response(exc)
            if gate is None and exc.code == 401:
                gate = self._owner_gate(req)
        if gate is not None:
            gate.record_status(response.status)
        return response

    def _owner_gate(self, req: Request) -> AccountGate | None:
        """Return the gate of the account an expired or revoked token belongs to."""
        known = self.emulator.tokens.access_tokens.get(_raw_token(req))
        return self.emulator.gate(known.email) if known is not None else None

    def _invoke(
        self,
        req: Request,
        route: Route,
        email: str,
        token: AccessToken,
        args: tuple[str, ...],
        fault: int | None,
    ) -> Response:
        latency = self.emulator.gate(email).limits.latency_ms
        if latency and not req.in_batch:
            time.sleep(latency / 1000)
        if fault is not None:
            raise errors.injected_fault(fault)
        unknown = set(req.query) - COMMON_PARAMS - route.params
        if unknown:
            name = sorted(unknown)[0]
            raise bad_request(
                f'Invalid JSON payload received. Unknown name "{name}": '
                "Cannot bind query parameter. Field '{name}' could not be found in request "
                "message."
            )
        alt = req.param("alt")
        if alt not in (None, "json"):
            raise bad_request(f"Unsupported alt parameter: {alt}")
        call = Call(req, self.emulator.mailbox(email), token, args)
        with self.emulator.lock:
            result = route.handler(self, call)
        return self._respond(req, result)

    @staticmethod
    def _respond(req: Request, result: Any) -> Response:
        if result is None:
            return Response(204, b"", JSON_TYPE)
        fields = req.param("fields")
        if fields:
            try:
                mask = parse_fields(fields)
            except FieldsError as exc:
                raise bad_request(str(exc), "invalidParameter") from None
            data = json.loads(result) if isinstance(result, bytes) else result
            return json_response(apply_fields(data, mask))
        if isinstance(result, bytes):
            return Response(200, result, JSON_TYPE)
        return json_response(result)

    def _route(self, req: Request) -> tuple[Route, str, tuple[str, ...]]:
        parts = req.path.split("/")
        # ['', 'gmail', 'v1', 'users', userId, *rest]
        if len(parts) < 6 or parts[1:4] != ["gmail", "v1", "users"] or not parts[4]:
            raise not_found(f"Not found: {req.path}")
        rest = parts[5:]
        found = match_route(req.method, rest)
        if found is None:
            if rest and rest[0] in NOT_IMPLEMENTED:
                raise ApiError(
                    501,
                    f"{req.method} {req.path} is not implemented by the emulator",
                    "notImplemented",
                )
            raise not_found(f"Not found: {req.method} {req.path}")
        route, args = found
        return route, parts[4], args

    def _authenticate(self, req: Request) -> AccessToken:
        raw = _raw_token(req)
        token = self.emulator.tokens.access(raw) if raw else None
        if token is None:
            raise errors.unauthenticated()
        return token

    def _resolve_user(self, user_id: str, token: AccessToken) -> str:
        if user_id == "me" or user_id.lower() == token.email:
            return token.email
        raise errors.delegation_denied(user_id)
