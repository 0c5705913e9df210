"""Stages, interview rounds, ghosting, sources and iCalendar, without a database.

The stage figures are checked against a separate, deliberately plain computation over random
timelines: a bug in ``tracker.stages`` would have to be made twice, differently, to pass.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from analysis.status import Status
from tracker import ics, sources, stages

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ORDER = ["application_confirmation", "assessment", "interview_invitation", "offer"]
SCREENING = {"information_request", "action_required", "assessment"}


def reference(timeline: list[tuple[str, datetime]], status: str, days: int) -> tuple[int, int, str]:
    """(furthest stage as 0-3, rounds, outcome) computed the long way round."""
    seen = {s for s, _ in timeline} | {status}
    furthest = 0
    if seen & SCREENING:
        furthest = 1
    if "interview_invitation" in seen:
        furthest = 2
    if "offer" in seen:
        furthest = 3
    interviews = sorted(d for s, d in timeline if s == "interview_invitation")
    rounds = 0
    last_counted = None
    for when in interviews:
        if last_counted is None or (when - last_counted).total_seconds() >= 36 * 3600:
            rounds += 1
            last_counted = when
    if furthest >= 2 and rounds == 0:
        rounds = 1
    if status == "offer":
        outcome = "offer"
    elif status == "rejection":
        outcome = "rejected"
    elif status == "withdrawal":
        outcome = "withdrawn"
    else:
        last = max((d for _, d in timeline), default=None)
        outcome = "no_response" if last is not None and (NOW - last).days >= days else "active"
    return furthest, rounds, outcome


def random_application(rng: random.Random) -> tuple[list[tuple[str, datetime]], str]:
    statuses = [s.value for s in Status if s != Status.NOT_JOB_RELATED]
    start = NOW - timedelta(days=rng.randrange(1, 120))
    timeline = [
        (rng.choice(statuses), start + timedelta(hours=rng.randrange(0, 24 * 60)))
        for _ in range(rng.randrange(1, 7))
    ]
    timeline = [(s, min(d, NOW)) for s, d in timeline]
    last = max(timeline, key=lambda item: item[1])[0]
    return timeline, last


@pytest.mark.parametrize("seed", range(5))
def test_progress_matches_a_plain_computation(seed: int) -> None:
    rng = random.Random(seed)
    progresses = []
    for _ in range(300):
        timeline, status = random_application(rng)
        last = max(d for _, d in timeline)
        got = stages.progress(timeline, status, last, now=NOW, ghost_after_days=21)
        assert (int(got.stage), got.rounds, got.outcome) == reference(timeline, status, 21)
        progresses.append(got)
    counts = stages.conversion(progresses)
    expected = [
        len(progresses),
        sum(p.stage >= 1 for p in progresses),
        sum(p.stage >= 2 for p in progresses),
        sum(p.rounds >= 2 for p in progresses),
        sum(p.stage == 3 for p in progresses),
    ]
    assert [c.reached for c in counts] == expected
    # Each share is of the step before on the path; the offer's is of the interviews.
    for step, of in zip(counts[1:], [0, 1, 2, 2], strict=True):
        base = expected[of]
        assert step.conversion == (step.reached / base if base else None)
    ended = sum(1 for p in progresses if p.outcome != "active")
    assert sum(e.count for e in stages.endings(progresses)) == ended


def test_ghosting_is_derived_never_a_final_status() -> None:
    old = NOW - timedelta(days=30)
    applied = [("application_confirmation", old)]
    assert stages.progress(
        applied, "application_confirmation", old, now=NOW, ghost_after_days=21
    ).ghosted
    assert not stages.progress(
        applied, "application_confirmation", old, now=NOW, ghost_after_days=31
    ).ghosted
    rejected = [("rejection", old)]
    assert (
        stages.progress(rejected, "rejection", old, now=NOW, ghost_after_days=21).outcome
        == "rejected"
    )


def test_interview_rounds_count_distinct_days_and_label_them() -> None:
    day = NOW - timedelta(days=10)
    timeline = [
        ("interview_invitation", day),
        ("interview_invitation", day + timedelta(hours=3)),  # a reschedule: same round
        ("interview_invitation", day + timedelta(days=4)),
    ]
    got = stages.progress(timeline, "interview_invitation", NOW, now=NOW, ghost_after_days=21)
    assert (got.rounds, got.stage_label) == (2, "Interview 2")


@pytest.mark.parametrize(
    ("senders", "subject", "expected"),
    [
        (["LinkedIn <jobs-noreply@linkedin.com>"], "Your application was sent", "linkedin"),
        (["no-reply@us.greenhouse-mail.io"], "Thanks for applying", "company_site"),
        (["Jane Roe (Bluestone Staffing) <jane@bluestonestaffing.com>"], "Role", "agency"),
        (["jane@acme.com"], "Employee referral: Backend Engineer", "referral"),
        (["alert@indeed.com"], "Application received", "job_board"),
        # Every system the analysis knows: Oracle's, SAP's, UKG's, iCIMS's cut-short domain.
        (["Acme <ejif.fa.sender@fa.em2.oraclecloud.com>"], "Thank you", "company_site"),
        (["careers@sapsf.eu"], "Your application", "company_site"),
        (["noreply@ultipro.com"], "Thank you", "company_site"),
        (["Acme <acme@icims>"], "Thank you", "company_site"),
        (["noreply@dice.com"], "Application sent", "job_board"),
        (["jane@acme.com"], "Next steps", ""),
    ],
)
def test_the_source_is_read_from_the_mail(senders: list[str], subject: str, expected: str) -> None:
    traces = [sources.MailTrace(sender, subject) for sender in senders]
    assert sources.detect(traces) == expected
    assert sources.effective("referral", sources.detect(traces)) == "referral"


def test_an_invitation_is_read_and_a_feed_written() -> None:
    invitation = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:abc@x\r\n"
        "DTSTART;TZID=Europe/Berlin:20260310T150000\r\nDTEND;TZID=Europe/Berlin:20260310T16\r\n"
        " 0000\r\nSUMMARY:Interview\\, round 2\r\nLOCATION:Room 1\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260311\r\nSUMMARY:all day\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nDTSTART:20260312T090000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    (event,) = ics.events(invitation)
    berlin = ZoneInfo("Europe/Berlin")
    assert event.starts_at == datetime(2026, 3, 10, 15, 0, tzinfo=berlin)
    assert event.ends_at == datetime(2026, 3, 10, 16, 0, tzinfo=berlin)
    assert (event.summary, event.location, event.uid) == ("Interview, round 2", "Room 1", "abc@x")
    long = ics.Event("u1", event.starts_at, None, "Ä" * 80, description="line\nnext")
    text = ics.calendar([long], name="Jobs", now=NOW)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    (back,) = ics.events(text)
    assert back.summary == "Ä" * 80
    assert back.starts_at == event.starts_at
