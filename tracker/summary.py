"""An application's timeline, summarised: its status and its dates.

Walking the timeline in date order, the status moves forward along applied → information
request / action required → assessment → interview, never back; offer, rejection and
withdrawal are final and need explicit events (after a rejection or a withdrawal, the employer
asking for more reopens it). A status the person set is applied on top, in
``JobApplication.apply_summary``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from analysis.status import Status
from tracker.models import RESPONSE_STATUSES, TERMINAL_STATUSES
from tracker.stages import REOPENABLE, REOPENING

# How far along the funnel a non-terminal status is; the status never moves back.
_STAGE_RANK: dict[str, int] = {
    Status.APPLICATION_CONFIRMATION: 1,
    Status.INFORMATION_REQUEST: 2,
    Status.ACTION_REQUIRED: 2,
    Status.ASSESSMENT: 3,
    Status.INTERVIEW_INVITATION: 4,
}


def current_status(statuses: Iterable[str]) -> str:
    """Return an application's status from its emails' statuses in date order.

    The furthest stage reached wins, never moving back; offer, rejection and withdrawal are
    terminal: a later terminal status replaces one, and after a rejection or a withdrawal a
    later request of the employer (information, action, assessment, interview) does too.
    """
    current: str | None = None
    for status in statuses:
        if current in TERMINAL_STATUSES:
            # Final states need explicit events: only another one replaces an offer; after a
            # rejection or withdrawal, the employer asking for more means the process lives.
            if status in TERMINAL_STATUSES or (current in REOPENABLE and status in REOPENING):
                current = status
        elif (
            status in TERMINAL_STATUSES
            or current is None
            or _STAGE_RANK.get(status, 0) >= _STAGE_RANK.get(current, 0)
        ):
            current = status
    return current or Status.APPLICATION_CONFIRMATION


@dataclass(frozen=True)
class TimelineSummary:
    """What an application's emails say: its status and its dates."""

    status: str
    applied_at: datetime | None
    first_email_at: datetime | None
    first_response_at: datetime | None
    last_activity_at: datetime | None
    email_count: int


def summarise(timeline: Sequence[tuple[str, datetime]]) -> TimelineSummary:
    """Return the summary of a timeline of (status, date), in any order.

    ``applied_at`` is the first application confirmation (None when there is none);
    ``first_response_at`` the first employer response at or after it.
    """
    ordered = sorted(timeline, key=lambda item: item[1])
    applied = [date for status, date in ordered if status == Status.APPLICATION_CONFIRMATION]
    applied_at = applied[0] if applied else None
    responses = [
        date
        for status, date in ordered
        if status in RESPONSE_STATUSES and (applied_at is None or date >= applied_at)
    ]
    return TimelineSummary(
        status=current_status(status for status, _ in ordered),
        applied_at=applied_at,
        first_email_at=ordered[0][1] if ordered else None,
        first_response_at=responses[0] if responses else None,
        last_activity_at=ordered[-1][1] if ordered else None,
        email_count=len(ordered),
    )
