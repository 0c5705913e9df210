from __future__ import annotations

from django.urls import path

from mails import views

app_name = "mails"

urlpatterns = [
    path("mails", views.mail_list, name="list"),
    path("mails/sync-status", views.sync_status, name="sync_status"),
    path("mails/sync-now", views.sync_now, name="sync_now"),
    path("mails/push/", views.push_notification, name="push"),
]
