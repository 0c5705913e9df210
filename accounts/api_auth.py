"""Authentication for ``/api/...``: the session cookie, or a personal API bearer token.

The bearer path is the hot path: it reads through ``CachingTokenStore`` (no database round trip
on a hit) and records last-used through ``BufferedTokenStore`` (one batched write for many
requests). Tokens are looked up by SHA-256 hash; the clear token is never stored or logged.

Two kinds of session authenticate here: personal API tokens (no client) and OAuth grants an
assistant obtained from ``oauth_server`` (issue 18). A grant counts only while its client is
still registered, and each path asks for its scope (``PATH_SCOPES``): a token without it gets 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from accounts.models import User
from accounts.tokens.factory import get_buffered_token_store, get_token_store
from accounts.tokens.records import SessionRecord
from mailbox_project import ratelimit

# last_used_at needs no finer resolution than this; it saves writes on busy tokens.
TOUCH_RESOLUTION = timedelta(minutes=1)


def api_error(status: int, code: str, message: str) -> JsonResponse:
    """Return the API's error shape: ``{"error": {"code", "message"}}``."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def api_get_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer any method but GET and HEAD with the API's JSON 405 (the API only reads)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            response = api_error(405, "method_not_allowed", "Only GET is allowed here.")
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapper


# The scope a bearer token needs per path: personal tokens' name, then OAuth's (issue 18).
PATH_SCOPES = (
    ("/api/mails", ("mails:read", "mail.read")),
    ("/api/applications", ("applications:read", "applications.read")),
)


def scope_allows(session: SessionRecord, path: str) -> bool:
    """Return whether the session's scopes open ``path`` (paths not listed need none)."""
    for prefix, accepted in PATH_SCOPES:
        if path.startswith(prefix):
            return bool(set(accepted) & set(session.scopes))
    return True


def session_from_bearer(request: HttpRequest) -> SessionRecord | None:
    """Return the live session whose access token is in the Authorization header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    store = get_token_store()
    session = store.load_session_by_token(token.strip())
    if session is None or not session.access_valid_at(timezone.now()):
        return None
    # A deleted OAuth client takes its grants with it (cached read, like the session's).
    if session.client_id and store.load_client(session.client_id) is None:
        return None
    return session


def user_from_bearer(request: HttpRequest, session: SessionRecord | None = None) -> User | None:
    """Return the active user whose valid API token is in the Authorization header, if any."""
    session = session or session_from_bearer(request)
    now = timezone.now()
    if session is None:
        return None
    user = User.objects.filter(pk=session.user_id, is_active=True).first()
    if user is None:
        return None
    if session.last_used_at is None or now - session.last_used_at >= TOUCH_RESOLUTION:
        get_buffered_token_store().touch_session(session.session_id, now)
    return user


def rate_limited(retry_after: int) -> JsonResponse:
    """Return the 429 answer for a caller over ``RATE_LIMIT_API``."""
    response = api_error(
        429, "rate_limited", f"Too many requests: try again in {retry_after} seconds."
    )
    response["Retry-After"] = str(retry_after)
    return response


def api_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let a view be reached with a session cookie or a bearer token; else answer JSON 401.

    An authenticated caller past their API rate limit gets a JSON 429 with ``Retry-After``.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "Authorization" in request.headers:
            session = session_from_bearer(request)
            user = user_from_bearer(request, session) if session is not None else None
            if session is None or user is None:
                response = api_error(401, "unauthenticated", "The API token is invalid or expired.")
                response["WWW-Authenticate"] = 'Bearer realm="mailbox"'
                return response
            if not scope_allows(session, request.path):
                response = api_error(
                    403, "insufficient_scope", "The token lacks the scope for this."
                )
                response["WWW-Authenticate"] = 'Bearer realm="mailbox", error="insufficient_scope"'
                return response
            request.user = user
        elif not request.user.is_authenticated:
            return api_error(401, "unauthenticated", "Sign in or send an API bearer token.")
        verdict = ratelimit.hit(request, ratelimit.Scope.API)
        if verdict.limited:
            return rate_limited(verdict.retry_after)
        return view(request, *args, **kwargs)

    return wrapper
