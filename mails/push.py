"""Authenticate and decode Pub/Sub push requests carrying Gmail notifications.

https://cloud.google.com/pubsub/docs/push#receive_push and
https://developers.google.com/workspace/gmail/api/guides/push#receiving_notifications
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


class BadPush(ValueError):
    """The request is not a well-formed Gmail push notification."""


@dataclass(frozen=True)
class Notification:
    email: str
    history_id: int


def authenticated(request: HttpRequest) -> bool:
    """Return whether the caller proved it is our Pub/Sub subscription.

    Two configurable ways: a shared secret sent as a bearer token (the emulator, or a push
    subscription with an auth header), or the OIDC JWT Pub/Sub signs for the configured audience.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    secret = settings.PUSH_WEBHOOK_TOKEN
    if secret and hmac.compare_digest(token.encode(), secret.encode()):
        return True
    return bool(settings.PUSH_OIDC_AUDIENCE) and _valid_google_jwt(token)


def _valid_google_jwt(token: str) -> bool:
    from google.auth.exceptions import GoogleAuthError
    from google.auth.transport.requests import Request
    from google.oauth2 import id_token

    try:
        claims = id_token.verify_oauth2_token(  # type: ignore[no-untyped-call]
            token, Request(), settings.PUSH_OIDC_AUDIENCE
        )
    except (GoogleAuthError, ValueError) as exc:
        logger.info("push JWT rejected: %s", type(exc).__name__)
        return False
    expected = settings.PUSH_OIDC_SERVICE_ACCOUNT
    return not expected or (claims.get("email") == expected and claims.get("email_verified"))


def decode(body: bytes) -> Notification:
    """Return the notification inside a Pub/Sub push envelope, or raise ``BadPush``."""
    try:
        envelope = json.loads(body)
        data = envelope["message"]["data"]
        padded = data + "=" * (-len(data) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded))
        email = str(payload["emailAddress"]).strip().lower()
        history_id = int(payload["historyId"])
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise BadPush(f"not a Gmail push notification ({type(exc).__name__})") from exc
    if not email or history_id <= 0:
        raise BadPush("emailAddress and a positive historyId are required")
    return Notification(email, history_id)
