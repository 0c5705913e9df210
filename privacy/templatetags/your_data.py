"""``{% your_data user %}``: the account page's "Your data" card (export, delete).

A tag rather than view context: ``accounts`` sits below ``privacy`` and must not import it.
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import User
from privacy.models import DataExport

register = template.Library()


@register.inclusion_tag("privacy/_your_data.html", takes_context=True)
def your_data(context: template.Context, user: User) -> dict[str, Any]:
    export = DataExport.objects.filter(user=user).order_by("-created_at").first()
    return {"export": export, "csrf_token": context.get("csrf_token")}
