from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Metrics follow the other apps through their signals (and Celery's), so their code
        # stays unaware of Prometheus except at the few seams no signal passes.
        from django.contrib import admin

        from ops import receivers

        receivers.connect()
        # The admin's index links the System page (ops/urls.py) above the apps' models.
        admin.site.index_template = "ops/admin_index.html"
