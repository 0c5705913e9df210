"""The authorisation server's HTTP endpoints: discovery, registration, consent, tokens.

Protocol answers come from Authlib (``server.py``); these views add what only the app knows:
who is signed in, the consent page, the issuer URL, the resource (RFC 8707) a grant is bound
to, and the registration rate limit. No view logs a token, a code or a query string.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749.errors import OAuth2Error
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import get_usage
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from accounts.models import User
from accounts.tokens.factory import get_token_store
from accounts.tokens.records import StateRecord, new_state
from mailbox_project.redis import UserLock
from oauth_server import connected
from oauth_server.grants import InvalidTargetError, session_id_of
from oauth_server.records import is_loopback
from oauth_server.scopes import DESCRIPTIONS, SCOPES, issuer, mcp_resource
from oauth_server.server import authorization_server, metadata, register_client

logger = logging.getLogger(__name__)

CONSENT_TTL = timedelta(minutes=10)
REFRESH_LOCK_TTL = 10.0
REFRESH_LOCK_WAIT = 5.0


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    # Metadata is public and the same for everyone; clients on other origins fetch it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def authorization_server_metadata(request: HttpRequest) -> JsonResponse:
    """RFC 8414 metadata at ``/.well-known/oauth-authorization-server``."""
    return _json(metadata(issuer(request)))


@require_GET
def protected_resource_metadata(request: HttpRequest) -> JsonResponse:
    """RFC 9728 metadata of the MCP server (also under the resource's path, as 9728 inserts it)."""
    origin = issuer(request)
    return _json(
        {
            "resource": mcp_resource(origin),
            "authorization_servers": [origin],
            "scopes_supported": list(SCOPES),
            "bearer_methods_supported": ["header"],
            "resource_name": "Mailbox",
        }
    )


def _registration_limited(request: HttpRequest) -> int:
    """Count one registration from this address; return Retry-After seconds when over."""
    rate: tuple[int, int] | None = settings.OAUTH_REGISTRATION_RATE
    if rate is None:
        return 0
    try:
        usage = get_usage(
            request, group="mailbox.oauth_register", key="ip", rate=rate, increment=True
        )
    except (ConnectionInterrupted, RedisError, OSError) as exc:
        logger.warning("registration rate limit not applied: Redis is unavailable (%s)", exc)
        return 0
    if usage is None or not usage["should_limit"]:
        return 0
    return max(1, int(usage["time_left"]) + 1)


# RFC 7591 members and their JSON types; Authlib checks values, not always types.
TEXT_MEMBERS = ("client_name", "client_uri", "scope", "token_endpoint_auth_method", "logo_uri")
LIST_MEMBERS = ("redirect_uris", "grant_types", "response_types", "contacts")


def _metadata_problem(body: dict[str, Any]) -> str | None:
    """Return why registration metadata is malformed (a member of the wrong type), if it is."""
    for name in TEXT_MEMBERS:
        if name in body and not isinstance(body[name], str):
            return f"{name} must be a string."
    for name in LIST_MEMBERS:
        value = body.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f"{name} must be a list of strings."
    return None


@csrf_exempt
@require_POST
def register(request: HttpRequest) -> HttpResponse:
    """RFC 7591 dynamic client registration, limited per address (``OAUTH_REGISTRATION_RATE``)."""
    retry_after = _registration_limited(request)
    if retry_after:
        response = _json(
            {"error": "rate_limited", "error_description": "Too many registrations; retry later."},
            429,
        )
        response["Retry-After"] = str(retry_after)
        return response
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    problem = "Send a JSON object." if not isinstance(body, dict) else _metadata_problem(body)
    if problem:
        return _json({"error": "invalid_client_metadata", "error_description": problem}, 400)
    answer: HttpResponse = register_client(authorization_server(), issuer(request), request)
    return answer


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    """The token endpoint: authorization_code (PKCE) and refresh_token (rotating) grants.

    A refresh runs under the grant's Redis lock, so two requests with one refresh token are
    judged one after the other: the second sees a retired token (a replay), never the same
    current one twice. Without Redis the refresh runs unlocked (logged).
    """
    server = authorization_server()
    grant_id = None
    if request.POST.get("grant_type") == "refresh_token":
        grant_id = session_id_of(request.POST.get("refresh_token", ""))
    if grant_id is None:
        response: HttpResponse = server.create_token_response(request)
        return response
    lock = UserLock("oauth-refresh", grant_id, ttl=REFRESH_LOCK_TTL, on_lost="warn")
    try:
        held = lock.acquire(REFRESH_LOCK_WAIT)
    except RedisError as exc:
        logger.warning("refresh not serialised: Redis is unavailable (%s)", type(exc).__name__)
        refreshed: HttpResponse = server.create_token_response(request)
        return refreshed
    if not held:
        busy = {"error": "temporarily_unavailable", "error_description": "Retry the refresh."}
        return _json(busy, 503)
    with lock:
        locked: HttpResponse = server.create_token_response(request)
        return locked


@csrf_exempt
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    """RFC 7009 revocation: either token of a grant ends the whole grant."""
    response: HttpResponse = authorization_server().create_endpoint_response("revocation", request)
    return response


def _resource(grant: Any, origin: str) -> str:
    """Return the resource the request names (default: the MCP server); refuse any other."""
    wanted = grant.request.payload.data.get("resource") or mcp_resource(origin)
    if wanted.rstrip("/") != mcp_resource(origin):
        raise InvalidTargetError(
            "Mailbox issues tokens only for its MCP server.",
            redirect_uri=grant.redirect_uri,
            state=grant.request.payload.state,
        )
    return mcp_resource(origin)


def _sign_in_first(request: HttpRequest) -> HttpResponse:
    # social-auth returns to the session's "next" after Google sign-in: come back here.
    request.session["next"] = request.get_full_path()
    return redirect(settings.LOGIN_URL)


def _consent_state(user: User, grant: Any, resource: str) -> str:
    now = timezone.now()
    record, state = new_state(
        now=now,
        ttl=CONSENT_TTL,
        redirect_uri=grant.redirect_uri,
        client_id=grant.client.get_client_id(),
        user_id=str(user.pk),
        scopes=tuple(grant.request.scope.split()),
        code_challenge=grant.request.payload.data.get("code_challenge", ""),
        resource=resource,
    )
    get_token_store().store_state(record)
    return state


def _matches(record: StateRecord | None, user: User, grant: Any, resource: str) -> bool:
    """Return whether the consent form answers exactly the request being authorised."""
    return (
        record is not None
        and record.user_id == str(user.pk)
        and record.client_id == grant.client.get_client_id()
        and record.redirect_uri == grant.redirect_uri
        and record.scopes == tuple(grant.request.scope.split())
        and record.code_challenge == grant.request.payload.data.get("code_challenge", "")
        and record.resource == resource
    )


def authorize(request: HttpRequest) -> HttpResponse:
    """Show the consent page (GET) and answer it (POST, CSRF-protected, one-time)."""
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    if request.method not in {"GET", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    user = request.user
    assert isinstance(user, User)
    server = authorization_server()
    try:
        # Authlib validates client, redirect URI, response type, scope and PKCE here.
        grant = server.get_consent_grant(request, end_user=user)
        resource = _resource(grant, issuer(request))
    except OAuth2Error as error:
        return _authorization_error(request, error)
    grant.request.resource = resource
    if request.method == "GET":
        return _consent_page(request, grant, _consent_state(user, grant, resource))
    record = get_token_store().consume_state(request.POST.get("consent", ""))
    if not _matches(record, user, grant, resource):
        return render(request, "oauth_server/error.html", {"message": _EXPIRED}, status=400)
    granted = user if request.POST.get("decision") == "allow" else None
    response: HttpResponse = server.create_authorization_response(request, granted, grant)
    return response


_EXPIRED = "This consent page has expired or was already answered. Start again from the app."


def _authorization_error(request: HttpRequest, error: OAuth2Error) -> HttpResponse:
    # Errors go back to the client only to a redirect URI it registered (RFC 6749 4.1.2.1);
    # an unknown client or redirect URI is shown here instead, never followed.
    if getattr(error, "redirect_uri", None):
        response: HttpResponse = authorization_server().handle_error_response(request, error)
        return response
    message = error.description or error.error
    return render(request, "oauth_server/error.html", {"message": message}, status=400)


def _consent_page(request: HttpRequest, grant: Any, state: str) -> HttpResponse:
    client = grant.client.record
    context = {
        "client_name": client.name,
        "client_uri": client.client_uri,
        "redirect_host": urlsplit(grant.redirect_uri).netloc,
        "redirect_is_local": is_loopback(grant.redirect_uri),
        "scopes": [(name, DESCRIPTIONS[name]) for name in grant.request.scope.split()],
        "consent": state,
        "action": request.get_full_path(),
    }
    return render(request, "oauth_server/consent.html", context)


@login_required
@require_POST
def revoke_connected_app(request: HttpRequest, session_id: str) -> HttpResponse:
    """Revoke one of the signed-in person's grants from the account page."""
    user = request.user
    assert isinstance(user, User)
    connected.revoke(user, session_id)
    return redirect(reverse("accounts:account") + "#connected-apps")
