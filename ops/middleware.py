"""Request metrics: count and time every request by its route name (``mailbox_project.metrics``)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from mailbox_project.metrics import HTTP_REQUESTS, HTTP_SECONDS, SEARCH_SECONDS

# The routes whose latency is search latency (the page and the API run the search service).
SEARCH_ROUTES = frozenset({"mails:list", "mails:api_list"})


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = request.resolver_match
        # Route names, never paths: a path holds ids, and every id would be a new series.
        route = match.view_name if match is not None else "unmatched"
        HTTP_REQUESTS.labels(route=route, status=f"{response.status_code // 100}xx").inc()
        HTTP_SECONDS.labels(route=route).observe(elapsed)
        if route in SEARCH_ROUTES:
            SEARCH_SECONDS.labels(endpoint=route).observe(elapsed)
        return response
