"""Signals between the analysis pipeline and the applications tracker."""

from __future__ import annotations

from django.dispatch import Signal

# Sent (sender=EmailAnalysis, user_id=UserId, results=list[AnalysisResult]) after analyses are
# stored (fresh or re-analysed).
analysis_stored = Signal()
# Sent (sender=EmailAnalysis, user_id=UserId, message_ids=list[str]) after analyses are removed from
# every tier (the messages were deleted, or an admin purged them).
analysis_removed = Signal()
