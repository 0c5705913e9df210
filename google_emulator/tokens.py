"""OAuth 2.0 state: the registered client, consent transactions, codes and tokens.

Behaviour that mirrors accounts.google.com (and that the app must cope with):

* a refresh token is issued only for ``access_type=offline``, and — like Google — only
  on the first consent of an account to the client unless ``prompt=consent`` is sent;
* codes are single-use and live 10 minutes; a code must be redeemed by the client it was
  issued to, with the same ``redirect_uri``, and with the PKCE verifier if a challenge
  was sent;
* refresh tokens do not rotate; revoking an access token revokes its refresh token too
  (Google revokes the whole grant), revoking a refresh token kills its access tokens;
* ``email``/``profile`` are normalised to their ``userinfo.*`` URLs in ``scope``;
* ``id_token`` (for ``openid``) is a well-formed but *unsigned* JWT (``alg: none``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import OAuthError

CODE_LIFETIME = 600
PENDING_LIFETIME = 3600
SCOPE_ALIASES = {
    "email": "https://www.googleapis.com/auth/userinfo.email",
    "profile": "https://www.googleapis.com/auth/userinfo.profile",
}
EMAIL_SCOPES = frozenset({SCOPE_ALIASES["email"], "openid"})
DEFAULT_TEST_SCOPES = (
    "openid",
    SCOPE_ALIASES["email"],
    SCOPE_ALIASES["profile"],
    "https://www.googleapis.com/auth/gmail.readonly",
)


class AuthPageError(Exception):
    """An authorization request Google answers with an error page, not a redirect."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(slots=True)
class Account:
    """What the OAuth side needs to know about an account."""

    email: str
    name: str
    sub: str
    picture: str


@dataclass(slots=True)
class OAuthClient:
    """A registered OAuth client (web application)."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]


@dataclass(slots=True)
class PendingAuthorization:
    """A validated authorization request waiting for the consent page's answer."""

    txn: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    offline: bool
    prompt: str
    login_hint: str
    code_challenge: str | None
    code_challenge_method: str
    created: float


@dataclass(slots=True)
class AuthCode:
    """An issued authorization code."""

    code: str
    client_id: str
    email: str
    scopes: tuple[str, ...]
    redirect_uri: str
    expires_at: float
    code_challenge: str | None
    code_challenge_method: str
    issue_refresh_token: bool


@dataclass(slots=True)
class RefreshToken:
    """An issued refresh token."""

    token: str
    client_id: str
    email: str
    scopes: tuple[str, ...]
    revoked: bool = False
    access_tokens: list[str] = field(default_factory=list)


@dataclass(slots=True)
class AccessToken:
    """An issued access token."""

    token: str
    client_id: str
    email: str
    scopes: frozenset[str]
    expires_at: float
    refresh_token: str | None
    revoked: bool = False

    def valid(self, now: float) -> bool:
        """Return True if the token can still be used."""
        return not self.revoked and now < self.expires_at


def normalise_scopes(raw: str | Iterable[str]) -> tuple[str, ...]:
    """Return the scopes with Google's aliases expanded, order kept, duplicates dropped."""
    items = raw.split() if isinstance(raw, str) else list(raw)
    return tuple(dict.fromkeys(SCOPE_ALIASES.get(s, s) for s in items))


def pkce_s256(verifier: str) -> str:
    """Return the S256 code challenge of a PKCE verifier."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _b64json(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class TokenStore:
    """All OAuth state of one emulator."""

    def __init__(
        self,
        client: OAuthClient,
        accounts: Callable[[str], Account | None],
        access_token_lifetime: int,
    ) -> None:
        self.clients = {client.client_id: client}
        self.accounts = accounts
        self.lifetime = access_token_lifetime
        self.pending: dict[str, PendingAuthorization] = {}
        self.codes: dict[str, AuthCode] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.access_tokens: dict[str, AccessToken] = {}

    def clear(self) -> None:
        """Forget every transaction, code and token."""
        self.pending.clear()
        self.codes.clear()
        self.refresh_tokens.clear()
        self.access_tokens.clear()

    # -- authorization endpoint ----------------------------------------------------

    def begin(self, params: dict[str, str]) -> PendingAuthorization:
        """Validate an authorization request; raise AuthPageError for error pages."""
        client = self.clients.get(params.get("client_id", ""))
        if client is None:
            raise AuthPageError("invalid_client", "The OAuth client was not found.", 401)
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in client.redirect_uris:
            raise AuthPageError(
                "redirect_uri_mismatch",
                f"You can't sign in because this app sent an invalid request "
                f"(redirect_uri={redirect_uri!r} is not registered for this client).",
            )
        response_type = params.get("response_type", "")
        if response_type != "code":
            raise AuthPageError(
                "unsupported_response_type", f"Invalid response_type: {response_type!r}"
            )
        scopes = normalise_scopes(params.get("scope", ""))
        if not scopes:
            raise AuthPageError("invalid_request", "Missing required parameter: scope")
        method = params.get("code_challenge_method", "plain" if "code_challenge" in params else "")
        if method and method not in ("S256", "plain"):
            raise AuthPageError("invalid_request", f"Invalid code_challenge_method: {method}")
        access_type = params.get("access_type", "online")
        if access_type not in ("online", "offline"):
            raise AuthPageError("invalid_request", f"Invalid access_type: {access_type}")
        pending = PendingAuthorization(
            txn=secrets.token_urlsafe(16),
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            state=params.get("state"),
            offline=access_type == "offline",
            prompt=params.get("prompt", ""),
            login_hint=params.get("login_hint", ""),
            code_challenge=params.get("code_challenge"),
            code_challenge_method=method or "plain",
            created=time.time(),
        )
        self.pending[pending.txn] = pending
        return pending

    def decide(self, txn: str, email: str, allow: bool) -> tuple[PendingAuthorization, str]:
        """Resolve a consent transaction; return it and the code ('' when denied)."""
        pending = self.pending.pop(txn, None)
        if pending is None or time.time() - pending.created > PENDING_LIFETIME:
            raise AuthPageError("invalid_request", "This sign-in request has expired.")
        if not allow:
            return pending, ""
        if self.accounts(email) is None:
            raise AuthPageError("invalid_request", f"Unknown account {email!r}.")
        has_live = any(
            not r.revoked and r.email == email and r.client_id == pending.client_id
            for r in self.refresh_tokens.values()
        )
        code = AuthCode(
            code="4/0A" + secrets.token_urlsafe(32),
            client_id=pending.client_id,
            email=email,
            scopes=pending.scopes,
            redirect_uri=pending.redirect_uri,
            expires_at=time.time() + CODE_LIFETIME,
            code_challenge=pending.code_challenge,
            code_challenge_method=pending.code_challenge_method,
            issue_refresh_token=pending.offline and ("consent" in pending.prompt or not has_live),
        )
        self.codes[code.code] = code
        return pending, code.code

    # -- token endpoint --------------------------------------------------------------

    def authenticate_client(self, client_id: str, client_secret: str) -> OAuthClient:
        """Return the client for these credentials or raise invalid_client (401)."""
        client = self.clients.get(client_id)
        if client is None:
            raise OAuthError("invalid_client", "The OAuth client was not found.", 401)
        if not secrets.compare_digest(client.client_secret, client_secret):
            raise OAuthError("invalid_client", "Unauthorized", 401)
        return client

    def exchange_code(
        self, client: OAuthClient, code: str, redirect_uri: str, verifier: str | None
    ) -> dict[str, Any]:
        """Redeem an authorization code (single use)."""
        if not code:
            raise OAuthError("invalid_request", "Missing required parameter: code")
        issued = self.codes.pop(code, None)
        if issued is None or issued.expires_at <= time.time():
            raise OAuthError("invalid_grant", "Malformed auth code.")
        if issued.client_id != client.client_id:
            raise OAuthError("invalid_grant", "Bad Request")
        if redirect_uri != issued.redirect_uri:
            raise OAuthError("redirect_uri_mismatch", "Bad Request")
        if issued.code_challenge is not None:
            if not verifier:
                raise OAuthError("invalid_grant", "Missing code verifier.")
            expected = pkce_s256(verifier) if issued.code_challenge_method == "S256" else verifier
            if not secrets.compare_digest(expected, issued.code_challenge):
                raise OAuthError("invalid_grant", "Invalid code verifier.")
        refresh: RefreshToken | None = None
        if issued.issue_refresh_token:
            refresh = RefreshToken(
                "1//0" + secrets.token_urlsafe(48), client.client_id, issued.email, issued.scopes
            )
            self.refresh_tokens[refresh.token] = refresh
        return self._grant(client.client_id, issued.email, issued.scopes, refresh)

    def refresh(self, client: OAuthClient, token: str, scope: str | None) -> dict[str, Any]:
        """Mint a new access token from a refresh token."""
        if not token:
            raise OAuthError("invalid_request", "Missing required parameter: refresh_token")
        refresh = self.refresh_tokens.get(token)
        if refresh is None or refresh.revoked or self.accounts(refresh.email) is None:
            raise OAuthError("invalid_grant", "Token has been expired or revoked.")
        if refresh.client_id != client.client_id:
            raise OAuthError("unauthorized_client", "Unauthorized")
        scopes = refresh.scopes
        if scope:
            asked = normalise_scopes(scope)
            if not set(asked) <= set(refresh.scopes):
                raise OAuthError("invalid_scope", "Bad Request")
            scopes = asked
        grant = self._grant(client.client_id, refresh.email, scopes, None, parent=refresh)
        return grant

    def _grant(
        self,
        client_id: str,
        email: str,
        scopes: tuple[str, ...],
        refresh: RefreshToken | None,
        parent: RefreshToken | None = None,
    ) -> dict[str, Any]:
        owner = refresh or parent
        access = AccessToken(
            token="ya29.a0" + secrets.token_urlsafe(64),
            client_id=client_id,
            email=email,
            scopes=frozenset(scopes),
            expires_at=time.time() + self.lifetime,
            refresh_token=owner.token if owner else None,
        )
        self.access_tokens[access.token] = access
        if owner is not None:
            owner.access_tokens.append(access.token)
        body: dict[str, Any] = {"access_token": access.token, "expires_in": self.lifetime}
        if refresh is not None:
            body["refresh_token"] = refresh.token
        body["scope"] = " ".join(scopes)
        body["token_type"] = "Bearer"
        if "openid" in scopes:
            body["id_token"] = self.id_token(client_id, email, scopes)
        return body

    def id_token(self, client_id: str, email: str, scopes: Iterable[str]) -> str:
        """Return an unsigned, well-formed OpenID Connect ID token."""
        account = self.accounts(email)
        assert account is not None
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": "https://accounts.google.com",
            "azp": client_id,
            "aud": client_id,
            "sub": account.sub,
            "iat": now,
            "exp": now + self.lifetime,
        }
        if SCOPE_ALIASES["email"] in scopes:
            claims.update(email=account.email, email_verified=True)
        if SCOPE_ALIASES["profile"] in scopes:
            given, _, family = account.name.partition(" ")
            claims.update(name=account.name, picture=account.picture, given_name=given)
            claims["family_name"] = family
        return f"{_b64json({'alg': 'none', 'typ': 'JWT'})}.{_b64json(claims)}."

    # -- tokens ----------------------------------------------------------------------

    def access(self, token: str) -> AccessToken | None:
        """Return the access token if it is currently valid."""
        found = self.access_tokens.get(token)
        if found is None or not found.valid(time.time()):
            return None
        return found

    def revoke(self, token: str) -> bool:
        """Revoke an access or refresh token and its whole grant; False if unknown."""
        refresh = self.refresh_tokens.get(token)
        access = self.access_tokens.get(token)
        if access is not None and access.refresh_token:
            refresh = self.refresh_tokens.get(access.refresh_token)
        if refresh is None and access is None:
            return False
        if access is not None:
            access.revoked = True
        if refresh is not None:
            refresh.revoked = True
            for child in refresh.access_tokens:
                self.access_tokens[child].revoked = True
        return True

    def revoke_account(self, email: str) -> int:
        """Revoke every token of an account; return how many were live."""
        count = 0
        for refresh in self.refresh_tokens.values():
            if refresh.email == email and not refresh.revoked:
                refresh.revoked = True
                count += 1
        now = time.time()
        for access in self.access_tokens.values():
            if access.email == email and not access.revoked:
                count += access.valid(now)
                access.revoked = True
        return count

    def expire_access(self, token_or_email: str) -> int:
        """Make an access token (or all of an account's) expire now; return the count."""
        now = time.time()
        count = 0
        for access in self.access_tokens.values():
            if token_or_email in (access.token, access.email) and access.expires_at > now:
                access.expires_at = now - 1
                count += 1
        return count

    def issue(
        self,
        email: str,
        scopes: Iterable[str] = DEFAULT_TEST_SCOPES,
        client_id: str | None = None,
        offline: bool = True,
    ) -> dict[str, Any]:
        """Return a token response for an account without the consent page (tests)."""
        if self.accounts(email) is None:
            raise KeyError(email)
        client_id = client_id or next(iter(self.clients))
        normalised = normalise_scopes(scopes)
        refresh = None
        if offline:
            refresh = RefreshToken("1//0" + secrets.token_urlsafe(48), client_id, email, normalised)
            self.refresh_tokens[refresh.token] = refresh
        return self._grant(client_id, email, normalised, refresh)
