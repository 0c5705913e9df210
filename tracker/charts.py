"""Server-side SVG charts for the dashboard: no JavaScript, no CDN, no library.

Every text that reaches the SVG is escaped (company names come from email); every chart has a
``<title>`` and a ``<desc>`` that say what it shows, and the page repeats the data in a table.
Sizes are in viewBox units; CSS scales the chart to its container.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta
from html import escape

from django.utils.safestring import SafeString, mark_safe

from tracker.dashboard import CompanyDays, Funnel, Week

# viewBox widths near the rendered sizes, so 13 units of text stay about 13 pixels.
NARROW = 460
WIDE = 940
BAR_HEIGHT = 28
GAP = 12
# At most this many companies in the response-time chart (the table lists them all).
MAX_COMPANIES = 15
_ids = itertools.count(1)


def _svg(
    size: tuple[int, int], title: str, description: str, body: list[str], css_class: str
) -> SafeString:
    chart_id = f"chart-{next(_ids)}"
    width, height = size
    parts = [
        f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        *body,
        "</svg>",
    ]
    # Safe: everything interpolated above and in ``body`` is escaped or a number.
    return mark_safe("".join(parts))  # noqa: S308


def _text(x: float, y: float, text: str, css_class: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{css_class}" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )


def _bar(x: float, y: float, width: float, height: float, css_class: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" '
        f'rx="4" class="{css_class}"><title>{escape(tip)}</title></rect>'
    )


def _horizontal_bars(
    rows: Sequence[tuple[str, float, str, str]], width: int, label_width: int
) -> tuple[int, list[str]]:
    """Rows of (label, value, value text, css class) → (height, SVG elements)."""
    top = max((value for _, value, _, _ in rows), default=0) or 1
    span = width - label_width - 80
    body: list[str] = []
    for index, (label, value, shown, css_class) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        short = label if len(label) <= 24 else f"{label[:23]}…"
        length = span * value / top
        body.append(_text(label_width - 10, middle, short, "label", "end"))
        body.append(_bar(label_width, y, length, BAR_HEIGHT, css_class, f"{label}: {shown}"))
        body.append(_text(label_width + length + 8, middle, shown, "value"))
    return GAP + len(rows) * (BAR_HEIGHT + GAP), body


def funnel(data: Funnel) -> SafeString:
    """Bars of applied → interview → offer, each with its share of the applications."""

    def share(count: int) -> str:
        return f"{count} ({count / data.applied:.0%})" if data.applied else str(count)

    rows = [
        ("Applied", data.applied, str(data.applied), "bar applied"),
        ("Interview", data.interview, share(data.interview), "bar interview"),
        ("Offer", data.offer, share(data.offer), "bar offer"),
    ]
    height, body = _horizontal_bars(rows, NARROW, 90)
    description = (
        f"{data.applied} applications, {data.interview} reached an interview, "
        f"{data.offer} an offer."
    )
    return _svg((NARROW, height), "Application funnel", description, body, "funnel")


def response_days(data: Sequence[CompanyDays]) -> SafeString:
    """Bars of the median days to a first response, per company (fastest first)."""
    shown = list(data[:MAX_COMPANIES])
    rows = [(row.company, row.median_days, f"{row.median_days:.1f} d", "bar days") for row in shown]
    height, body = _horizontal_bars(rows, WIDE, 220)
    if not rows:
        body = [_text(WIDE / 2, 40, "No answers in your mail yet", "empty-note", "middle")]
        height = 70
    description = "; ".join(f"{r.company}: {r.median_days:.1f} days" for r in shown)
    return _svg(
        (WIDE, height),
        "Median days to first response, per company",
        description or "No company has answered an application in your mail yet.",
        body,
        "days",
    )


def _filled(weeks: Sequence[Week]) -> list[Week]:
    """Return ``weeks`` with the weeks between them that had no application, as zeros."""
    if not weeks:
        return []
    counts = {week.start: week.count for week in weeks}
    start, end = weeks[0].start, weeks[-1].start
    span = (end - start).days // 7
    return [
        Week(start=start + timedelta(weeks=i), count=counts.get(start + timedelta(weeks=i), 0))
        for i in range(span + 1)
    ]


def weekly(weeks: Sequence[Week], *, height: int = 220) -> SafeString:
    """Columns of applications per ISO week, zero weeks included."""
    filled = _filled(weeks)
    if not filled:
        body = [_text(NARROW / 2, 60, "No applications yet", "empty-note", "middle")]
        return _svg((NARROW, 100), "Applications per week", "No applications yet.", body, "weekly")
    top = max(week.count for week in filled) or 1
    left, bottom, plot_height = 36, height - 30, height - 50
    step = (NARROW - left - 10) / len(filled)
    label_every = max(1, len(filled) // 8)
    body = [_text(left - 6, bottom - plot_height + 4, str(top), "axis", "end")]
    body.append(_text(left - 6, bottom + 4, "0", "axis", "end"))
    body.append(
        f'<line x1="{left}" y1="{bottom}" x2="{NARROW - 10}" y2="{bottom}" class="baseline"/>'
    )
    for index, week in enumerate(filled):
        bar_height = plot_height * week.count / top
        x = left + index * step + step * 0.15
        tip = f"Week {week.label} (from {week.start:%d %b %Y}): {week.count}"
        body.append(_bar(x, bottom - bar_height, step * 0.7, bar_height, "bar week", tip))
        if index % label_every == 0:
            body.append(
                _text(x + step * 0.35, bottom + 18, f"{week.start:%d %b}", "axis", "middle")
            )
    description = "; ".join(f"{w.label}: {w.count}" for w in filled if w.count)
    return _svg((NARROW, height), "Applications per week", description, body, "weekly")
