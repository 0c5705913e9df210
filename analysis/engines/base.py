"""The classifier's vocabulary: the email it reads and the analysis it returns.

Engines import these from here; everyone else imports them from ``analysis.classify``. The
statuses live in ``analysis.status``, the record an analysis becomes in ``analysis.results``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from analysis.results import AnalysisResult, parse_date
from analysis.status import Status

# Long enough for a company or a job title with its qualifiers; longer is noise.
MAX_FIELD_CHARS = 120
MAX_DETAILS_CHARS = 200
# The fields of a stored ``messages`` document the classifier reads (a projection).
DOCUMENT_FIELDS = (
    "gmail_id", "subject", "from_name", "from_address", "date_header", "internal_date",
    "body_text", "snippet", "to_addresses", "list_id",
)  # fmt: skip


@dataclass(frozen=True)
class EmailInput:
    """The parts of one email the classifier reads."""

    message_id: str
    subject: str
    sender_name: str
    sender_address: str
    date: datetime | None
    body_text: str
    snippet: str = ""
    to: tuple[str, ...] = ()
    list_id: str = ""
    # The mailbox owner's name from their Google profile (``User.name``): never the employer.
    account_name: str = ""

    @classmethod
    def from_document(cls, document: Mapping[str, Any], account_name: str = "") -> EmailInput:
        """Return the classifier's view of a stored ``messages`` document of ``account_name``.

        Read straight from the document (``DOCUMENT_FIELDS``), not through the ORM's
        ``Message``: the analysis worker needs ten fields, not a model. MongoDB hands dates
        back naive in UTC; they are made aware here.
        """
        return cls(
            message_id=str(document["gmail_id"]),
            subject=document.get("subject") or "",
            sender_name=document.get("from_name") or "",
            sender_address=document.get("from_address") or "",
            date=parse_date(document.get("date_header") or document.get("internal_date")),
            body_text=document.get("body_text") or "",
            snippet=document.get("snippet") or "",
            to=tuple(document.get("to_addresses") or ()),
            list_id=document.get("list_id") or "",
            account_name=account_name,
        )

    @property
    def sender(self) -> str:
        """Return the sender as a mail client shows it: ``Name <address>``."""
        if self.sender_name and self.sender_address:
            return f"{self.sender_name} <{self.sender_address}>"
        return self.sender_name or self.sender_address


@dataclass(frozen=True)
class Analysis:
    """What one email says about a job application."""

    status: Status
    company: str
    position: str
    details: str
    confidence: float
    # The version of the engine that produced this analysis (the rules' when the LLM failed
    # and they stood in); '' means the configured engine's, ``classifier_version()``.
    engine_version: str = field(default="", compare=False)

    @property
    def is_job(self) -> bool:
        """Return whether the email is about a job application."""
        return self.status is not Status.NOT_JOB_RELATED

    def result(self, email: EmailInput) -> AnalysisResult:
        """Return the record of this analysis of ``email`` (what the cache stores)."""
        return AnalysisResult(
            message_id=email.message_id,
            subject=email.subject,
            sender=email.sender,
            date=parse_date(email.date),  # aware: a naive date means UTC
            status=self.status,
            company=self.company,
            position=self.position,
            details=self.details,
            confidence=self.confidence,
        )


def clamp_confidence(value: float) -> float:
    """Return ``value`` within [0, 1] (NaN counts as no confidence), rounded for storage."""
    if math.isnan(value):
        return 0.0
    return round(min(1.0, max(0.0, value)), 3)


def cap(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """Return ``text`` on one line, trimmed to ``limit`` characters."""
    one_line = " ".join(text.split())
    if len(one_line) <= limit:
        return one_line
    return one_line[: limit - 1].rstrip() + "…"


_F = TypeVar("_F", bound=Callable[..., Any])
_NAME_CACHES: list[Any] = []


def name_cache(function: _F) -> _F:
    """Remember a pure function of names and phrases (``_clean_name("Acme Careers")``).

    A mailbox repeats its employers, senders and titles from email to email, so most of these
    are computed once. Bounded; ``clear_name_caches`` empties them (the throughput bench does,
    before each round, so only repeats within its data count).
    """
    cached = functools.lru_cache(maxsize=8192)(function)
    _NAME_CACHES.append(cached)
    return cached  # type: ignore[return-value]


def clear_name_caches() -> None:
    """Empty every ``name_cache``."""
    for cached in _NAME_CACHES:
        cached.cache_clear()
