"""Where a person's link to Google stands, in words the pages can show.

``needs_reconnect`` alone cannot tell the cases apart: it is set when Google refused Mailbox's
tokens (access *lost*: the person should reconnect), but also when the person clicked
"Disconnect Google" (they chose it: the page must say "Disconnected", not warn), and for an
account that never had Google at all (a staff login made with ``createsuperuser``). The
difference is the social-auth link: it stays when access is lost and is deleted by
``google.disconnect``; an account made without Google never had one.
"""

from __future__ import annotations

from enum import StrEnum

from accounts import google
from accounts.models import User


class GoogleState(StrEnum):
    CONNECTED = "connected"
    LOST = "lost"  # Google refused the tokens: reconnect
    DISCONNECTED = "disconnected"  # the person disconnected, or never connected


def google_state(user: User) -> GoogleState:
    """Return the state of the person's Google link (one or two small queries)."""
    if not user.needs_reconnect and google.has_credentials(user):
        return GoogleState.CONNECTED
    if user.social_auth.exists():
        return GoogleState.LOST
    return GoogleState.DISCONNECTED
