"""Steps of the social-auth pipeline for Google sign-in (see SOCIAL_AUTH_PIPELINE in settings).

Google's tokens go to the encrypted token store and are never written to
``UserSocialAuth.extra_data``: the pipeline leaves out social-core's ``load_extra_data``, which
would store them in plain text (and so in MongoDB's oplog) before any later step could strip them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from social_core.exceptions import AuthPolicyError

from accounts import google
from accounts.models import User
from accounts.signals import google_connected

logger = logging.getLogger(__name__)

# Keys social-core's load_extra_data used to copy from the token response into extra_data; rows
# written before it left the pipeline are cleaned on the user's next sign-in.
TOKEN_KEYS = ("access_token", "refresh_token", "id_token", "token_type", "expires", "auth_time")


def create_or_update_user(
    backend: Any,
    details: dict[str, Any],
    response: dict[str, Any],
    user: User | None = None,
    **_: Any,
) -> dict[str, Any]:
    """Return the Mailbox user for this Google account, created or refreshed from its profile.

    Users are matched by email: Google verified it (the backend refuses unverified ones), and it
    is our unique login identifier.
    """
    email = (details.get("email") or "").strip().lower()
    if not email:
        raise AuthPolicyError(backend)
    if user is None:
        user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email)
        logger.info("created user %s from Google sign-in", user.pk)
    elif not user.is_active:
        raise AuthPolicyError(backend)
    user.name = response.get("name") or details.get("fullname") or user.name
    user.picture = response.get("picture") or user.picture
    user.last_login = timezone.now()
    user.save(update_fields=["name", "picture", "last_login"])
    return {"user": user, "is_new": False}


def store_tokens(
    backend: Any, user: User, response: dict[str, Any], social: Any = None, **_: Any
) -> None:
    """Send Google's tokens to the token store, strip any old ones from extra_data, clear reconnect.

    ``response`` is the token endpoint's answer as the backend received it; nothing before this
    step has written it anywhere.
    """
    if "access_token" not in response:
        raise AuthPolicyError(backend)
    google.store_tokens(user, response)
    if social is not None:
        extra = {k: v for k, v in (social.extra_data or {}).items() if k not in TOKEN_KEYS}
        if extra != social.extra_data:
            social.extra_data = extra
            social.save(update_fields=["extra_data"])
    if user.needs_reconnect:
        User.objects.filter(pk=user.pk).update(needs_reconnect=False)
        user.needs_reconnect = False


def announce_connection(user: User, **_: Any) -> None:
    """Tell other apps (the sync) that this user's Gmail is connected."""
    google_connected.send(sender=User, user=user)
