"""``{% connected_apps user %}``: the account page's list of apps holding an OAuth grant.

A tag rather than view context, so the account page (another app's view) needs one include.
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import User
from oauth_server import connected
from oauth_server.scopes import DESCRIPTIONS

register = template.Library()


@register.inclusion_tag("oauth_server/_connected_apps.html")
def connected_apps(user: User) -> dict[str, Any]:
    return {"apps": connected.list_for(user), "descriptions": DESCRIPTIONS}
