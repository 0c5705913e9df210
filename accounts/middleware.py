"""Request middleware: friendly sign-in errors and the "last seen" timestamp."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from social_core.exceptions import (
    AuthCanceled,
    AuthCredentialError,
    AuthPolicyError,
    AuthProviderError,
    AuthResponseError,
    AuthSessionError,
)
from social_django.middleware import SocialAuthExceptionMiddleware

from accounts.models import User

LAST_SEEN_RESOLUTION = timedelta(minutes=1)

UNVERIFIED_EMAIL = "Google did not confirm this account's email address, so Mailbox cannot use it."
FRIENDLY_MESSAGES: tuple[tuple[type[Exception], str], ...] = (
    (AuthCanceled, "You cancelled the Google sign-in. Nothing was shared with Mailbox."),
    (
        AuthSessionError,
        "That sign-in link expired or was opened in another browser. Please try again.",
    ),
    (AuthProviderError, "Google could not be reached just now. Please try again in a minute."),
    (AuthPolicyError, "This Google account cannot sign in to Mailbox."),
    (AuthCredentialError, "Google did not accept the sign-in. Please try again."),
)


class FriendlySocialAuthErrors(SocialAuthExceptionMiddleware):
    """Turn every sign-in failure into a message on the sign-in page, never a 500.

    The parent re-raises in DEBUG; a person trying the demo must see the same page as in
    production, so it never does here.
    """

    def raise_exception(self, request: HttpRequest, exception: Exception) -> bool:
        return False

    def get_redirect_uri(self, request: HttpRequest, exception: Exception) -> str:
        return "/sign_in"

    def get_message(self, request: HttpRequest, exception: Exception) -> str:
        if isinstance(exception, AuthResponseError) and exception.claim == "email_verified":
            return UNVERIFIED_EMAIL
        for kind, message in FRIENDLY_MESSAGES:
            if isinstance(exception, kind):
                return message
        return "Signing in with Google failed. Please try again."


class LastSeenMiddleware:
    """Record when a signed-in person was last active, at most once a minute per user.

    The sync keeps a mailbox current only for people seen recently (SYNC_ACTIVE_WINDOW).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            assert isinstance(user, User)
            if user.last_seen_at is None or now - user.last_seen_at >= LAST_SEEN_RESOLUTION:
                User.objects.filter(pk=user.pk).update(last_seen_at=now)
                user.last_seen_at = now
        return self.get_response(request)
