"""Errors in the exact JSON shapes Google's front ends answer with.

Gmail (like every googleapis.com API) answers
``{"error": {"code", "message", "errors": [{"message", "domain", "reason"}], "status"}}``;
the OAuth token endpoint answers ``{"error": "invalid_grant", "error_description": ...}``.
"""

from __future__ import annotations

import json
from typing import Any

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "ALREADY_EXISTS",
    413: "OUT_OF_RANGE",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    """A googleapis.com error response (Gmail API, batch endpoint, unknown paths)."""

    def __init__(
        self,
        code: int,
        message: str,
        reason: str,
        *,
        domain: str = "global",
        headers: list[tuple[str, str]] | None = None,
        extra: dict[str, Any] | None = None,
        location: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.headers = headers or []
        self.extra = extra or {}
        self.location = location

    def body(self) -> dict[str, Any]:
        """Return the JSON body Google sends for this error."""
        item: dict[str, Any] = {"message": self.message, "domain": self.domain}
        item["reason"] = self.reason
        if self.location is not None:
            item["location"], item["locationType"] = self.location
        error: dict[str, Any] = {"code": self.code, "message": self.message, "errors": [item]}
        error["status"] = STATUS_NAMES.get(self.code, "UNKNOWN")
        error.update(self.extra)
        return {"error": error}

    def body_bytes(self) -> bytes:
        """Return :meth:`body` serialised."""
        return json.dumps(self.body(), indent=2).encode()


def bad_request(message: str, reason: str = "invalidArgument") -> ApiError:
    """Return a 400 (Gmail uses ``invalidArgument`` for bad parameters)."""
    return ApiError(400, message, reason)


def not_found(message: str = "Requested entity was not found.") -> ApiError:
    """Return Gmail's 404 for unknown ids and unknown paths."""
    return ApiError(404, message, "notFound")


def unauthenticated() -> ApiError:
    """Return Google's 401 for a missing, expired or revoked access token."""
    message = (
        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project."
    )
    return ApiError(
        401,
        message,
        "authError",
        location=("Authorization", "header"),
        headers=[("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"')],
    )


def insufficient_scope(method: str) -> ApiError:
    """Return the 403 Google sends when the token lacks the scope a method needs."""
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
            "metadata": {"service": "gmail.googleapis.com", "method": method},
        }
    ]
    return ApiError(
        403,
        "Request had insufficient authentication scopes.",
        "insufficientPermissions",
        extra={"details": details},
    )


def delegation_denied(user_id: str) -> ApiError:
    """Return the 403 Gmail sends when userId names someone else's mailbox."""
    return ApiError(403, f"Delegation denied for {user_id}", "forbidden")


def rate_limited(retry_after: int, status: int = 429, concurrent: bool = False) -> ApiError:
    """Return a per-user rate-limit error with its ``Retry-After`` header."""
    if concurrent:
        message = "Too many concurrent requests for user"
    else:
        message = "User-rate limit exceeded.  Retry after a short delay."
    reason = "rateLimitExceeded" if status == 429 else "userRateLimitExceeded"
    return ApiError(
        status,
        message,
        reason,
        domain="usageLimits",
        headers=[("Retry-After", str(retry_after))],
    )


def injected_fault(status: int) -> ApiError:
    """Return a 5xx like Gmail's backend hiccups (both are retryable for clients)."""
    if status == 503:
        return ApiError(503, "The service is currently unavailable.", "backendError")
    return ApiError(status, "Internal error encountered.", "backendError")


class OAuthError(Exception):
    """An OAuth 2.0 endpoint error: ``{"error": ..., "error_description": ...}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def body_bytes(self) -> bytes:
        """Return the JSON body Google's token endpoint sends for this error."""
        body = {"error": self.error, "error_description": self.description}
        return json.dumps(body, indent=2).encode()
