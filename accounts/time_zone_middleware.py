"""Every page is rendered in the signed-in person's time zone (``User.time_zone``).

Activating the zone per request makes Django's ``localtime``/``localdate`` and the ``date`` and
``time`` template filters use it everywhere: the mail pages, the tracker's pages and the
account page alike, with no helper of their own. Anyone signed out sees UTC.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from accounts.models import User
from accounts.time_zones import zone


class UserTimeZoneMiddleware:
    """Activate the person's zone for the request (after ``AuthenticationMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if isinstance(user, User):
            timezone.activate(zone(user.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
