from __future__ import annotations

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin, SupportAccessAdmin
from accounts.models import AuditEvent
from mails.models import Label, Message, SyncState


@admin.register(Message)
# The store mirrors Gmail: a message edited or deleted here would come back with the next sync,
# and a delete's confirmation page would list subjects.
class MessageAdmin(ReadOnlyAdmin[Message], SupportAccessAdmin[Message]):
    """Messages, read-only. Metadata for all staff; contents with support access (audited).

    Metadata is what a mail server's log holds: addresses, dates, labels, size, ids. The
    subject counts as content: it is often the message in one line ("Your test results",
    "Offer from Acme"), and so are the snippet, the body and attachment names.
    """

    list_display = ("gmail_id", "from_address", "user", "internal_date", "is_unread")
    support_list_display = ("subject", "from_address", "user", "internal_date", "is_unread")
    search_fields = ("user__email", "gmail_id", "from_address")
    content_search_fields = ("subject",)
    content_fields = ("subject", "snippet", "body_text", "attachments")
    audit_item = AuditEvent.What.MESSAGE
    audit_list = AuditEvent.What.MESSAGE_LIST
    list_select_related = ("user",)
    ordering = ("-internal_date",)

    def audited_id(self, obj: Message) -> str:
        return obj.gmail_id


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
