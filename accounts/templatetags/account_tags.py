"""Template filters of every page's frame (base.html): the Google link's state."""

from __future__ import annotations

from django import template

from accounts.connection import GoogleState, google_state
from accounts.models import User

register = template.Library()


@register.filter
def lost_google_access(user: object) -> bool:
    """True when Google refused Mailbox's access (not when the person disconnected it, nor
    for an account that never had Google): only then is the reconnect warning shown."""
    if not isinstance(user, User) or not user.needs_reconnect:
        return False  # the common case costs no query
    return google_state(user) is GoogleState.LOST
