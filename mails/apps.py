from __future__ import annotations

from django.apps import AppConfig


class MailsConfig(AppConfig):
    name = "mails"
    verbose_name = "Mail"

    def ready(self) -> None:
        from mails import receivers  # noqa: F401  (connects the signal receivers)
