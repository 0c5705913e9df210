"""Staff list the registered OAuth clients and delete one; deletion goes through the token store."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.tokens.factory import get_token_store
from oauth_server.models import RegisteredClient


@admin.register(RegisteredClient)
class RegisteredClientAdmin(admin.ModelAdmin[RegisteredClient]):
    list_display = ("name", "client_id", "token_endpoint_auth_method", "created_at")
    search_fields = ("name", "client_id")
    readonly_fields = (
        "client_id",
        "name",
        "created_at",
        "redirect_uris",
        "token_endpoint_auth_method",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: RegisteredClient) -> None:
        # Through the store: every process's cache forgets the client, and its tokens stop
        # validating (the bearer check requires the client to exist).
        get_token_store().delete_client(obj.client_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RegisteredClient]) -> None:
        for client in queryset:
            get_token_store().delete_client(client.client_id)
