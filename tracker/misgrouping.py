"""Where an evaluated tracker disagrees with the truth: the splits and merges behind its F1.

``evaluate_tracker --worst N`` prints these. A *split* is one true application spread over
several tracked ones (the recall lost); a *merge* is one tracked application holding emails of
several true ones, or emails that are no job email at all (the precision lost). Each comes with
its emails side by side — both labels, the analysis's names, sender, subject and links — so a
cause can be read off without a debugger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class EmailRow:
    """One email of an evaluated mailbox, as the truth and the tracker each see it."""

    message_id: str
    date: datetime
    # The true application ("a12"); "" when the truth says it is no job email.
    truth: str
    true_status: str
    true_company: str
    true_position: str
    # The tracked application's id; "" when it is on no timeline.
    predicted: str = ""
    status: str = ""
    company: str = ""
    position: str = ""
    sender: str = ""
    subject: str = ""
    links: tuple[str, ...] = ()
    weak: bool = False


@dataclass(frozen=True)
class Misgrouping:
    """One split or merge and the pairs it costs."""

    kind: str  # "split" | "merge"
    lost_pairs: int
    emails: tuple[EmailRow, ...]


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def _groups(
    rows: Iterable[EmailRow], label: Callable[[EmailRow], str]
) -> dict[str, list[EmailRow]]:
    found: dict[str, list[EmailRow]] = {}
    for row in rows:
        if label(row):
            found.setdefault(label(row), []).append(row)
    return found


def _lost(emails: Sequence[EmailRow], other: Callable[[EmailRow], str]) -> int:
    """Pairs of ``emails`` the other side does not put together (unlabelled: alone)."""
    together = Counter(other(row) for row in emails if other(row))
    return _pairs(len(emails)) - sum(_pairs(n) for n in together.values())


def misgroupings(rows: Sequence[EmailRow]) -> list[Misgrouping]:
    """Return every split and merge of ``rows``, the costliest first."""
    found = []
    for kind, mine, other in (
        ("split", _truth_of, _predicted_of),
        ("merge", _predicted_of, _truth_of),
    ):
        for emails in _groups(rows, mine).values():
            lost = _lost(emails, other)
            if lost:
                ordered = tuple(sorted(emails, key=lambda row: (row.date, row.message_id)))
                found.append(Misgrouping(kind, lost, ordered))
    return sorted(found, key=lambda m: (-m.lost_pairs, m.kind, m.emails[0].message_id))


def _truth_of(row: EmailRow) -> str:
    return row.truth


def _predicted_of(row: EmailRow) -> str:
    return row.predicted


def describe(misgrouping: Misgrouping, short: dict[str, str]) -> list[str]:
    """Return the lines that show one misgrouping; ``short`` names tracked ids (P1, P2...)."""
    lines = [f"{misgrouping.kind} costing {misgrouping.lost_pairs} pairs:"]
    for row in misgrouping.emails:
        tracked = short.setdefault(row.predicted, f"P{len(short) + 1}") if row.predicted else "-"
        links = " ".join(key for key in row.links if not key.startswith("thread:"))
        thread = next((key[7:] for key in row.links if key.startswith("thread:")), "")
        weak = "w" if row.weak else " "
        lines.append(
            f"  {row.date:%Y-%m-%d %H:%M} {row.truth or '-':>5} {tracked:>5}{weak}"
            f" {row.true_status[:12]:<12} {row.status[:12]:<12}"
            f" true={row.true_company}/{row.true_position}"
            f" read={row.company}/{row.position}"
            f" t={thread[-6:]} from={row.sender[:60]!r} subj={row.subject[:70]!r} {links}"
        )
    return lines
