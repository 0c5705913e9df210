"""The dashboard's workflow figures, the CSV and the API against a plain computation over
generated mail: stages reached, silences, sources and the date range."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
import time_machine

from accounts.models import User
from analysis.results import AnalysisResult
from analysis.status import Status
from tracker.models import ApplicationEmail, JobApplication
from tracker.tests.tracker_factory import START, store

pytestmark = pytest.mark.django_db

NOW = START + timedelta(days=70)
PATHS = [
    ["application_confirmation"],
    ["application_confirmation", "rejection"],
    ["application_confirmation", "assessment"],
    ["application_confirmation", "assessment", "interview_invitation", "rejection"],
    ["application_confirmation", "interview_invitation", "interview_invitation", "offer"],
    ["application_confirmation", "withdrawal"],
]
SENDERS = ["jobs-noreply@linkedin.com", "no-reply@greenhouse.io", "hr@{slug}.example"]


def generated(seed: int) -> list[AnalysisResult]:
    """Applications at distinct companies, each walking one path at random gaps."""
    rng = random.Random(seed)
    results = []
    for n in range(40):
        company = f"Company {seed}-{n:02d}"
        slug = company.lower().replace(" ", "")
        sender = rng.choice(SENDERS).format(slug=slug)
        when = START + timedelta(days=rng.randrange(0, 60))
        for step, status in enumerate(rng.choice(PATHS)):
            results.append(
                AnalysisResult(
                    message_id=f"{seed}-{n}-{step}",
                    subject=f"{status} at {company}",
                    sender=sender,
                    date=when,
                    status=Status(status),
                    company=company,
                    position="Engineer",
                    details="",
                    confidence=0.9,
                )
            )
            when += timedelta(days=rng.randrange(1, 15))
    return results


@dataclass
class Plain:
    total: int = 0
    screening: int = 0
    interview: int = 0
    offer: int = 0
    silent: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    # Per month started: [started, interviewed]
    months: dict[date, list[int]] = field(default_factory=dict)


def plain_figures(owner: User, since: date | None = None) -> Plain:
    """The figures computed the long way round from the stored timelines."""
    figures = Plain()
    sources = figures.sources
    for app in JobApplication.objects.filter(user=owner):
        emails = list(ApplicationEmail.objects.filter(application=app))
        statuses = {e.status for e in emails}
        started = min(e.date for e in emails if e.status == "application_confirmation")
        if since is not None and started.date() < since:
            continue
        figures.total += 1
        if statuses & {"assessment", "interview_invitation", "offer"}:
            figures.screening += 1
        if statuses & {"interview_invitation", "offer"}:
            figures.interview += 1
        figures.offer += "offer" in statuses
        month = figures.months.setdefault(started.date().replace(day=1), [0, 0])
        month[0] += 1
        month[1] += bool(statuses & {"interview_invitation", "offer"})
        last = max(e.date for e in emails)
        ended = app.status in ("offer", "rejection", "withdrawal")
        figures.silent += not ended and (NOW - last).days >= 21
        sender = emails[0].sender
        source = (
            "LinkedIn"
            if "linkedin" in sender
            else "Company site"
            if "greenhouse" in sender
            else "Other"
        )
        sources[source] = sources.get(source, 0) + 1
    return figures


@pytest.mark.parametrize("seed", [1, 2])
def test_workflow_figures_match_a_plain_computation(client, owner, seed: int) -> None:
    store(owner, *generated(seed))
    client.force_login(owner)
    since = (START + timedelta(days=30)).date()
    with time_machine.travel(NOW, tick=False):
        for query, start in (("", None), (f"?since={since.isoformat()}", since)):
            workflow = client.get(f"/applications/dashboard{query}").context["workflow"]
            expected = plain_figures(owner, start)
            reached = [step.reached for step in workflow.conversion]
            assert reached[0] == workflow.total == expected.total
            assert reached[1:3] == [expected.screening, expected.interview]
            assert reached[4] == expected.offer
            assert workflow.ghosted == expected.silent
            by_source = {row.label: row.applications for row in workflow.sources}
            assert by_source == expected.sources
            per_month = {p.month: [p.started, p.interview] for p in workflow.periods}
            assert per_month == expected.months
            assert len(per_month) > 1 or start is not None  # the whole range spans months
    assert expected.total < plain_figures(owner).total  # the range did filter


def test_a_reversed_date_range_is_refused(client, owner) -> None:
    client.force_login(owner)
    response = client.get("/applications/dashboard?since=2026-03-10&until=2026-03-01")
    assert response.status_code == 400
    assert "must not be after" in response.content.decode()
    assert client.get("/applications/dashboard?since=yesterday").status_code == 400


def test_the_csv_has_human_labels_and_the_new_fields(client, owner) -> None:
    store(owner, *generated(3)[:6])
    application = JobApplication.objects.filter(user=owner).first()
    assert application is not None
    application.salary_range, application.next_action = "80k", "Follow up"
    application.next_action_due = date(2026, 5, 1)
    application.save()
    client.force_login(owner)
    with time_machine.travel(NOW, tick=False):
        text = client.get("/applications/export.csv").content.decode()
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["Company", "Position", "Status"]
    assert {"Stage", "Outcome", "Source", "Salary range", "Next action due"} <= set(header)
    statuses = {row[2] for row in rows}
    assert statuses <= {"Applied", "Rejected", "Assessment", "Interview", "Offer", "Withdrawn"}
    row = next(r for r in rows if r[0] == application.company)
    cells = dict(zip(header, row, strict=True))
    assert (cells["Salary range"], cells["Next action"], cells["Next action due"]) == (
        "80k",
        "Follow up",
        "2026-05-01",
    )


def test_the_api_exposes_the_workflow(client, owner, other_user) -> None:
    store(owner, *generated(4)[:8])
    client.force_login(owner)
    with time_machine.travel(NOW, tick=False):
        listed = client.get("/api/applications").json()["results"]
    first = listed[0]
    for key in ("stage", "interview_rounds", "outcome", "no_response", "source", "next_action"):
        assert key in first
    detail = client.get(f"/api/applications/{first['id']}").json()
    assert detail["notes"] == []
    assert detail["outcome_label"]
    client.force_login(other_user)
    assert client.get(f"/api/applications/{first['id']}").status_code == 404
