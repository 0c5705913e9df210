"""What an assistant may be granted, and where: scopes, the protected resource, lifetimes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest

MAIL_READ = "mail.read"
APPLICATIONS_READ = "applications.read"
SCOPES = (MAIL_READ, APPLICATIONS_READ)
DESCRIPTIONS = {
    MAIL_READ: "Search and read your synced email",
    APPLICATIONS_READ: "See your job applications and their timelines",
}
MCP_PATH = "/mcp"


def access_token_ttl() -> timedelta:
    return timedelta(seconds=settings.OAUTH_ACCESS_TOKEN_TTL)


def refresh_token_ttl() -> timedelta:
    return timedelta(seconds=settings.OAUTH_REFRESH_TOKEN_TTL)


def base_url(scheme: str, host: str) -> str:
    """Return the public origin: ``OAUTH_ISSUER`` when set, else the request's own."""
    configured: str = settings.OAUTH_ISSUER
    return configured.rstrip("/") if configured else f"{scheme}://{host}"


def issuer(request: HttpRequest) -> str:
    """Return this authorisation server's issuer identifier (RFC 8414: no trailing slash)."""
    return base_url(request.scheme or "http", request.get_host())


def mcp_resource(origin: str) -> str:
    """Return the MCP server's resource identifier (RFC 8707 / RFC 9728) under ``origin``."""
    return origin + MCP_PATH


def parse_scope(scope: str | None) -> tuple[str, ...]:
    """Return the known scopes named in a space-separated ``scope``, in canonical order."""
    named = set((scope or "").split())
    return tuple(name for name in SCOPES if name in named)
