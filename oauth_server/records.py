"""Authlib's model interfaces over the token store's frozen records.

Authlib asks its storage for objects with methods (``check_redirect_uri``, ``get_scope``, ...);
these adapters answer them from ``ClientRecord``, ``AuthCodeRecord`` and ``SessionRecord``
without adding state of their own.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin

from accounts.tokens.crypto import secret_matches
from accounts.tokens.records import AuthCodeRecord, ClientRecord, SessionRecord
from oauth_server.scopes import SCOPES

PUBLIC = "none"
LOOPBACK_HOSTS = frozenset({"localhost"})


def is_loopback(uri: str) -> bool:
    """Return whether ``uri`` is an http URI on a loopback host (RFC 8252 section 7.3)."""
    parts = urlsplit(uri)
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def _without_port(uri: str) -> str:
    parts = urlsplit(uri)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return parts._replace(netloc=host).geturl()


def redirect_matches(registered: str, requested: str) -> bool:
    """Exact match, except that a loopback redirect may use any port (RFC 8252 section 7.3)."""
    if registered == requested:
        return True
    return (
        is_loopback(registered)
        and is_loopback(requested)
        and _without_port(registered) == _without_port(requested)
    )


@dataclass(frozen=True)
class Client(ClientMixin):
    record: ClientRecord

    def get_client_id(self) -> str:
        return self.record.client_id

    def get_default_redirect_uri(self) -> str | None:
        # OAuth 2.1: with several registered URIs the request must name one.
        uris = self.record.redirect_uris
        return uris[0] if len(uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = set(self.record.scope.split()) or set(SCOPES)
        wanted = scope.split() if scope else list(allowed)
        return " ".join(name for name in SCOPES if name in wanted and name in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return any(redirect_matches(uri, redirect_uri) for uri in self.record.redirect_uris)

    def check_client_secret(self, client_secret: str) -> bool:
        return bool(self.record.secret_hash) and secret_matches(
            self.record.secret_hash, client_secret
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == (self.record.token_endpoint_auth_method or "client_secret_basic")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.record.grant_types


@dataclass(frozen=True)
class AuthorizationCode(AuthorizationCodeMixin):
    record: AuthCodeRecord

    def get_redirect_uri(self) -> str:
        return self.record.redirect_uri

    def get_scope(self) -> str:
        return " ".join(self.record.scopes)


@dataclass(frozen=True)
class Grant(TokenMixin):
    """An issued OAuth session (one grant: its access and refresh token rotate together)."""

    record: SessionRecord
    now: datetime

    def check_client(self, client: Client) -> bool:
        return self.record.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return " ".join(self.record.scopes)

    def get_expires_in(self) -> int:
        return int((self.record.access_expires_at - self.record.created_at).total_seconds())

    def is_expired(self) -> bool:
        return not self.record.access_valid_at(self.now)

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> str:
        return self.record.user_id

    def get_client(self) -> ClientMixin:
        raise NotImplementedError("grants are checked against a client with check_client")
