"""Signals between the analysis pipeline and the applications tracker."""

from __future__ import annotations

from django.dispatch import Signal

# Sent (sender=EmailAnalysis, user_id=..., results=[result dict, ...]) after analyses are stored
# (fresh or re-analysed); each result dict is the ``result`` of an email_analysis_cache document.
analysis_stored = Signal()
# Sent (sender=EmailAnalysis, user_id=..., message_ids=[...]) after analyses are removed from
# every tier (the messages were deleted, or an admin purged them).
analysis_removed = Signal()
