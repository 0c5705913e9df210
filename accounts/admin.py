from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import User
from accounts.signals import sync_requested


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
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
        ("Profile", {"fields": ("name", "picture")}),
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
