"""Reactions to analysis events: keep job applications in step with their emails."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver

from analysis import applications
from analysis.signals import analysis_removed, analysis_stored


@receiver(analysis_stored, dispatch_uid="tracker-analysis-stored")
def place_stored_analyses(
    sender: Any, user_id: Any, results: Sequence[dict[str, Any]], **kwargs: Any
) -> None:
    """Group fresh or re-analysed emails into applications (corrections applied on top)."""
    applications.record(user_id, results)


@receiver(analysis_removed, dispatch_uid="tracker-analysis-removed")
def drop_removed_analyses(
    sender: Any, user_id: Any, message_ids: Sequence[str], **kwargs: Any
) -> None:
    """Take emails whose analyses are gone off their applications."""
    applications.forget(user_id, message_ids)
