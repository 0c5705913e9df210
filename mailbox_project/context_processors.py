"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {"using_google_emulator": settings.USING_GOOGLE_EMULATOR, "debug": settings.DEBUG}
