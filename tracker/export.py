"""CSV export of applications, safe to open in a spreadsheet.

Company and position names come from email, which anyone can send: a cell that starts with
``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some spreadsheets skip before
reading a formula) is prefixed with a single quote so it is shown as text, never evaluated
(OWASP "CSV Injection").
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

from django.urls import reverse

from tracker.models import JobApplication

HEADER = [
    "company",
    "position",
    "status",
    "applied_at",
    "first_response_at",
    "last_activity_at",
    "emails",
    "url",
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def neutralise(value: str) -> str:
    """Return ``value`` so that no spreadsheet reads it as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _when(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def row(application: JobApplication, url: str) -> list[str]:
    """Return one application's CSV cells, neutralised."""
    cells = [
        application.company,
        application.position,
        application.status,
        _when(application.applied_at),
        _when(application.first_response_at),
        _when(application.last_activity_at),
        str(application.email_count),
        url,
    ]
    return [neutralise(cell) for cell in cells]


def write_csv(
    applications: Iterable[JobApplication],
    out: _Writable,
    *,
    url: Callable[[str], str] = lambda path: path,
) -> None:
    """Write a header and one row per application to ``out``.

    ``url`` turns the application's path into the link written in the row (absolute, on a
    page: ``request.build_absolute_uri``).
    """
    writer = csv.writer(out)
    writer.writerow(HEADER)
    # One reverse() for the whole file: it costs more than the rest of a row.
    placeholder = "0" * 24
    prefix = url(reverse("tracker:detail", args=[placeholder])).removesuffix(placeholder)
    for application in applications:
        writer.writerow(row(application, f"{prefix}{application.pk}"))
