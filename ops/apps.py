from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Metrics follow the other apps through their signals (and Celery's), so their code
        # stays unaware of Prometheus except at the few seams no signal passes.
        from ops import receivers

        receivers.connect()
