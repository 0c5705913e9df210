from __future__ import annotations

from django.apps import AppConfig


class MailsConfig(AppConfig):
    name = "mails"
    verbose_name = "Mail"
