"""Response headers every dynamic page gets: no shared or on-disk copy of anyone's mail.

Every page and API answer of this app is about one signed-in person (mail, applications,
exports, tokens), so none may be kept by a proxy or the browser's disk cache:
``Cache-Control: private, no-store``. Static files never reach this middleware (WhiteNoise
answers them first, with long-lived public caching of hashed names).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    """Add ``private, no-store`` to every response's Cache-Control (merged with a view's own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
