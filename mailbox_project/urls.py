"""Top-level URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from mailbox_project.health import healthz
from ops.exposition import metrics_view
from ops.views import system_page

admin.site.site_header = "Mailbox administration"
admin.site.site_title = "Mailbox admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/system/", system_page, name="ops_system"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("mails.urls")),
    path("", include("tracker.urls")),
    path("", include("oauth_server.urls")),
    path("", include("social_django.urls", namespace="social")),
]
