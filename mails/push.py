"""The Gmail push endpoint: authenticate and decode a Pub/Sub push, then wake that mailbox.

https://cloud.google.com/pubsub/docs/push#receive_push and
https://developers.google.com/workspace/gmail/api/guides/push#receiving_notifications
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import requests
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from google.auth import transport
from google.auth.exceptions import GoogleAuthError
from google.oauth2 import id_token

from accounts.errors import TransientError
from accounts.models import User
from mails import tasks
from mails.models import SyncState

logger = logging.getLogger(__name__)

# Google's certificate endpoint answers in well under a second; a push waits for it at most
# this long (Pub/Sub redelivers a 503), where google-auth's own transport waits 120 s.
CERTS_TIMEOUT_SECONDS = 5.0
# When the endpoint sends no max-age (Google sends hours), certificates are kept this long.
DEFAULT_CERTS_MAX_AGE = 300
GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
_MAX_AGE = re.compile(r"max-age=(\d+)")


class BadPush(ValueError):
    """The request is not a well-formed Gmail push notification."""


class CertificatesUnavailable(TransientError):
    """Google's signing certificates could not be fetched: the push cannot be checked now."""


@dataclass(frozen=True)
class _CertsResponse(transport.Response):
    """A certificate response as google-auth's verifier reads it (always a 200 here)."""

    body: bytes

    @property
    def status(self) -> int:
        return 200

    @property
    def headers(self) -> Mapping[str, str]:
        return {}

    @property
    def data(self) -> bytes:
        return self.body


class GoogleCerts(transport.Request):
    """The seam for the one Google call on the push path: Google's OIDC signing certificates.

    A google-auth transport that ``id_token.verify_token`` fetches the certificates through:
    fetched with a short timeout, kept per process as long as the response's Cache-Control
    max-age says (Google rotates keys after announcing them for days), shared by the server's
    threads. A failed fetch raises ``CertificatesUnavailable`` instead of answering non-200.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: dict[str, tuple[float, bytes]] = {}  # url → (expires at, body)

    def __call__(
        self, url: str, method: str = "GET", *args: object, **kwargs: object
    ) -> transport.Response:
        with self._lock:
            expires_at, body = self._cached.get(url, (0.0, b""))
            if time.monotonic() >= expires_at:
                expires_at, body = self._fetch(url)
                self._cached[url] = (expires_at, body)
            return _CertsResponse(body)

    def forget(self) -> None:
        with self._lock:
            self._cached.clear()

    def _fetch(self, url: str) -> tuple[float, bytes]:
        try:
            response = requests.get(url, timeout=CERTS_TIMEOUT_SECONDS)
            response.raise_for_status()
            certs = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise CertificatesUnavailable(
                f"Google's signing certificates are unavailable ({type(exc).__name__})"
            ) from exc
        if not isinstance(certs, dict) or not all(isinstance(v, str) for v in certs.values()):
            raise CertificatesUnavailable("Google's signing certificates came malformed")
        match = _MAX_AGE.search(response.headers.get("Cache-Control", ""))
        max_age = int(match.group(1)) if match else DEFAULT_CERTS_MAX_AGE
        return time.monotonic() + max_age, response.content


GOOGLE_CERTS = GoogleCerts()


@dataclass(frozen=True)
class Notification:
    email: str
    history_id: int


def authenticated(request: HttpRequest) -> bool:
    """Return whether the caller proved it is our Pub/Sub subscription.

    Two configurable ways: a shared secret sent as a bearer token (the emulator, or a push
    subscription with an auth header), or the OIDC JWT Pub/Sub signs for the configured audience.
    Raises ``CertificatesUnavailable`` when the JWT cannot be checked now.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    secret = settings.PUSH_WEBHOOK_TOKEN
    if secret and hmac.compare_digest(token.encode(), secret.encode()):
        return True
    return bool(settings.PUSH_OIDC_AUDIENCE) and _valid_google_jwt(token)


def _valid_google_jwt(token: str) -> bool:
    try:
        claims = id_token.verify_token(
            token,
            GOOGLE_CERTS,
            audience=settings.PUSH_OIDC_AUDIENCE,
            certs_url=settings.PUSH_OIDC_CERTS_URL,
        )
    except (GoogleAuthError, ValueError) as exc:
        logger.info("push JWT rejected: %s", type(exc).__name__)
        return False
    if claims.get("iss") not in GOOGLE_ISSUERS:
        logger.info("push JWT rejected: issuer")
        return False
    expected = settings.PUSH_OIDC_SERVICE_ACCOUNT
    return not expected or (
        claims.get("email") == expected and claims.get("email_verified") is True
    )


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


@csrf_exempt  # Pub/Sub cannot send a CSRF token; it authenticates with a bearer token instead.
@require_POST
def push_notification(request: HttpRequest) -> HttpResponse:
    """Accept a Gmail push (Pub/Sub envelope) and wake that mailbox's sync; answer at once.

    Unknown or disconnected mailboxes and stale history ids are acknowledged (204) so Pub/Sub
    does not redeliver them; only a malformed body is a 400.
    """
    try:
        if not authenticated(request):
            return JsonResponse(
                {"error": {"code": "forbidden", "message": "Bad push credentials."}}, status=403
            )
    except CertificatesUnavailable as exc:
        # Pub/Sub redelivers on 503; the notification is not lost.
        return JsonResponse({"error": {"code": "unavailable", "message": str(exc)}}, status=503)
    try:
        notification = decode(request.body)
    except BadPush as exc:
        return JsonResponse({"error": {"code": "bad_request", "message": str(exc)}}, status=400)
    user = User.objects.filter(email=notification.email, is_active=True).first()
    if user is None or user.needs_reconnect:
        return HttpResponse(status=204)
    synced_to = SyncState.objects.filter(user=user).values_list("history_id", flat=True).first()
    if synced_to is not None and notification.history_id <= synced_to:
        return HttpResponse(status=204)
    tasks.wake(user.pk)
    return HttpResponse(status=204)
