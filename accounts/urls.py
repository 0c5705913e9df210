from __future__ import annotations

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign_in", views.sign_in, name="sign_in"),
    path("sign_out", views.sign_out, name="sign_out"),
    path("account", views.account, name="account"),
    path("account/disconnect", views.disconnect_google, name="disconnect_google"),
    path("account/time-zone", views.set_time_zone, name="set_time_zone"),
    path("account/time-zone/detect", views.detect_time_zone, name="detect_time_zone"),
    path("account/tokens", views.api_tokens_page, name="api_tokens"),
    path("account/tokens/<str:session_id>/revoke", views.revoke_api_token, name="revoke_api_token"),
]
