"""The board: a column per stage and per way out, each application a card in one of them.

A card sits in the column of its current status's stage (applied, screening/assessment,
interview, offer) unless it ended: rejected, withdrawn, or "No response" (derived from
silence; nobody can drop a card there, since it is no status). Dropping a card on a column
sets that column's status by hand, a correction that holds until newer mail arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from analysis.status import Status
from tracker import stages
from tracker.overview import Tracked


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    status: str  # what a drop sets; "" = not a drop target


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("applied", "Applied", Status.APPLICATION_CONFIRMATION),
    ColumnSpec("screening", "Screening / assessment", Status.ASSESSMENT),
    ColumnSpec("interview", "Interview", Status.INTERVIEW_INVITATION),
    ColumnSpec("offer", "Offer", Status.OFFER),
    ColumnSpec("rejected", "Rejected", Status.REJECTION),
    ColumnSpec("withdrawn", "Withdrawn", Status.WITHDRAWAL),
    ColumnSpec("no_response", "No response", ""),
)
MOVE_CHOICES = [(c.status, c.label) for c in COLUMNS if c.status]
# Cards shown per column; the rest are counted and found on the list.
COLUMN_LIMIT = 100
_BY_STAGE = {
    stages.Stage.APPLIED: "applied",
    stages.Stage.SCREENING: "screening",
    stages.Stage.INTERVIEW: "interview",
    stages.Stage.OFFER: "offer",
}
_BY_OUTCOME = {
    stages.REJECTED: "rejected",
    stages.WITHDRAWN: "withdrawn",
    stages.NO_RESPONSE: "no_response",
}


_STATUS_OF_COLUMN = {spec.key: spec.status for spec in COLUMNS}


def _stage_column(row: Tracked) -> str:
    stage = stages.STAGE_OF_STATUS.get(row.application.status, stages.Stage.APPLIED)
    return _BY_STAGE[stage]


def column_of(row: Tracked) -> str:
    """The key of the column an application's card sits in."""
    if row.progress.outcome in _BY_OUTCOME:
        return _BY_OUTCOME[row.progress.outcome]
    return _stage_column(row)


@dataclass(frozen=True)
class Card:
    row: Tracked
    # The "Move to" choice shown first: the card's own column, or for a silent application
    # its stage's (an information request sits under screening, which no email status names).
    move_to: str


def card_of(row: Tracked) -> Card:
    return Card(row, _STATUS_OF_COLUMN[column_of(row)] or _STATUS_OF_COLUMN[_stage_column(row)])


@dataclass
class Column:
    spec: ColumnSpec
    cards: list[Card] = field(default_factory=list)
    total: int = 0

    @property
    def hidden(self) -> int:
        return self.total - len(self.cards)


def columns(rows: Sequence[Tracked]) -> list[Column]:
    """The board's columns, cards most recently active first, at most ``COLUMN_LIMIT`` each."""
    board = {spec.key: Column(spec) for spec in COLUMNS}
    for row in rows:
        column = board[column_of(row)]
        column.total += 1
        if len(column.cards) < COLUMN_LIMIT:
            column.cards.append(card_of(row))
    return list(board.values())
