"""Analysis results for the tracker's tests, stored the way the pipeline stores them.

``store`` writes results through the real tiered cache and sends ``analysis_stored``, as
``analysis.service`` does after classifying: the tracker's real seam, nothing mocked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from analysis import cache
from analysis.models import EmailAnalysis
from analysis.results import AnalysisResult
from analysis.signals import analysis_removed, analysis_stored
from analysis.status import Status
from mailbox_project.ids import user_id

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def result(
    message_id: str,
    status: str,
    company: str = "Acme",
    position: str = "Backend Engineer",
    *,
    day: float = 0,
    subject: str | None = None,
    details: str = "",
    confidence: float = 0.9,
) -> AnalysisResult:
    """Return an analysis result dated ``day`` days after ``START``."""
    return AnalysisResult(
        message_id=message_id,
        subject=subject if subject is not None else f"{status} from {company}",
        sender=f"jobs@{''.join(filter(str.isalnum, company.lower())) or 'mail'}.example",
        date=START + timedelta(days=day),
        status=Status(status),
        company=company,
        position=position,
        details=details,
        confidence=confidence,
    )


def store(user: Any, *results: AnalysisResult) -> None:
    """Store results in every cache tier and announce them, like the analysis pipeline."""
    owner = user_id(user)
    cache.put_many(owner, {r.message_id: r for r in results})
    analysis_stored.send(sender=EmailAnalysis, user_id=owner, results=list(results))


def remove(user: Any, *message_ids: str) -> None:
    """Delete analyses from every tier and announce it, like ``analysis.service.forget``."""
    owner = user_id(user)
    cache.delete(owner, message_ids)
    analysis_removed.send(sender=EmailAnalysis, user_id=owner, message_ids=list(message_ids))
