"""Stages of an application and where it ends: plain Python over its timeline.

The path is applied → screening/assessment → interview (rounds counted: "Interview 2") →
offer; an application leaves it as rejected, withdrawn or "no response" (ghosted: silence for
the person's number of days, derived and never stored as a status).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from analysis.status import Status


class Stage(IntEnum):
    APPLIED = 0
    SCREENING = 1
    INTERVIEW = 2
    OFFER = 3

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


# An application turned down or withdrawn is open again when the employer asks for more:
# information, an action, an assessment, an interview (the summary's status and grouping agree).
REOPENABLE = frozenset({Status.REJECTION, Status.WITHDRAWAL})
REOPENING = frozenset(
    {
        Status.INFORMATION_REQUEST,
        Status.ACTION_REQUIRED,
        Status.ASSESSMENT,
        Status.INTERVIEW_INVITATION,
    }
)


STAGE_LABELS = {
    Stage.APPLIED: "Applied",
    Stage.SCREENING: "Screening / assessment",
    Stage.INTERVIEW: "Interview",
    Stage.OFFER: "Offer",
}
STAGE_OF_STATUS: dict[str, Stage] = {
    Status.APPLICATION_CONFIRMATION: Stage.APPLIED,
    Status.INFORMATION_REQUEST: Stage.SCREENING,
    Status.ACTION_REQUIRED: Stage.SCREENING,
    Status.ASSESSMENT: Stage.SCREENING,
    Status.INTERVIEW_INVITATION: Stage.INTERVIEW,
    Status.OFFER: Stage.OFFER,
}
# Where an application is now, besides its stage: still open, or ended.
ACTIVE, OFFERED, REJECTED, WITHDRAWN, NO_RESPONSE = (
    "active",
    "offer",
    "rejected",
    "withdrawn",
    "no_response",
)
OUTCOME_LABELS = {
    ACTIVE: "In progress",
    OFFERED: "Offer",
    REJECTED: "Rejected",
    WITHDRAWN: "Withdrawn",
    NO_RESPONSE: "No response",
}
ENDED = (OFFERED, REJECTED, WITHDRAWN, NO_RESPONSE)
_FINAL_STATUSES: dict[str, str] = {
    Status.OFFER: OFFERED,
    Status.REJECTION: REJECTED,
    Status.WITHDRAWAL: WITHDRAWN,
}
# Two interview emails less than this apart are one round (an invitation and its reschedule).
SAME_ROUND = timedelta(hours=36)


@dataclass(frozen=True)
class Progress:
    """How far one application got and how it stands."""

    stage: Stage  # the furthest stage reached
    rounds: int  # interview rounds seen (0 before any interview)
    outcome: str  # ACTIVE or one of ENDED

    @property
    def ghosted(self) -> bool:
        return self.outcome == NO_RESPONSE

    @property
    def stage_label(self) -> str:
        if self.stage == Stage.INTERVIEW and self.rounds > 1:
            return f"Interview {self.rounds}"
        return self.stage.label


def interview_rounds(timeline: Iterable[tuple[str, datetime]]) -> int:
    """Count interview rounds: interview emails, those within ``SAME_ROUND`` of the last
    counted one being the same round."""
    dates = sorted(d for status, d in timeline if status == Status.INTERVIEW_INVITATION)
    rounds, last = 0, None
    for when in dates:
        if last is None or when - last >= SAME_ROUND:
            rounds, last = rounds + 1, when
    return rounds


def is_ghosted(status: str, last_activity: datetime | None, now: datetime, days: int) -> bool:
    """True when an open application has heard nothing for ``days`` days or more."""
    if status in _FINAL_STATUSES or last_activity is None:
        return False
    return now - last_activity >= timedelta(days=days)


def progress(
    timeline: Sequence[tuple[str, datetime]],
    status: str,
    last_activity: datetime | None,
    *,
    now: datetime,
    ghost_after_days: int,
) -> Progress:
    """Return the application's furthest stage, interview rounds and outcome.

    ``status`` is its current status (which the person may have set): it counts as reached
    too. An offer is the offer stage and ends the application as an offer.
    """
    reached = [STAGE_OF_STATUS.get(s, Stage.APPLIED) for s, _ in timeline]
    stage = max([*reached, STAGE_OF_STATUS.get(status, Stage.APPLIED)])
    rounds = interview_rounds(timeline)
    if stage >= Stage.INTERVIEW:
        rounds = max(rounds, 1)
    outcome = _FINAL_STATUSES.get(status, ACTIVE)
    if outcome == ACTIVE and is_ghosted(status, last_activity, now, ghost_after_days):
        outcome = NO_RESPONSE
    return Progress(stage=stage, rounds=rounds, outcome=outcome)


@dataclass(frozen=True)
class StageCount:
    """Applications that reached a stage, and the share of the previous stage's that did."""

    label: str
    reached: int
    conversion: float | None  # of the previous stage's; None for the first or after zero

    @property
    def percent(self) -> int | None:
        return round(self.conversion * 100) if self.conversion is not None else None


def conversion(progresses: Sequence[Progress]) -> list[StageCount]:
    """Stage-by-stage conversion: applied, screening, interview, a second interview, offer.

    Each share is of the stage before on the path; "Interview 2+" is a step aside (of the
    interviews), so the offer's share is of the applications interviewed.
    """
    # (label, test, index of the step its share is taken of; -1 for none)
    steps: list[tuple[str, Callable[[Progress], bool], int]] = [
        ("Applied", lambda p: True, -1),
        ("Screening / assessment", lambda p: p.stage >= Stage.SCREENING, 0),
        ("Interview", lambda p: p.stage >= Stage.INTERVIEW, 1),
        ("Interview 2+", lambda p: p.rounds >= 2, 2),
        ("Offer", lambda p: p.stage == Stage.OFFER, 2),
    ]
    reached = [sum(1 for p in progresses if test(p)) for _, test, _ in steps]
    counts = []
    for (name, _, of), count in zip(steps, reached, strict=True):
        base = reached[of] if of >= 0 else 0
        counts.append(StageCount(name, count, count / base if base else None))
    return counts


@dataclass(frozen=True)
class Ending:
    """How many applications ended one way at one stage ("rejected after interview: 3")."""

    stage: str
    outcome: str
    count: int

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


def endings(progresses: Sequence[Progress]) -> list[Ending]:
    """Where applications end: ended ones counted per (furthest stage, outcome)."""
    counts: dict[tuple[str, str], int] = {}
    for p in progresses:
        if p.outcome in ENDED:
            key = (p.stage_label if p.stage != Stage.INTERVIEW else "Interview", p.outcome)
            counts[key] = counts.get(key, 0) + 1
    order = {label: i for i, label in enumerate(STAGE_LABELS.values())}
    return [
        Ending(stage, outcome, count)
        for (stage, outcome), count in sorted(
            counts.items(), key=lambda item: (order.get(item[0][0], 9), ENDED.index(item[0][1]))
        )
    ]
