from __future__ import annotations

from django.urls import path

from mails import api, attachments, message_views, push, views

app_name = "mails"

urlpatterns = [
    path("mails", views.mail_list, name="list"),
    path("mails/sync-status", views.sync_status, name="sync_status"),
    path("mails/sync-now", views.sync_now, name="sync_now"),
    path("mails/push/", push.push_notification, name="push"),
    # After the fixed paths above: a Gmail id never spells "sync-status", but the URL could.
    path("mails/<str:gmail_id>", message_views.mail_detail, name="detail"),
    path("mails/<str:gmail_id>/html", message_views.mail_html_frame, name="html_frame"),
    path("mails/<str:gmail_id>/show-images", message_views.show_images, name="show_images"),
    path(
        "mails/<str:gmail_id>/attachments/<int:index>",
        attachments.download,
        name="attachment",
    ),
    path("api/mails", api.mail_list, name="api_list"),
    path("api/mails/<str:gmail_id>", api.mail_detail, name="api_detail"),
]
