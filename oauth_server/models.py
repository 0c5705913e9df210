"""Registered OAuth clients as the admin sees them: a read view of the token store's clients.

The records live in the token store's ``token_clients`` collection (``accounts.tokens``), not in
an ORM table: this unmanaged model only lets staff list them and delete one in the admin, and
deletion goes through the token store (``admin.py``) so every process's cache drops it.
"""

from __future__ import annotations

from django.db import models


class RegisteredClient(models.Model):
    client_id = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    redirect_uris = models.JSONField(default=list)
    token_endpoint_auth_method = models.CharField(max_length=40, default="")

    class Meta:
        managed = False
        db_table = "token_clients"
        verbose_name = "registered OAuth client"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"
