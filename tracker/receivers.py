"""Reactions to analysis events: keep job applications in step with their emails.

``analysis.service`` sends these with a ``UserId`` and ``AnalysisResult`` records: nothing to
convert or re-validate here.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.dispatch import receiver

from analysis.results import AnalysisResult
from analysis.signals import analysis_removed, analysis_stored
from mailbox_project.ids import UserId
from tracker import grouping


@receiver(analysis_stored, dispatch_uid="tracker-analysis-stored")
def place_stored_analyses(
    sender: object, user_id: UserId, results: Sequence[AnalysisResult], **kwargs: object
) -> None:
    """Group fresh or re-analysed emails into applications (corrections applied on top)."""
    grouping.record(user_id, results)


@receiver(analysis_removed, dispatch_uid="tracker-analysis-removed")
def drop_removed_analyses(
    sender: object, user_id: UserId, message_ids: Sequence[str], **kwargs: object
) -> None:
    """Take emails whose analyses are gone off their applications."""
    grouping.forget(user_id, message_ids)
