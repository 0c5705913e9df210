from __future__ import annotations

from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = "Email analysis"

    def ready(self) -> None:
        # Connect the pipeline (follows the mailbox: ``tasks.analyse_new_messages``, and the
        # receivers); the tracker app follows the analyses.
        from analysis import receivers, tasks  # noqa: F401
