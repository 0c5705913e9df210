from __future__ import annotations

from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = "Job-application analysis"

    def ready(self) -> None:
        # Connect the pipeline (follows the mailbox) and the tracker (follows the analyses).
        from analysis import receivers, tracker_receivers  # noqa: F401
