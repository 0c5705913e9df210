"""Authlib's authorisation-code and refresh-token grants, stored in the token store.

Only glue lives here: where codes and tokens are kept, how they are shaped, and the policies
Authlib leaves to its user — PKCE with S256 only, RFC 8707 resource binding, refresh-token
rotation with replay detection. The protocol itself (parameter checks, client authentication,
error responses) is Authlib's.

Refresh tokens carry their grant's session id (``mbx_rt_<session id>.<secret>``): a presented
token that is not the grant's current one but one it rotated away is a replay, and the whole
grant is revoked (RFC 9700 section 4.14.2). Only hashes are stored.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import timedelta
from typing import Any

from authlib.oauth2 import OAuth2Request
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError, OAuth2Error
from authlib.oauth2.rfc7636 import CodeChallenge
from django.utils import timezone

from accounts.models import User
from accounts.tokens.crypto import hash_token
from accounts.tokens.factory import get_token_store, get_uncached_token_store
from accounts.tokens.records import (
    ACCESS_TOKEN_PREFIX,
    AUTH_CODE_PREFIX,
    REFRESH_TOKEN_PREFIX,
    AuthCodeRecord,
    SessionRecord,
    new_token,
)
from oauth_server.records import AuthorizationCode, Client, Grant
from oauth_server.scopes import access_token_ttl, refresh_token_ttl

logger = logging.getLogger(__name__)

CODE_TTL_SECONDS = 60
# How long an exchanged code is remembered, so a replay of it revokes its grant.
CODE_REUSE_WINDOW = timedelta(minutes=10)
# Enough rotations to recognise any token a client could still hold; older ones are forgotten.
RETIRED_KEPT = 50
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


class InvalidTargetError(OAuth2Error):
    """RFC 8707 section 2: the requested resource is not one this server serves."""

    error = "invalid_target"
    status_code = 400


def session_id_of(refresh_token: str) -> str | None:
    """Return the grant id a refresh token names, or None for anything else."""
    if not refresh_token.startswith(REFRESH_TOKEN_PREFIX):
        return None
    session_id, dot, secret = refresh_token[len(REFRESH_TOKEN_PREFIX) :].partition(".")
    return session_id if dot and secret and session_id.isalnum() else None


def new_refresh_token(session_id: str) -> str:
    return f"{REFRESH_TOKEN_PREFIX}{session_id}.{secrets.token_urlsafe(32)}"


def _issue(session_id: str, scope: str, include_refresh_token: bool) -> dict[str, Any]:
    token: dict[str, Any] = {
        "token_type": "Bearer",
        "access_token": new_token(ACCESS_TOKEN_PREFIX),
        "expires_in": int(access_token_ttl().total_seconds()),
        "scope": scope,
    }
    if include_refresh_token:
        token["refresh_token"] = new_refresh_token(session_id)
    return token


class S256Only(CodeChallenge):
    """PKCE on every authorisation request, S256 only (OAuth 2.1; ``plain`` is refused)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: AuthorizationCode) -> str:
        return authorization_code.record.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: AuthorizationCode) -> str:
        return authorization_code.record.code_challenge_method


def _user(user_id: str) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def generate_authorization_code(self) -> str:
        return new_token(AUTH_CODE_PREFIX)

    def generate_token(
        self,
        user: Any = None,
        scope: str | None = None,
        grant_type: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        self.request.session_id = secrets.token_hex(16)
        return _issue(self.request.session_id, scope or "", include_refresh_token)

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        now = timezone.now()
        data = request.payload.data
        record = AuthCodeRecord(
            code_hash=hash_token(code),
            client_id=request.client.get_client_id(),
            user_id=str(request.user.pk),
            redirect_uri=request.payload.redirect_uri or "",
            created_at=now,
            expires_at=now + timedelta(seconds=CODE_TTL_SECONDS),
            scopes=tuple(request.scope.split()),
            code_challenge=data.get("code_challenge", ""),
            code_challenge_method=data.get("code_challenge_method", ""),
            resource=request.resource,
        )
        get_token_store().store_auth_code(record)

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        # Consumed at once (one atomic find-and-delete): a failed PKCE check burns the code.
        store = get_token_store()
        record = store.consume_auth_code(code)
        if record is not None and record.issued_session_id:
            # A code exchanged once already: revoke what it bought (RFC 6749 section 4.1.2).
            logger.warning(
                "authorisation code reused: grant of client %s revoked", record.client_id
            )
            store.delete_session_by_id(record.issued_session_id)
            return None
        if record is None or record.client_id != client.get_client_id():
            return None
        resource = self.request.form.get("resource")
        if resource and resource != record.resource:
            raise InvalidTargetError("The code was issued for another resource.")
        self.request.resource = record.resource
        return AuthorizationCode(record)

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Leave a tombstone where the consumed code was, naming the grant it bought."""
        now = timezone.now()
        tombstone = replace(
            authorization_code.record,
            issued_session_id=self.request.session_id,
            expires_at=now + CODE_REUSE_WINDOW,
        )
        get_token_store().store_auth_code(tombstone)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> User | None:
        return _user(authorization_code.record.user_id)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def generate_token(
        self,
        user: Any = None,
        scope: str | None = None,
        grant_type: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        self.request.session_id = self.request.refresh_token.record.session_id
        return _issue(self.request.session_id, scope or "", include_refresh_token)

    def authenticate_refresh_token(self, refresh_token: str) -> Grant | None:
        session_id = session_id_of(refresh_token)
        if session_id is None:
            return None
        # Uncached: rotation must compare against the grant as it is now, not 30 s ago.
        record = get_uncached_token_store().load_session_by_id(session_id)
        if record is None:
            return None
        presented = hash_token(refresh_token)
        now = timezone.now()
        if presented in record.retired_refresh_hashes:
            logger.warning("refresh token replayed: grant of client %s revoked", record.client_id)
            get_token_store().delete_session_by_id(session_id)
            raise InvalidGrantError("Refresh token reused: the grant is revoked.")
        if presented != record.refresh_token_hash or not record.refresh_valid_at(now):
            return None
        resource = self.request.form.get("resource")
        if resource and resource != record.resource:
            raise InvalidTargetError("The grant is for another resource.")
        return Grant(record, now)

    def authenticate_user(self, refresh_token: Grant) -> User | None:
        return _user(refresh_token.record.user_id)

    def revoke_old_credential(self, refresh_token: Grant) -> None:
        """Nothing to do: ``save_issued`` replaced the tokens and retired the old refresh one."""


def save_issued(token: dict[str, Any], request: OAuth2Request) -> None:
    """Store the tokens Authlib just issued: a new grant, or the next rotation of one."""
    now = timezone.now()
    access_expires = now + access_token_ttl()
    refresh = token.get("refresh_token")
    previous: Grant | None = getattr(request, "refresh_token", None)
    if previous is not None:
        old = previous.record
        retired = (
            (old.refresh_token_hash, *old.retired_refresh_hashes)
            if old.refresh_token_hash
            else old.retired_refresh_hashes
        )
        record = replace(
            old,
            access_token_hash=hash_token(token["access_token"]),
            access_expires_at=access_expires,
            refresh_token_hash=hash_token(refresh) if refresh else None,
            refresh_expires_at=now + refresh_token_ttl() if refresh else None,
            scopes=tuple(token["scope"].split()),
            retired_refresh_hashes=retired[:RETIRED_KEPT],
            # A refresh is a use; and a whole-record replace must not erase earlier touches.
            last_used_at=now,
        )
    else:
        client: Client = request.client
        record = SessionRecord(
            session_id=request.session_id,
            user_id=str(request.user.pk),
            name=client.record.name,
            access_token_hash=hash_token(token["access_token"]),
            created_at=now,
            access_expires_at=access_expires,
            refresh_token_hash=hash_token(refresh) if refresh else None,
            refresh_expires_at=now + refresh_token_ttl() if refresh else None,
            scopes=tuple(token["scope"].split()),
            client_id=client.get_client_id(),
            resource=request.resource,
        )
    get_token_store().store_session(record)
