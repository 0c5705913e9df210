from __future__ import annotations

from django.contrib import admin

from mails.models import Label, Message, SyncState


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ("subject", "from_address", "user", "internal_date", "is_unread")
    search_fields = ("subject", "user__email", "gmail_id")
    list_select_related = ("user",)
    ordering = ("-internal_date",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin[SyncState]):
    list_display = ("user", "phase", "messages_done", "messages_total", "finished_at", "last_error")
    list_filter = ("phase",)
    search_fields = ("user__email",)
    list_select_related = ("user",)


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin[Label]):
    """Labels come from Gmail's labels.list; the admin only looks."""

    list_display = ("name", "label_id", "kind", "user")
    list_filter = ("kind",)
    search_fields = ("name", "label_id", "user__email")
    list_select_related = ("user",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
