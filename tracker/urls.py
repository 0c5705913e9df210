from __future__ import annotations

from django.urls import path

from tracker import api, review, views

app_name = "tracker"

urlpatterns = [
    path("applications", views.application_list, name="list"),
    # Before <application_id>: these names are never ObjectIds, but the pattern would take them.
    path("applications/dashboard", views.dashboard_page, name="dashboard"),
    path("applications/export.csv", views.export_csv, name="export"),
    path("applications/not-job", views.not_job_list, name="not_job_list"),
    path(
        "applications/not-job/<str:message_id>/restore",
        views.restore_email,
        name="restore_email",
    ),
    path("applications/<str:application_id>", views.application_detail, name="detail"),
    path(
        "applications/<str:application_id>/correct",
        views.correct_application,
        name="correct",
    ),
    path("applications/<str:application_id>/merge", views.merge_application, name="merge"),
    path(
        "applications/<str:application_id>/emails/<str:message_id>/correct",
        views.correct_email,
        name="correct_email",
    ),
    path(
        "applications/<str:application_id>/emails/<str:message_id>/not-job",
        views.mark_not_job,
        name="not_job",
    ),
    path(
        "applications/<str:application_id>/emails/<str:message_id>/reset",
        views.reset_email,
        name="reset_email",
    ),
    path(
        "applications/<str:application_id>/emails/<str:message_id>/confirm",
        review.confirm_email,
        name="confirm_email",
    ),
    path("api/applications", api.application_list, name="api_list"),
    path("api/applications/<str:application_id>", api.application_detail, name="api_detail"),
]
