"""The one seam for Google OAuth calls: token refresh and revocation.

Google's access tokens live an hour; workers need one at any time, so the refresh token is kept
encrypted in the token store and exchanged here. Docs:
https://developers.google.com/identity/protocols/oauth2/web-server#offline
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone

from accounts.errors import TransientError, UnrecoverableError
from accounts.models import User
from accounts.signals import google_disconnected
from accounts.tokens.factory import get_token_store, get_uncached_token_store
from accounts.tokens.records import ProviderCredentials
from mailbox_project.redis import UserLock

logger = logging.getLogger(__name__)

PROVIDER = "google"
# Refresh this long before expiry, so a token never dies in the middle of a request.
EXPIRY_SKEW = timedelta(seconds=120)
HTTP_TIMEOUT_SECONDS = 10
REFRESH_LOCK_SECONDS = 30


def store_tokens(user: User, response: dict[str, Any]) -> ProviderCredentials:
    """Keep the tokens of a token-endpoint response (sign-in or refresh) for ``user``.

    Google sends a refresh token only on consent; when none comes, the stored one is kept.
    """
    store = get_token_store()
    previous = store.load_provider_credentials(str(user.pk), PROVIDER)
    refresh_token = response.get("refresh_token") or (previous.refresh_token if previous else None)
    now = timezone.now()
    expires_in = int(response.get("expires_in") or 3600)
    credentials = ProviderCredentials(
        user_id=str(user.pk),
        provider=PROVIDER,
        access_token=str(response["access_token"]),
        refresh_token=refresh_token,
        expires_at=now + timedelta(seconds=expires_in),
        scopes=tuple(str(response.get("scope", "")).split()),
        updated_at=now,
    )
    store.store_provider_credentials(credentials)
    return credentials


def has_credentials(user: User) -> bool:
    return get_token_store().load_provider_credentials(str(user.pk), PROVIDER) is not None


def access_token(user: User, *, rejected: str | None = None) -> str:
    """Return a valid Google access token for ``user``; see ``access_credentials``."""
    return access_credentials(user, rejected=rejected)[0]


def access_credentials(user: User, *, rejected: str | None = None) -> tuple[str, datetime]:
    """Return ``(access token, expiry)`` for ``user``, refreshing it when near expiry.

    ``rejected`` is a token an API just answered 401 for: it is refreshed even if it looks
    fresh. Concurrent callers for one user (five workers at once) cause one refresh: it runs
    under a per-user Redis lock, and whoever waited re-reads what the winner stored.
    Raises ``UnrecoverableError`` (and marks the user) when Google refuses the refresh token.
    """
    credentials = get_token_store().load_provider_credentials(str(user.pk), PROVIDER)
    if _usable(credentials, rejected):
        assert credentials is not None
        assert credentials.expires_at is not None
        return credentials.access_token, credentials.expires_at
    # A lost lock is only warned about: the body stored a valid token, and so did whoever
    # overlapped it (mailbox_project.redis explains the choice).
    lock = UserLock("google-refresh", user.pk, ttl=REFRESH_LOCK_SECONDS, on_lost="warn")
    if not lock.acquire(wait=REFRESH_LOCK_SECONDS):
        raise TransientError("timed out waiting for another worker's token refresh")
    with lock:
        # Read past this process's cache: another process may have refreshed meanwhile.
        current = get_uncached_token_store().load_provider_credentials(str(user.pk), PROVIDER)
        if current is None:
            _lose_access(user, "no Google credentials are stored")
        assert current is not None
        if _usable(current, rejected or (credentials.access_token if credentials else None)):
            assert current.expires_at is not None
            return current.access_token, current.expires_at
        return _refresh(user, current)


def _usable(credentials: ProviderCredentials | None, rejected: str | None) -> bool:
    return (
        credentials is not None
        and credentials.access_token != rejected
        and credentials.expires_at is not None
        and credentials.expires_at - EXPIRY_SKEW > timezone.now()
    )


def _refresh(user: User, credentials: ProviderCredentials) -> tuple[str, datetime]:
    if not credentials.refresh_token:
        _lose_access(user, "no refresh token is stored")
    try:
        response = requests.post(
            settings.GOOGLE_TOKEN_URL,
            data={
                "grant_type": "refresh_token",
                "refresh_token": credentials.refresh_token,
                "client_id": settings.GOOGLE_CLIENT_ID,
                "client_secret": settings.GOOGLE_CLIENT_SECRET,
            },
            timeout=HTTP_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        raise TransientError(f"token endpoint unreachable: {type(exc).__name__}") from exc
    if response.status_code >= 500:
        raise TransientError(f"token endpoint answered {response.status_code}")
    body = _json(response)
    if response.status_code != 200:
        error = str(body.get("error", response.status_code))
        if error in {"invalid_grant", "unauthorized_client"}:
            _lose_access(user, f"Google refused the refresh token ({error})")
        # invalid_client and friends: our configuration is wrong; retrying will not fix it.
        raise UnrecoverableError(f"token endpoint error: {error}")
    if "access_token" not in body:
        raise TransientError("token endpoint answered 200 without an access token")
    stored = store_tokens(user, body)
    logger.info("refreshed Google access token for user %s", user.pk)
    assert stored.expires_at is not None
    return stored.access_token, stored.expires_at


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _lose_access(user: User, reason: str) -> None:
    """Forget the user's Google credentials, ask them to reconnect, and stop."""
    mark_needs_reconnect(user)
    raise UnrecoverableError(reason, needs_reconnect=True)


def mark_needs_reconnect(user: User) -> None:
    get_token_store().delete_provider_credentials(str(user.pk), PROVIDER)
    User.objects.filter(pk=user.pk).update(needs_reconnect=True)
    user.needs_reconnect = True
    google_disconnected.send(sender=User, user=user)


def disconnect(user: User) -> None:
    """Revoke Mailbox's access at Google, forget the credentials and stop syncing."""
    credentials = get_token_store().load_provider_credentials(str(user.pk), PROVIDER)
    if credentials is not None:
        token = credentials.refresh_token or credentials.access_token
        try:
            # Revoking the refresh token also revokes its access tokens.
            requests.post(
                settings.GOOGLE_REVOKE_URL, data={"token": token}, timeout=HTTP_TIMEOUT_SECONDS
            )
        except requests.RequestException as exc:
            # The grant is forgotten here either way; Google expires unused grants itself.
            logger.warning("revoking at Google failed for user %s: %s", user.pk, type(exc).__name__)
    user.social_auth.all().delete()
    mark_needs_reconnect(user)
