from __future__ import annotations

import logging

from django.apps import AppConfig


class OauthServerConfig(AppConfig):
    name = "oauth_server"
    verbose_name = "OAuth server"

    def ready(self) -> None:
        # Authlib logs issued token responses at DEBUG ("Issue token %r to %r"): keep its
        # loggers above DEBUG whatever the root level, so no token ever reaches a log.
        logging.getLogger("authlib").setLevel(logging.INFO)
