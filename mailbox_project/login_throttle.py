"""The first authentication backend: django-axes' lockout check, for admin password logins only.

axes' backend insists on a request, but ``authenticate()`` is also called without one (the test
client's ``login()``, scripts) and without a password (Google sign-in through social-auth).
Neither is an admin-site password login, the only thing throttled (``AXES_ONLY_ADMIN_SITE``),
so both pass through untouched to the next backend.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class AdminLoginThrottle(AxesStandaloneBackend):
    """Refuse a locked-out admin login (raises PermissionDenied); never signs anyone in."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None or password is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None
