from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Model, QuerySet, URLField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from accounts import audit
from accounts.models import AuditEvent, User
from accounts.signals import sync_requested

if TYPE_CHECKING:
    # The stubs' names for what these hooks return (they exist only for type checkers).
    from django.contrib.admin.options import _FieldGroups, _ListDisplayT
    from django.utils.datastructures import _ListOrTuple

_M = TypeVar("_M", bound=Model)


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _owner_id(obj: Model) -> Any:
    # Every audited model has a ``user`` foreign key: the person whose data it is.
    return obj.serializable_value("user")


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """An admin that shows records and never adds, edits or deletes them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SupportAccessAdmin(admin.ModelAdmin[_M]):
    """An admin of people's data that shows contents only with ``accounts.support_access``.

    Without it, staff get the metadata columns, fields and search; the page title and
    breadcrumbs name the object by id, since ``str()`` of a message or an application shows its
    subject or company. With it, every page that shows contents records an audit event.
    """

    content_fields: tuple[str, ...] = ()
    # The change list's columns with support access (``list_display`` is the metadata view).
    support_list_display: tuple[str, ...] = ()
    content_search_fields: tuple[str, ...] = ()
    audit_item: AuditEvent.What
    audit_list: AuditEvent.What
    change_form_template = "admin/support/change_form.html"
    object_history_template = "admin/support/object_history.html"

    def audited_id(self, obj: _M) -> str:
        """Return the id the person will recognise on their account page."""
        return str(obj.pk)

    def metadata_label(self, obj: _M) -> str:
        return f"{self.opts.verbose_name} {self.audited_id(obj)}"

    def get_fields(self, request: HttpRequest, obj: _M | None = None) -> _FieldGroups:
        fields = super().get_fields(request, obj)
        if audit.has_support_access(request.user):
            return fields
        return tuple(field for field in fields if field not in self.content_fields)

    def get_list_display(self, request: HttpRequest) -> _ListDisplayT[_M]:
        if self.support_list_display and audit.has_support_access(request.user):
            return self.support_list_display
        return super().get_list_display(request)

    def get_search_fields(self, request: HttpRequest) -> _ListOrTuple[str]:
        found = super().get_search_fields(request)
        if audit.has_support_access(request.user):
            return (*found, *self.content_search_fields)
        return found

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: _M | None = None,
    ) -> HttpResponse:
        if obj is not None:
            if audit.has_support_access(request.user):
                # Recorded before the page is sent: a look that cannot be audited is no look.
                audit.record(_staff(request), _owner_id(obj), self.audit_item, self.audited_id(obj))
                context["object_label"] = str(obj)
            else:
                context["subtitle"] = context["object_label"] = self.metadata_label(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        shows_contents = self.support_list_display and audit.has_support_access(request.user)
        if shows_contents and isinstance(response, TemplateResponse):
            changelist = (response.context_data or {}).get("cl")
            if changelist is not None:
                owners = [_owner_id(obj) for obj in changelist.result_list]
                audit.record_list(_staff(request), owners, self.audit_list)
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Django titles the page with str(obj); the id is all a history page needs.
        label = f"{self.opts.verbose_name} {object_id}"
        context = {"title": f"Change history: {label}", "object_label": label}
        return super().history_view(request, object_id, {**context, **(extra_context or {})})


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    # The Google picture URL: say the scheme Django 6 will assume (no deprecation warning).
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    ordering = ("email",)
    search_fields = ("email", "name")
    list_display = (
        "email",
        "name",
        "is_active",
        "needs_reconnect",
        "is_staff",
        "last_sync_time",
        "last_seen_at",
        "created_at",
    )
    list_filter = ("is_active", "needs_reconnect", "is_staff", "is_superuser")
    readonly_fields = ("created_at", "last_login", "last_sync_time", "last_seen_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "picture", "time_zone")}),
        ("Sync", {"fields": ("needs_reconnect", "last_sync_time", "last_seen_at")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("created_at", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ("groups",)
    actions = ("sync_now", "full_resync")

    @admin.action(description="Sync now")
    def sync_now(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            sync_requested.send(sender=User, user=user, full=False)
        messages.info(request, f"Sync requested for {queryset.count()} user(s).")

    @admin.action(description="Full resync (keeps stored mail)")
    def full_resync(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            sync_requested.send(sender=User, user=user, full=True)
        messages.info(request, f"Full resync requested for {queryset.count()} user(s).")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin[AuditEvent]):
    """Staff looks at people's data, read-only: the record must not be editable by the lookers."""

    list_display = ("at", "actor_email", "user", "what", "object_id", "count")
    list_filter = ("what",)
    search_fields = ("actor_email", "user__email", "object_id")
    list_select_related = ("user",)
    ordering = ("-at",)
