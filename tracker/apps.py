from __future__ import annotations

from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Job-application tracker"

    def ready(self) -> None:
        # The tracker follows the analyses through analysis's signals; analysis never imports it.
        from tracker import receivers  # noqa: F401
