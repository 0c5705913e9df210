"""Every answer under ``/api/`` is JSON, errors included, never one of Django's HTML pages.

The API views answer their own errors as ``{"error": {"code", "message"}}``
(``accounts.api_auth.api_error``). What reaches a client *around* them came as HTML: a 404 for
a path no view matches, a 403 from the CSRF check of a cookie-authenticated write, a 405 from
``require_GET``, a 500, a redirect to the sign-in page. ``ApiJsonErrors`` rewrites those into
the same JSON shape, keeping the status and the headers that matter (``Allow``,
``Retry-After``, ``WWW-Authenticate``); ``csrf_failure`` (``CSRF_FAILURE_VIEW``) says why a
write was refused. Pages outside ``/api/`` are left as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Kept from the response replaced: they tell the client what to do next.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
CODES = {
    400: ("bad_request", "The request is malformed."),
    401: ("unauthenticated", "Sign in or send an API token."),
    403: ("forbidden", "This is not allowed."),
    404: ("not_found", "Nothing here."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("too_large", "The request is too large."),
    429: ("rate_limited", "Too many requests: slow down."),
    500: ("server_error", "Something went wrong on our side."),
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def error(status: int, code: str | None = None, message: str | None = None) -> JsonResponse:
    """Return the API's error shape for ``status`` (its usual code and message by default)."""
    default_code, default_message = CODES.get(status, ("error", "The request failed."))
    body = {"error": {"code": code or default_code, "message": message or default_message}}
    return JsonResponse(body, status=status)


def _is_json(response: HttpResponseBase) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


def _is_sign_in_redirect(response: HttpResponseBase) -> bool:
    location = str(response.get("Location", ""))
    return response.status_code in (301, 302) and location.startswith(str(settings.LOGIN_URL))


class ApiJsonErrors:
    """Rewrite non-JSON errors (and sign-in redirects) under ``/api/`` as JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not is_api(request) or _is_json(response):
            return response
        if _is_sign_in_redirect(response):
            return error(401)
        if response.status_code < 400:
            return response
        replaced = error(response.status_code)
        for name in KEPT_HEADERS:
            if name in response:
                replaced[name] = response[name]
        return replaced

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """An unexpected error in an API view is a JSON 500 (logged as Django would)."""
        if not is_api(request):
            return None
        logger.error("API error on %s", request.path, exc_info=exception)
        return error(500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: JSON under ``/api/`` (a cookie-authenticated write without the
    CSRF token; API tokens need none), Django's page elsewhere."""
    if is_api(request):
        return error(403, "csrf_failed", f"CSRF check failed: {reason or 'no token'}.")
    return django_csrf_failure(request, reason)
