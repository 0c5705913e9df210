"""The token store's records: frozen values holding hashes, never the tokens Mailbox issues.

A clear token exists only in memory, once: the ``new_*`` helpers return it next to the record so
the caller can show or send it; the record keeps its SHA-256 hash, which is all a store sees.
Google's tokens are the exception (Mailbox must use them), so ``ProviderCredentials`` holds them
in clear in memory and the store encrypts them at rest.

Datetimes must be timezone-aware; they are normalised to UTC at millisecond precision, the
precision MongoDB stores, so a record reads back equal to what was stored on every backend.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from accounts.tokens.crypto import hash_token

# Prefixes make a leaked token recognisable (secret scanners, logs) and tell the kinds apart.
ACCESS_TOKEN_PREFIX = "mbx_at_"
REFRESH_TOKEN_PREFIX = "mbx_rt_"
AUTH_CODE_PREFIX = "mbx_ac_"
STATE_PREFIX = "mbx_st_"
CLIENT_SECRET_PREFIX = "mbx_cs_"
CLIENT_ID_PREFIX = "mbx_client_"

# (user_id, provider): the key of a user's provider credentials.
ProviderKey = tuple[str, str]


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (the stores' default clock)."""
    return datetime.now(UTC)


def normalise_datetime(value: datetime) -> datetime:
    """Return ``value`` in UTC, truncated to milliseconds; refuse naive datetimes."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("token store datetimes must be timezone-aware")
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def _normalise_fields(record: Any) -> None:
    # Frozen dataclasses normalise in __post_init__ through object.__setattr__ (the documented
    # idiom), so every construction path, including dataclasses.replace, is covered.
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        if isinstance(value, datetime):
            object.__setattr__(record, item.name, normalise_datetime(value))
        elif isinstance(value, list):
            object.__setattr__(record, item.name, tuple(value))


def new_token(prefix: str) -> str:
    """Return a fresh random token (256 bits) carrying ``prefix``."""
    return prefix + secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class StateRecord:
    """An OAuth ``state`` awaiting its redirect back; one-time."""

    state_hash: str
    created_at: datetime
    expires_at: datetime
    redirect_uri: str = ""
    client_id: str = ""
    user_id: str = ""
    scopes: tuple[str, ...] = ()
    code_challenge: str = ""
    # RFC 8707: the resource the pending authorisation is for (oauth_server's consent step).
    resource: str = ""

    def __post_init__(self) -> None:
        _normalise_fields(self)


@dataclass(frozen=True, slots=True)
class AuthCodeRecord:
    """An authorization code Mailbox issued to an API client; one-time."""

    code_hash: str
    client_id: str
    user_id: str
    redirect_uri: str
    created_at: datetime
    expires_at: datetime
    scopes: tuple[str, ...] = ()
    code_challenge: str = ""
    code_challenge_method: str = ""
    resource: str = ""
    # Set on the tombstone a code leaves once exchanged: a second exchange revokes that grant.
    issued_session_id: str = ""

    def __post_init__(self) -> None:
        _normalise_fields(self)


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A session Mailbox issued to an API client (a personal token, or an OAuth grant)."""

    session_id: str
    user_id: str
    name: str
    access_token_hash: str
    created_at: datetime
    access_expires_at: datetime
    refresh_token_hash: str | None = None
    refresh_expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    client_id: str = ""
    last_used_at: datetime | None = None
    # An OAuth grant's audience (RFC 8707), and the hashes of the refresh tokens it rotated
    # away: presenting one again is a replay, which revokes the grant (oauth_server.grants).
    resource: str = ""
    retired_refresh_hashes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _normalise_fields(self)

    @property
    def expires_at(self) -> datetime:
        """Return when the whole session is dead: the later of its two expiries."""
        if self.refresh_expires_at is None:
            return self.access_expires_at
        return max(self.access_expires_at, self.refresh_expires_at)

    def access_valid_at(self, now: datetime) -> bool:
        return now < self.access_expires_at

    def refresh_valid_at(self, now: datetime) -> bool:
        return self.refresh_expires_at is not None and now < self.refresh_expires_at


@dataclass(frozen=True, slots=True)
class ClientRecord:
    """A registered API client; only the secret's hash is kept."""

    client_id: str
    secret_hash: str
    name: str
    created_at: datetime
    redirect_uris: tuple[str, ...] = ()
    grant_types: tuple[str, ...] = ()
    # RFC 7591 metadata of dynamically registered clients ("none": a public client, PKCE only).
    token_endpoint_auth_method: str = "client_secret_basic"
    scope: str = ""
    client_uri: str = ""

    def __post_init__(self) -> None:
        _normalise_fields(self)


@dataclass(frozen=True, slots=True)
class ProviderCredentials:
    """A user's tokens for a provider (Google), in clear in memory, encrypted at rest."""

    user_id: str
    access_token: str = field(repr=False)
    updated_at: datetime
    provider: str = "google"
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _normalise_fields(self)

    @property
    def key(self) -> ProviderKey:
        return (self.user_id, self.provider)


class IssuedSession(NamedTuple):
    """A new session and its clear tokens, which are shown once and never stored."""

    record: SessionRecord
    access_token: str
    refresh_token: str | None


def new_session(
    user_id: str,
    name: str,
    *,
    now: datetime,
    scopes: Iterable[str] = (),
    access_ttl: timedelta = timedelta(hours=1),
    refresh_ttl: timedelta | None = timedelta(days=30),
    client_id: str = "",
) -> IssuedSession:
    """Return a new session with fresh tokens; ``refresh_ttl=None`` issues no refresh token."""
    access_token = new_token(ACCESS_TOKEN_PREFIX)
    refresh_token = new_token(REFRESH_TOKEN_PREFIX) if refresh_ttl is not None else None
    record = SessionRecord(
        session_id=secrets.token_hex(16),
        user_id=user_id,
        name=name,
        access_token_hash=hash_token(access_token),
        created_at=now,
        access_expires_at=now + access_ttl,
        refresh_token_hash=hash_token(refresh_token) if refresh_token else None,
        refresh_expires_at=now + refresh_ttl if refresh_ttl is not None else None,
        scopes=tuple(scopes),
        client_id=client_id,
    )
    return IssuedSession(record, access_token, refresh_token)


def new_state(
    *, now: datetime, ttl: timedelta = timedelta(minutes=10), **fields: Any
) -> tuple[StateRecord, str]:
    """Return a new state record and the clear state to put in the redirect URL."""
    state = new_token(STATE_PREFIX)
    record = StateRecord(hash_token(state), created_at=now, expires_at=now + ttl, **fields)
    return record, state


def new_auth_code(
    client_id: str,
    user_id: str,
    redirect_uri: str,
    *,
    now: datetime,
    ttl: timedelta = timedelta(minutes=1),
    **fields: Any,
) -> tuple[AuthCodeRecord, str]:
    """Return a new authorization code record and the clear code to send to the client."""
    code = new_token(AUTH_CODE_PREFIX)
    record = AuthCodeRecord(
        hash_token(code), client_id, user_id, redirect_uri, now, now + ttl, **fields
    )
    return record, code


def new_client(
    name: str,
    *,
    now: datetime,
    redirect_uris: Iterable[str] = (),
    grant_types: Iterable[str] = ("authorization_code", "refresh_token"),
) -> tuple[ClientRecord, str]:
    """Return a new client record and its clear secret, shown once at registration."""
    secret = new_token(CLIENT_SECRET_PREFIX)
    record = ClientRecord(
        client_id=CLIENT_ID_PREFIX + secrets.token_hex(12),
        secret_hash=hash_token(secret),
        name=name,
        created_at=now,
        redirect_uris=tuple(redirect_uris),
        grant_types=tuple(grant_types),
    )
    return record, secret
