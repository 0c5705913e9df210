from __future__ import annotations

from django.urls import path

from mails import views

app_name = "mails"

urlpatterns = [
    path("mails", views.mail_list, name="list"),
]
