"""The authorisation server: Authlib's framework wired to the token store.

``authorization_server()`` is built once per process. Its endpoints: the authorisation-code
grant with PKCE (S256), the refresh-token grant with rotation, RFC 7009 revocation and RFC 7591
dynamic registration; metadata (RFC 8414) is assembled in ``metadata()`` from the same
settings the endpoints enforce.
"""

from __future__ import annotations

import functools
import secrets
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.django_oauth2 import AuthorizationServer as DjangoAuthorizationServer
from authlib.oauth2 import OAuth2Request
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc7009 import RevocationEndpoint as BaseRevocationEndpoint
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint
from authlib.oauth2.rfc7591.errors import InvalidClientMetadataError, InvalidRedirectURIError
from django.utils import timezone

from accounts.tokens.crypto import hash_token
from accounts.tokens.factory import get_token_store
from accounts.tokens.records import CLIENT_ID_PREFIX, CLIENT_SECRET_PREFIX, ClientRecord, new_token
from oauth_server.grants import (
    AUTH_METHODS,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    S256Only,
    save_issued,
    session_id_of,
)
from oauth_server.records import PUBLIC, Client, Grant, is_loopback
from oauth_server.scopes import SCOPES, parse_scope

GRANT_TYPES = ("authorization_code", "refresh_token")
MAX_NAME = 100
MAX_REDIRECT_URIS = 10


class MailboxAuthorizationServer(DjangoAuthorizationServer):
    """Authlib's Django server whose clients and tokens live in the token store."""

    def __init__(self) -> None:
        super().__init__(client_model=None, token_model=None)
        self.scopes_supported = list(SCOPES)

    def query_client(self, client_id: str) -> Client | None:
        record = get_token_store().load_client(client_id)
        return Client(record) if record is not None else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        save_issued(token, request)


class RevocationEndpoint(BaseRevocationEndpoint):
    """RFC 7009: revoking either token of a grant revokes the grant."""

    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> Grant | None:
        store = get_token_store()
        now = timezone.now()
        record = store.load_session_by_token(token_string)
        if record is None:
            session_id = session_id_of(token_string)
            record = store.load_session_by_id(session_id) if session_id else None
            if record is not None and record.refresh_token_hash != hash_token(token_string):
                record = None
        # Personal API tokens are not the OAuth client's to revoke.
        return Grant(record, now) if record is not None and record.client_id else None

    def revoke_token(self, token: Grant, request: OAuth2Request) -> None:
        get_token_store().delete_session_by_id(token.record.session_id)


def _check_redirect_uri(uri: str) -> None:
    parts = urlsplit(uri)
    if parts.fragment or not parts.netloc:
        raise InvalidRedirectURIError("A redirect URI must be absolute, without a fragment.")
    if parts.scheme != "https" and not is_loopback(uri):
        raise InvalidRedirectURIError(
            "Redirect URIs must use https, or http on a loopback address (RFC 8252)."
        )


class RegistrationEndpoint(ClientRegistrationEndpoint):
    """RFC 7591 open registration (rate-limited by the view); clients get no special rights."""

    def __init__(self, server: MailboxAuthorizationServer, metadata: dict[str, Any]) -> None:
        super().__init__(server)
        self._metadata = metadata

    def authenticate_token(self, request: Any) -> bool:
        return True

    def get_server_metadata(self) -> dict[str, Any]:
        return self._metadata

    def generate_client_id(self, request: Any) -> str:
        return CLIENT_ID_PREFIX + secrets.token_hex(12)

    def generate_client_secret(self, request: Any) -> str:
        return new_token(CLIENT_SECRET_PREFIX)

    def generate_client_info(self, request: Any) -> dict[str, Any]:
        info: dict[str, Any] = super().generate_client_info(request)
        if request.payload.data.get("token_endpoint_auth_method") == PUBLIC:
            # A public client proves itself with PKCE alone; a secret would be a false promise.
            info.pop("client_secret", None)
            info.pop("client_secret_expires_at", None)
        return info

    def save_client(
        self, client_info: dict[str, Any], client_metadata: dict[str, Any], request: Any
    ) -> ClientRecord:
        uris = list(client_metadata.get("redirect_uris") or [])
        if not uris or len(uris) > MAX_REDIRECT_URIS:
            raise InvalidRedirectURIError(f"Register 1 to {MAX_REDIRECT_URIS} redirect URIs.")
        for uri in uris:
            _check_redirect_uri(uri)
        grant_types = client_metadata.get("grant_types") or ["authorization_code"]
        if not set(grant_types) <= set(GRANT_TYPES):
            raise InvalidClientMetadataError("Only authorization_code and refresh_token.")
        method = client_metadata.get("token_endpoint_auth_method") or "client_secret_basic"
        secret = client_info.get("client_secret")
        name = str(client_metadata.get("client_name") or "Unnamed app")[:MAX_NAME]
        record = ClientRecord(
            client_id=client_info["client_id"],
            secret_hash=hash_token(secret) if secret else "",
            name=name,
            created_at=timezone.now(),
            redirect_uris=tuple(uris),
            grant_types=tuple(grant_types),
            token_endpoint_auth_method=method,
            scope=" ".join(parse_scope(client_metadata.get("scope")) or SCOPES),
            client_uri=str(client_metadata.get("client_uri") or "")[:300],
        )
        get_token_store().store_client(record)
        return record


def metadata(issuer: str) -> dict[str, Any]:
    """Return the RFC 8414 authorisation-server metadata for ``issuer``."""
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oauth/authorize",
        "token_endpoint": f"{issuer}/oauth/token",
        "registration_endpoint": f"{issuer}/oauth/register",
        "revocation_endpoint": f"{issuer}/oauth/revoke",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": False,
    }


@functools.cache
def authorization_server() -> MailboxAuthorizationServer:
    """Return this process's authorisation server (grants and endpoints registered)."""
    server = MailboxAuthorizationServer()
    server.register_grant(AuthorizationCodeGrant, [S256Only(required=True)])
    server.register_grant(RefreshTokenGrant)
    server.register_endpoint(RevocationEndpoint)
    return server


def register_client(server: MailboxAuthorizationServer, issuer: str, request: Any) -> Any:
    """Answer an RFC 7591 registration request (metadata depends on the request's issuer)."""
    endpoint = RegistrationEndpoint(server, metadata(issuer))
    json_request = server.create_json_request(request)
    try:
        return server.handle_response(*endpoint.create_registration_response(json_request))
    except OAuth2Error as error:
        return server.handle_error_response(json_request, error)
