"""Operations URLs: ``/metrics`` (Prometheus) and the admin's ``/admin/system/`` page."""

from __future__ import annotations

from django.urls import path

from ops.exposition import metrics_view
from ops.views import system_page

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
    path("admin/system/", system_page, name="ops_system"),
]
