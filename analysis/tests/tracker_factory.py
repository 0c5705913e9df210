"""Analysis results for the tracker's tests, stored the way the pipeline stores them.

``store`` writes results through the real tiered cache and sends ``analysis_stored``, as
``analysis.service`` does after classifying: the tracker's real seam, nothing mocked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from analysis import cache
from analysis.models import EmailAnalysis
from analysis.signals import analysis_removed, analysis_stored

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
) -> dict[str, Any]:
    """Return an analysis result dict dated ``day`` days after ``START``."""
    return {
        "subject": subject if subject is not None else f"{status} from {company}",
        "sender": f"jobs@{''.join(filter(str.isalnum, company.lower())) or 'mail'}.example",
        "date": (START + timedelta(days=day)).isoformat(),
        "status": status,
        "company": company,
        "position": position,
        "details": details,
        "confidence": confidence,
        "message_id": message_id,
    }


def store(user: Any, *results: dict[str, Any]) -> None:
    """Store results in every cache tier and announce them, like the analysis pipeline."""
    cache.put_many(user.pk, {r["message_id"]: r for r in results})
    analysis_stored.send(sender=EmailAnalysis, user_id=user.pk, results=list(results))


def remove(user: Any, *message_ids: str) -> None:
    """Delete analyses from every tier and announce it, like ``analysis.service.forget``."""
    cache.delete(user.pk, message_ids)
    analysis_removed.send(sender=EmailAnalysis, user_id=user.pk, message_ids=list(message_ids))
