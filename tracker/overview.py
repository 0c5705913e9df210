"""Each application with what is derived from it: stage, rounds, ghosting, source.

Loaded for a set of applications with one query of their timelines (status, date, sender,
subject), then computed in plain Python by ``tracker.stages`` and ``tracker.sources``. The
board, the dashboard's workflow figures, the Due list, the digest, the CSV and the API all
read applications through here, so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo

from bson import ObjectId

from mailbox_project.ids import UserId
from tracker import sources, stages
from tracker.manual import last_touched
from tracker.models import (
    DEFAULT_GHOST_AFTER_DAYS,
    ApplicationEmail,
    JobApplication,
    TrackerSettings,
)


@dataclass(frozen=True)
class Tracked:
    """One application and what is derived from it."""

    application: JobApplication
    progress: stages.Progress
    source: str  # the effective source: by hand, else detected, else "other"
    detected_source: str

    @property
    def source_label(self) -> str:
        return sources.label(self.source)

    @property
    def started(self) -> datetime | None:
        """When the application started: applied, else its first email, else its creation."""
        app = self.application
        return app.applied_at or app.first_email_at or app.created_at


def ghost_after_days(user_id: UserId) -> int:
    """The user's ghosting delay in days (``TrackerSettings``, 21 by default)."""
    days = (
        TrackerSettings.objects.filter(user_id=user_id)
        .values_list("ghost_after_days", flat=True)
        .first()
    )
    return days or DEFAULT_GHOST_AFTER_DAYS


def settings_for(user_id: UserId) -> TrackerSettings:
    found, _ = TrackerSettings.objects.get_or_create(user_id=user_id)
    return found


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def track(
    user_id: UserId,
    applications: Iterable[JobApplication],
    *,
    now: datetime,
    ghost_days: int | None = None,
) -> list[Tracked]:
    """Return the applications (the user's) with their derived state, in the given order."""
    apps = list(applications)
    days = ghost_days if ghost_days is not None else ghost_after_days(user_id)
    timelines: dict[ObjectId, list[tuple[str, datetime]]] = {}
    traces: dict[ObjectId, list[sources.MailTrace]] = {}
    rows = ApplicationEmail.objects.filter(
        user_id=user_id, application_id__in=[a.pk for a in apps]
    ).values_list("application_id", "status", "date", "sender", "subject")
    for application_id, status, when, sender, subject in rows:
        timelines.setdefault(application_id, []).append((status, _aware(when)))
        traces.setdefault(application_id, []).append(sources.MailTrace(sender, subject))
    tracked = []
    for app in apps:
        progress = stages.progress(
            timelines.get(app.pk, []),
            app.status,
            last_touched(app),
            now=now,
            ghost_after_days=days,
        )
        detected = sources.detect(traces.get(app.pk, []))
        tracked.append(Tracked(app, progress, sources.effective(app.source, detected), detected))
    return tracked


def day_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


@dataclass(frozen=True)
class Period:
    """One month's applications: how many started, and how far they got."""

    month: date  # its first day
    started: int
    screening: int
    interview: int
    offer: int
    rejected: int
    no_response: int

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")  # "Mar 2026": read, not parsed


@dataclass(frozen=True)
class SourceRow:
    source: str
    label: str
    applications: int
    interviews: int
    offers: int


@dataclass(frozen=True)
class Workflow:
    """The dashboard's workflow figures over the chosen date range."""

    total: int
    ghosted: int
    active: int
    conversion: list[stages.StageCount]
    endings: list[stages.Ending]
    periods: list[Period]
    sources: list[SourceRow]


def in_range(
    rows: Sequence[Tracked], since: date | None, until: date | None, zone: tzinfo
) -> list[Tracked]:
    """The applications that started between ``since`` and ``until`` (days in ``zone``)."""
    kept = []
    for row in rows:
        started = row.started
        day = _aware(started).astimezone(zone).date() if started else None
        if day is None and (since or until):
            continue
        if (since and day and day < since) or (until and day and day > until):
            continue
        kept.append(row)
    return kept


def _periods(rows: Sequence[Tracked], zone: tzinfo) -> list[Period]:
    months: dict[date, list[Tracked]] = {}
    for row in rows:
        if row.started is not None:
            month = _aware(row.started).astimezone(zone).date().replace(day=1)
            months.setdefault(month, []).append(row)
    return [
        Period(
            month=month,
            started=len(group),
            screening=sum(1 for r in group if r.progress.stage >= stages.Stage.SCREENING),
            interview=sum(1 for r in group if r.progress.stage >= stages.Stage.INTERVIEW),
            offer=sum(1 for r in group if r.progress.stage == stages.Stage.OFFER),
            rejected=sum(1 for r in group if r.progress.outcome == stages.REJECTED),
            no_response=sum(1 for r in group if r.progress.outcome == stages.NO_RESPONSE),
        )
        for month, group in sorted(months.items())
    ]


def _sources(rows: Sequence[Tracked]) -> list[SourceRow]:
    groups: dict[str, list[Tracked]] = {}
    for row in rows:
        groups.setdefault(row.source, []).append(row)
    table = [
        SourceRow(
            source=source,
            label=sources.label(source),
            applications=len(group),
            interviews=sum(1 for r in group if r.progress.stage >= stages.Stage.INTERVIEW),
            offers=sum(1 for r in group if r.progress.stage == stages.Stage.OFFER),
        )
        for source, group in groups.items()
    ]
    return sorted(table, key=lambda s: (-s.applications, s.label))


def workflow(rows: Sequence[Tracked], zone: tzinfo) -> Workflow:
    """Return the workflow figures of ``rows`` (already filtered to the date range)."""
    progresses = [row.progress for row in rows]
    return Workflow(
        total=len(rows),
        ghosted=sum(1 for p in progresses if p.ghosted),
        active=sum(1 for p in progresses if p.outcome == stages.ACTIVE),
        conversion=stages.conversion(progresses),
        endings=stages.endings(progresses),
        periods=_periods(rows, zone),
        sources=_sources(rows),
    )


def due(user_id: UserId, *, until: date | None = None, limit: int = 50) -> list[JobApplication]:
    """The user's applications with a next action, soonest due first (undated last)."""
    mine = JobApplication.objects.for_user(user_id).exclude(next_action="")
    if until is not None:
        mine = mine.filter(next_action_due__lte=until)
    dated = list(mine.exclude(next_action_due=None).order_by("next_action_due", "pk")[:limit])
    if until is not None or len(dated) >= limit:
        return dated
    undated = mine.filter(next_action_due=None).order_by("-updated_at")[: limit - len(dated)]
    return dated + list(undated)
