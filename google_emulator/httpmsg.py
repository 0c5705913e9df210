"""Transport-neutral request/response objects.

The HTTP server and the batch endpoint both turn what they read into a :class:`Request`
and route it through the same handlers, so a call inside a batch behaves exactly like
the same call on its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import ApiError, OAuthError

JSON_TYPE = "application/json; charset=UTF-8"


@dataclass(slots=True)
class Request:
    """One HTTP request: header names are lower-cased, query values are lists."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    in_batch: bool = False

    @classmethod
    def from_target(
        cls, method: str, target: str, headers: dict[str, str], body: bytes = b""
    ) -> Request:
        """Build a request from a request-target such as ``/a/b?x=1``."""
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True) if parts.query else {}
        return cls(method.upper(), parts.path or "/", query, headers, body)

    def param(self, name: str) -> str | None:
        """Return the first value of a query parameter, or None."""
        values = self.query.get(name)
        return values[0] if values else None

    def params(self, name: str) -> list[str]:
        """Return all values of a repeatable query parameter."""
        return self.query.get(name, [])

    def form(self) -> dict[str, str]:
        """Return form fields (urlencoded or JSON body), merged over the query string."""
        fields = {k: v[0] for k, v in self.query.items() if v}
        ctype = self.headers.get("content-type", "")
        if not self.body:
            return fields
        if "json" in ctype:
            try:
                data = json.loads(self.body)
            except ValueError:
                return fields
            if isinstance(data, dict):
                fields.update({str(k): str(v) for k, v in data.items()})
            return fields
        text = self.body.decode("utf-8", "replace")
        fields.update({k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()})
        return fields

    def json_body(self) -> dict[str, Any]:
        """Return the JSON object in the body (empty body → {}), or raise a 400."""
        if not self.body.strip():
            return {}
        try:
            data = json.loads(self.body)
        except ValueError as exc:
            raise ApiError(400, f"Invalid JSON payload received. {exc}", "parseError") from exc
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON payload received. Expected an object.", "parseError")
        return data


@dataclass(slots=True)
class Response:
    """One HTTP response; ``body`` is already serialised."""

    status: int = 200
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """Return the standard reason phrase for :attr:`status`."""
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Unknown"


def json_response(data: Any, status: int = 200) -> Response:
    """Return a JSON response (compact: clients do not care, and it is faster)."""
    return Response(status, json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())


def error_response(error: ApiError) -> Response:
    """Return the Google-shaped response for an API error."""
    return Response(error.code, error.body_bytes(), JSON_TYPE, list(error.headers))


def oauth_error_response(error: OAuthError) -> Response:
    """Return the Google-shaped response for an OAuth endpoint error."""
    headers = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
    return Response(error.status, error.body_bytes(), JSON_TYPE, headers)


def html_response(html: str, status: int = 200) -> Response:
    """Return an HTML page."""
    return Response(status, html.encode(), "text/html; charset=utf-8")


def redirect(location: str) -> Response:
    """Return a 302 redirect."""
    return Response(302, b"", "text/html; charset=utf-8", [("Location", location)])
