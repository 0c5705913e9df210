"""Top-level URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from mailbox_project.health import healthz

admin.site.site_header = "Mailbox administration"
admin.site.site_title = "Mailbox admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before admin/: its /admin/system/ page would otherwise be the admin's 404.
    path("", include("ops.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("mails.urls")),
    path("", include("tracker.urls")),
    path("", include("oauth_server.urls")),
    path("", include("privacy.urls")),
    path("", include("social_django.urls", namespace="social")),
]
