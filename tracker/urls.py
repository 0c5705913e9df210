from __future__ import annotations

from django.urls import path

from tracker import api, review, views, workflow_views

app_name = "tracker"

urlpatterns = [
    path("applications", views.application_list, name="list"),
    # Before <application_id>: these names are never ObjectIds, but the pattern would take them.
    path("applications/dashboard", views.dashboard_page, name="dashboard"),
    path("applications/export.csv", views.export_csv, name="export"),
    path("applications/not-job", views.not_job_list, name="not_job_list"),
    path("applications/new", workflow_views.new_application, name="new"),
    path("applications/board", workflow_views.board_page, name="board"),
    path("applications/settings", workflow_views.settings_page, name="settings"),
    path("applications/settings/feed", workflow_views.feed_issue, name="feed_issue"),
    path("applications/settings/feed/revoke", workflow_views.feed_revoke, name="feed_revoke"),
    path("applications/calendar.ics", workflow_views.calendar_feed, name="calendar_feed"),
    path("applications/interviews/scan", workflow_views.scan_interviews, name="scan_interviews"),
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
    path("applications/<str:application_id>/edit", workflow_views.edit_application, name="edit"),
    path(
        "applications/<str:application_id>/delete",
        workflow_views.delete_application,
        name="delete",
    ),
    path("applications/<str:application_id>/notes", workflow_views.add_note, name="add_note"),
    path(
        "applications/<str:application_id>/notes/<str:note_id>/delete",
        workflow_views.delete_note,
        name="delete_note",
    ),
    path(
        "applications/<str:application_id>/next-action",
        workflow_views.next_action,
        name="next_action",
    ),
    path("applications/<str:application_id>/follow-up", workflow_views.follow_up, name="follow_up"),
    path("applications/<str:application_id>/move", workflow_views.move_application, name="move"),
    path("applications/<str:application_id>/attach", workflow_views.attach_email, name="attach"),
    path(
        "applications/<str:application_id>/emails/<str:message_id>/detach",
        workflow_views.detach_email,
        name="detach",
    ),
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
