"""CSV export of applications, safe to open in a spreadsheet, in human labels ("Interview",
not ``interview_invitation``), with the derived stage, outcome and source and the fields the
person entered.

Company and position names come from email, which anyone can send: a cell that starts with
``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some spreadsheets skip before
reading a formula) is prefixed with a single quote so it is shown as text, never evaluated
(OWASP "CSV Injection").
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from django.urls import reverse
from django.utils import timezone

from mailbox_project.ids import UserId
from tracker import overview, stages
from tracker.models import WORK_MODE_LABELS, ApplicationNote, JobApplication
from tracker.overview import Tracked

HEADER = [
    "Company",
    "Position",
    "Status",
    "Applied",
    "First response",
    "Last activity",
    "Emails",
    "Link in Mailbox",
    "Stage",
    "Outcome",
    "Source",
    "Salary range",
    "Location",
    "On site / remote",
    "Contact",
    "Job posting",
    "Next action",
    "Next action due",
    "Notes",
]
# Applications whose derived state (stage, ghosting, source) is computed together.
CHUNK = 500
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def neutralise(value: str) -> str:
    """Return ``value`` so that no spreadsheet reads it as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _when(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def row(tracked: Tracked, url: str, notes: Sequence[str] = ()) -> list[str]:
    """Return one application's CSV cells, human labels, neutralised."""
    application, progress = tracked.application, tracked.progress
    cells = [
        application.company,
        application.position,
        application.status_label,
        _when(application.applied_at),
        _when(application.first_response_at),
        _when(application.last_activity_at),
        str(application.email_count),
        url,
        progress.stage_label,
        stages.OUTCOME_LABELS[progress.outcome],
        tracked.source_label,
        application.salary_range,
        application.location,
        WORK_MODE_LABELS.get(application.work_mode, ""),
        application.contact,
        application.link,
        application.next_action,
        application.next_action_due.isoformat() if application.next_action_due else "",
        "\n\n".join(notes),
    ]
    return [neutralise(cell) for cell in cells]


def _notes(applications: Sequence[JobApplication]) -> dict[Any, list[str]]:
    notes: dict[Any, list[str]] = {}
    if not applications:
        return notes
    found = ApplicationNote.objects.filter(
        user_id=applications[0].user_id, application_id__in=[a.pk for a in applications]
    ).order_by("created_at")
    for application_id, text in found.values_list("application_id", "text"):
        notes.setdefault(application_id, []).append(text)
    return notes


def _chunks(items: Iterable[JobApplication], size: int) -> Iterator[list[JobApplication]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def write_csv(
    applications: Iterable[JobApplication],
    out: _Writable,
    *,
    url: Callable[[str], str] = lambda path: path,
) -> None:
    """Write a header and one row per application (all one user's) to ``out``.

    ``url`` turns the application's path into the link written in the row (absolute, on a
    page: ``request.build_absolute_uri``).
    """
    writer = csv.writer(out)
    writer.writerow(HEADER)
    # One reverse() for the whole file: it costs more than the rest of a row.
    placeholder = "0" * 24
    prefix = url(reverse("tracker:detail", args=[placeholder])).removesuffix(placeholder)
    now = timezone.now()
    for chunk in _chunks(applications, CHUNK):
        owner = UserId(chunk[0].user_id)
        notes = _notes(chunk)
        for tracked in overview.track(owner, chunk, now=now):
            pk = tracked.application.pk
            writer.writerow(row(tracked, f"{prefix}{pk}", notes.get(pk, ())))
