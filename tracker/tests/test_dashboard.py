"""Dashboard figures from MongoDB aggregation pipelines, each checked against plain Python.

The data set is random but seeded: applications at a few companies with timelines of random
statuses over ten weeks. The reference figures are computed here from the very result dicts
that were stored, without any of the tracker's code.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from analysis.results import AnalysisResult
from analysis.status import Status
from tracker import charts, corrections, dashboard
from tracker.models import JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db

COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne"]
STATUSES = [s for s in Status if s != Status.NOT_JOB_RELATED]
RESPONSES = set(STATUSES) - {Status.APPLICATION_CONFIRMATION, Status.WITHDRAWAL}
# An application's later mail: a confirmation days after the first is another application.
FOLLOW_UPS = [s for s in STATUSES if s != Status.APPLICATION_CONFIRMATION]


def make_timelines(seed: int) -> dict[tuple[str, str], list[AnalysisResult]]:
    """{(company, position): results} of about 40 applications."""
    rng = random.Random(seed)
    timelines: dict[tuple[str, str], list[AnalysisResult]] = {}
    for index in range(40):
        company = rng.choice(COMPANIES)
        position = f"Role {index}"
        start = rng.uniform(0, 70)
        emails = []
        if rng.random() < 0.8:  # most applications begin with a confirmation
            emails.append((Status.APPLICATION_CONFIRMATION, start))
        for _ in range(rng.randint(0 if emails else 1, 3)):
            emails.append((rng.choice(FOLLOW_UPS), start + rng.uniform(-1, 30)))
        timelines[(company, position)] = [
            result(f"m{index}-{n}", status, company, position, day=day)
            for n, (status, day) in enumerate(emails)
        ]
    return timelines


def when(entry: AnalysisResult) -> datetime:
    assert entry.date is not None
    return entry.date


def reference(timelines, overrides):
    """The dashboard's figures computed in plain Python from the stored results."""
    funnel: Counter[str] = Counter()
    responded = 0
    waits: dict[str, list[float]] = {}
    weeks: Counter[date] = Counter()
    for keys, entries in timelines.items():
        statuses = {e.status for e in entries} | set(overrides.get(keys, ()))
        funnel["applied"] += 1
        funnel["interview"] += bool(statuses & {Status.INTERVIEW_INVITATION, Status.OFFER})
        funnel["offer"] += Status.OFFER in statuses
        confirmations = [when(e) for e in entries if e.status == "application_confirmation"]
        applied = min(confirmations, default=None)
        answers = [
            when(e)
            for e in entries
            if e.status in RESPONSES and (applied is None or when(e) >= applied)
        ]
        if answers or set(overrides.get(keys, ())) & RESPONSES:
            responded += 1
        if answers and applied:
            waits.setdefault(keys[0], []).append((min(answers) - applied).total_seconds() / 86400)
        started = applied or min(when(e) for e in entries)
        weeks[(started - timedelta(days=started.weekday())).date()] += 1
    medians = {company: statistics.median(days) for company, days in waits.items()}
    return funnel, responded, medians, {w: weeks[w] for w in sorted(weeks)}, waits


@pytest.fixture
def data(owner, other_user):
    timelines = make_timelines(seed=11)
    for entries in timelines.values():
        store(owner, *entries)
    # Noise that must not count: another user's applications.
    for entries in make_timelines(seed=12).values():
        store(other_user, *entries)
    # A status set by hand counts in the funnel like one from an email.
    some = JobApplication.objects.filter(user=owner, email_count=1).first()
    corrections.correct_application(
        some, status=Status.OFFER, company=some.company, position=some.position
    )
    return timelines, {(some.company, some.position): [Status.OFFER]}


def test_the_funnel_matches_plain_python(owner, data) -> None:
    funnel, *_ = reference(*data)
    figures = dashboard.compute(owner.pk)
    assert figures.funnel == dashboard.Funnel(
        applied=funnel["applied"], interview=funnel["interview"], offer=funnel["offer"]
    )
    assert figures.funnel.applied == 40
    assert 0 < figures.funnel.offer < figures.funnel.interview < figures.funnel.applied


def test_the_response_rate_matches_plain_python(owner, data) -> None:
    _, responded, *_ = reference(*data)
    figures = dashboard.compute(owner.pk)
    assert (figures.responded, figures.total) == (responded, 40)
    assert figures.response_rate == pytest.approx(responded / 40)
    assert 0 < figures.responded < figures.total


@pytest.mark.parametrize(
    ("status", "answered"),
    [(Status.OFFER, 1), (Status.REJECTION, 1), (Status.WITHDRAWAL, 0), ("", 0)],
)
def test_a_response_status_set_by_hand_counts_as_an_answer(owner, status, answered) -> None:
    # Only a confirmation in the mail; the offer (or turn-down) came by phone.
    store(owner, result("m1", Status.APPLICATION_CONFIRMATION))
    application = JobApplication.objects.get(user=owner)
    corrections.correct_application(
        application, status=status, company=application.company, position=application.position
    )
    figures = dashboard.compute(owner.pk)
    assert (figures.responded, figures.total) == (answered, 1)


def test_an_answer_set_by_hand_is_counted_but_not_timed(client, owner) -> None:
    store(owner, result("m1", Status.APPLICATION_CONFIRMATION))
    application = JobApplication.objects.get(user=owner)
    corrections.correct_application(
        application, status=Status.OFFER, company=application.company, position=application.position
    )
    client.force_login(owner)
    page = client.get("/applications/dashboard").content.decode()
    # The rate counts the offer that came by phone; the days need an answer dated in the mail,
    # and the card does not claim nobody answered.
    assert "1 of 1 answered" in page
    assert "No answers in your mail yet" in page
    assert "No responses yet" not in page


def test_median_days_to_first_response_per_company_match_plain_python(owner, data) -> None:
    _, _, medians, _, waits = reference(*data)
    figures = dashboard.compute(owner.pk)
    got = {row.company: row.median_days for row in figures.response_days}
    assert got == pytest.approx(medians)
    assert {row.company: row.applications for row in figures.response_days} == {
        company: len(days) for company, days in waits.items()
    }
    # Both odd and even counts occur, so both branches of the median are exercised.
    assert {len(days) % 2 for days in waits.values()} == {0, 1}
    assert [row.median_days for row in figures.response_days] == sorted(got.values())


def test_applications_per_iso_week_match_plain_python(owner, data) -> None:
    *_, weekly, _ = reference(*data)
    figures = dashboard.compute(owner.pk)
    assert {week.start: week.count for week in figures.weekly} == weekly
    assert all(week.start.isoweekday() == 1 for week in figures.weekly)
    assert sum(week.count for week in figures.weekly) == 40


def test_a_user_without_applications_gets_empty_figures(owner) -> None:
    figures = dashboard.compute(owner.pk)
    assert figures.funnel == dashboard.Funnel(0, 0, 0)
    assert (figures.total, figures.response_rate, figures.response_days, figures.weekly) == (
        0,
        None,
        [],
        [],
    )


def test_charts_escape_names_and_describe_themselves() -> None:
    rows = [dashboard.CompanyDays('<script>"x"</script> & Co', 2.5, 2)]
    svg = str(charts.response_days(rows))
    assert "<script>" not in svg
    assert "&lt;script&gt;&quot;x&quot;&lt;/script&gt; &amp; Co" in svg
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert "<title id=" in svg
    assert "<desc id=" in svg


def test_the_weekly_chart_shows_empty_weeks_between_busy_ones() -> None:
    start = datetime(2026, 3, 2).date()
    weeks = [dashboard.Week(start, 3), dashboard.Week(start + timedelta(weeks=3), 1)]
    svg = str(charts.weekly(weeks))
    assert svg.count('class="bar week"') == 4
    assert "2026-W10: 3; 2026-W13: 1" in svg


def test_the_dashboard_page_draws_the_charts(client, owner, data) -> None:
    client.force_login(owner)
    response = client.get("/applications/dashboard")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3
    figures = dashboard.compute(owner.pk)
    assert f'id="stat-applications">{figures.total}<' in html
    assert f'id="stat-response-rate">{round(100 * figures.responded / 40)}%<' in html


def test_the_dashboard_needs_a_signed_in_user(client) -> None:
    assert client.get("/applications/dashboard").status_code == 302
