"""The analysis record: what one email says, from the engine to the cache, service and tracker.

``AnalysisResult`` is produced once by ``Analysis.result`` and travels as this object through the
cache's L1, ``service.Outcome``, the ``analysis_stored`` signal and the tracker. It becomes a
plain document only at the storage edges: the Redis value (JSON) and the ``result`` field of an
``email_analysis_cache`` document (MongoDB), both written by ``to_document`` and read back by
``entry_from_document``. Documents carry ``v`` (``SCHEMA_VERSION``); documents written before
the field existed (no ``v``) have the same fields and load the same way.

A ``FailedAnalysis`` is the cache's *failed marker*: analysing the message failed moments ago,
so readers wait for the marker to expire (``ANALYSIS_FAILED_TTL``) before trying again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from analysis.status import Status

# Bump when a field changes meaning or shape; ``from_document`` reads every older version.
SCHEMA_VERSION = 1

Document = dict[str, object]


@dataclass(frozen=True)
class AnalysisResult:
    """One analysed email: its header facts and what the classifier read in it.

    ``date`` is timezone-aware (the email's Date header, else Gmail's receipt time) or None.
    """

    message_id: str
    subject: str
    sender: str
    date: datetime | None
    status: Status
    company: str
    position: str
    details: str
    confidence: float

    @property
    def is_job(self) -> bool:
        """Return whether the email is about a job application."""
        return self.status is not Status.NOT_JOB_RELATED

    @property
    def needs_review(self) -> bool:
        """Return whether a person should confirm or correct this analysis: its confidence is
        below ``ANALYSIS_REVIEW_THRESHOLD`` (the engines derive it from their evidence)."""
        return needs_review(self.confidence)

    def to_document(self) -> Document:
        """Return the stored form (JSON-safe: the date as ISO 8601 text)."""
        return {
            "v": SCHEMA_VERSION,
            "subject": self.subject,
            "sender": self.sender,
            "date": self.date.isoformat() if self.date else None,
            "status": self.status.value,
            "company": self.company,
            "position": self.position,
            "details": self.details,
            "confidence": self.confidence,
            "message_id": self.message_id,
        }

    @classmethod
    def from_document(cls, document: Mapping[str, object], message_id: str = "") -> AnalysisResult:
        """Return the result a stored document holds (any schema version, ``v`` or none).

        ``message_id`` stands in when the document lacks one. Raises ``ValueError`` for a
        document that is not an analysis (no known status).
        """
        return cls(
            message_id=_text(document.get("message_id")) or message_id,
            subject=_text(document.get("subject")),
            sender=_text(document.get("sender")),
            date=parse_date(document.get("date")),
            status=Status(_text(document.get("status"))),
            company=_text(document.get("company")),
            position=_text(document.get("position")),
            details=_text(document.get("details")),
            confidence=_confidence(document.get("confidence")),
        )


@dataclass(frozen=True)
class FailedAnalysis:
    """A failed marker: classifying ``message_id`` failed for ``reason`` (the error's type)."""

    message_id: str
    reason: str

    def to_document(self) -> Document:
        return {
            "v": SCHEMA_VERSION,
            "failed": True,
            "reason": self.reason,
            "message_id": self.message_id,
        }


# What a cache tier holds for one message.
CacheEntry = AnalysisResult | FailedAnalysis


def entry_from_document(document: Mapping[str, object], message_id: str = "") -> CacheEntry:
    """Return the cache entry a stored document holds: a result or a failed marker."""
    if document.get("failed"):
        stored_id = _text(document.get("message_id")) or message_id
        return FailedAnalysis(message_id=stored_id, reason=_text(document.get("reason")))
    return AnalysisResult.from_document(document, message_id)


def needs_review(confidence: float, threshold: float | None = None) -> bool:
    """Return whether an analysis of ``confidence`` needs a person's review (below the
    threshold: ``threshold``, else the ``ANALYSIS_REVIEW_THRESHOLD`` setting)."""
    if threshold is None:
        from django.conf import settings  # only when asked: this module imports no app

        threshold = float(settings.ANALYSIS_REVIEW_THRESHOLD)
    return confidence < threshold


def parse_date(value: object) -> datetime | None:
    """Return an aware datetime from a stored date (ISO 8601 text; naive means UTC), or None."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: object) -> str:
    return str(value) if value is not None else ""


def _confidence(value: object) -> float:
    if isinstance(value, int | float | str):
        try:
            return float(value)
        except ValueError:
            return 0.0
    return 0.0
