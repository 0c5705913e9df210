from __future__ import annotations

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("account/export", views.start_export, name="start_export"),
    path("account/export/status", views.export_status, name="export_status"),
    path("account/export/<str:export_id>/download", views.download, name="download"),
    path("account/delete", views.delete_account, name="delete_account"),
]
