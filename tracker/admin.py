"""Admin of the tracker: a read-only view of job applications with their timelines, for support."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from accounts.admin import ReadOnlyAdmin, SupportAccessAdmin
from accounts.audit import has_support_access
from accounts.models import AuditEvent
from tracker.models import ApplicationEmail, JobApplication

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups


class ApplicationEmailInline(admin.TabularInline[ApplicationEmail, JobApplication]):
    model = ApplicationEmail
    fields = ("date", "status", "subject", "message_id", "corrected")
    readonly_fields = fields
    ordering = ("date",)
    extra = 0
    can_delete = False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> _FieldGroups:
        # The subject is content (see MessageAdmin); the JobApplicationAdmin audits the page.
        if has_support_access(request.user):
            return self.fields
        return tuple(field for field in self.fields if field != "subject")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(JobApplication)
class JobApplicationAdmin(ReadOnlyAdmin[JobApplication], SupportAccessAdmin[JobApplication]):
    """Read-only view of the tracker, for support: people correct their own data in the app.

    Edits and deletes here would bypass the tracker's lock and its summaries (and a delete's
    confirmation lists companies); ``manage.py
    rebuild_applications EMAIL`` is the repair tool. Company, position and the emails' subjects
    need support access; dates, counts and statuses do not.
    """

    list_display = ("user", "status", "email_count", "applied_at", "last_activity_at")
    support_list_display = (
        "company",
        "position",
        "user",
        "status",
        "email_count",
        "last_activity_at",
    )
    search_fields = ("user__email",)
    content_search_fields = ("company", "position")
    content_fields = ("company", "company_key", "position", "position_key")
    audit_item = AuditEvent.What.APPLICATION
    audit_list = AuditEvent.What.APPLICATION_LIST
    # Read-only, but the change form still builds fields: say the scheme Django 6 will assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("status",)
    list_select_related = ("user",)
    ordering = ("-last_activity_at",)
    inlines = (ApplicationEmailInline,)
