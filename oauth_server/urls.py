from __future__ import annotations

from django.urls import path

from oauth_server import views

app_name = "oauth_server"

urlpatterns = [
    path(
        ".well-known/oauth-authorization-server",
        views.authorization_server_metadata,
        name="metadata",
    ),
    path(
        ".well-known/oauth-protected-resource",
        views.protected_resource_metadata,
        name="resource_metadata",
    ),
    # RFC 9728 section 3.1: the well-known segment goes before the resource's path.
    path(
        ".well-known/oauth-protected-resource/mcp",
        views.protected_resource_metadata,
        name="mcp_resource_metadata",
    ),
    path("oauth/authorize", views.authorize, name="authorize"),
    path("oauth/token", views.token, name="token"),
    path("oauth/revoke", views.revoke, name="revoke"),
    path("oauth/register", views.register, name="register"),
    path(
        "account/apps/<str:session_id>/revoke",
        views.revoke_connected_app,
        name="revoke_connected_app",
    ),
]
