"""The benchmark scripts still run: each bench in bench/ that is quick at a tiny size, run as a
subprocess against the test services, exits 0 and prints its figures' header line.

The benches are how the project proves its performance goals, and nothing else imports them:
an internal API change once left bench/search.py failing unnoticed. The figures themselves are
not checked here (no timing assertions in tests); the benches print them for people to read.

Left out, and why:
  - tokens.py: a fixed size (10,000 bare MongoDB writes, ~20 s alone on a loaded 2-core
    machine) with no argument to shrink it.
  - refetch.py: paced by Gmail's quota (250 units/s) by design, ~20 s at 200 messages.
  - vs_notmuch.py: installs notmuch with apt-get when missing (root and the network), and
    defaults to a private mongod (27219) whose CPU it measures.
  - sync.py, sync_quota.py: full syncs at Gmail's quota (250 units/s), paced like refetch.py,
    and with worker and web processes of their own.
  - search.py: wants a MongoDB with a production-sized cache (its own mongod).
  - classify.py, parse.py: measured on the email corpus in ../shared/data when it is there
    (not one of the test services), so a run here would vary with the machine.
  - tracker_eval.py: a full evaluation over several seeds and sizes (its smallest run is a
    whole sync + classify + group of a generated mailbox); tracker_regroup.py, which reads what
    it saves, runs below on a hand-made saved mailbox.
  - gyb_emulated.py: runs inside a GYB checkout, for sync_quota.py; not a bench on its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytest
from django.conf import settings
from pymongo import MongoClient

from mailbox_project.testing import BASE_DIR

pytestmark = pytest.mark.slow


class Bench(NamedTuple):
    script: str
    args: tuple[str, ...]
    header: str  # a line (part) printed before the figures, once the bench has set up
    # The bench exits 1 when its goal is missed, after printing its verdict line: at a tiny
    # size the goal is not what is tested, so that exit counts as a run to the end.
    goal_verdict: str | None = None


BENCHES = (
    Bench("fold_index.py", ("--rounds", "1"), "ascii body, 100,000 chars"),
    Bench("mail_html.py", ("--rounds", "1"), "median ms"),
    Bench("query_parse.py", ("--rounds", "1"), "parse ms"),
    Bench(
        "emulator.py",
        ("--messages", "200", "--clients", "1", "--rounds", "1"),
        "format=raw",
        goal_verdict="FAIL: slowest format",
    ),
    Bench(
        "tracker.py",
        ("--applications", "20", "--emails-per-app", "2", "--rounds", "1"),
        "(1) Grouping",
    ),
    Bench(
        "analysis.py",
        ("--users", "1", "--messages", "20", "--views", "10"),
        "(1) Classifications per second",
    ),
    Bench("pages.py", ("--messages", "100", "--rounds", "1"), "search service (reference)"),
    Bench("mcp.py", ("--messages", "10", "--calls", "3", "--validations", "20"), "(1) search_mail"),
    Bench("backup.py", ("--messages", "100", "--rebuild"), "find() scan"),
    Bench("redis_outage.py", ("--outages", "1"), "first task done"),
    Bench("sync_cpu.py", ("--messages", "50", "--rounds", "1"), "sync CPU, "),
    Bench("index_writes.py", ("--messages", "200", "--chunk", "100"), "mongod engine config"),
    # Its cases are in the repository; the external mail it also reads is left out here.
    Bench("interview_times.py", ("--shared", "/nonexistent"), "held_out: first appointment"),
)


@pytest.fixture(scope="module")
def bench_environment() -> Iterator[dict[str, str]]:
    """The test services' environment, with databases of their own for benches that take one.

    Most benches force a throwaway database and drop it; backup.py keeps its mailbox between
    runs (``BENCH_BACKUP_DB``) and redis_outage.py takes ``MONGODB_NAME`` as given, so both
    get names derived from the test database's, dropped here at the end.
    """
    base = f"{settings.DATABASES['default']['NAME']}_bench_smoke"
    backup = f"{base}_backup"
    env = {**os.environ, "PYTHONPATH": str(BASE_DIR), "MONGODB_NAME": base}
    env["BENCH_BACKUP_DB"] = backup
    yield env
    client: MongoClient[dict[str, object]] = MongoClient(settings.MONGODB_URI)
    try:
        for name in (base, backup, f"{backup}_restore"):
            client.drop_database(name)
    finally:
        client.close()


@pytest.mark.parametrize("bench", BENCHES, ids=lambda bench: bench.script)
def test_the_bench_runs_at_a_tiny_size(bench: Bench, bench_environment: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, str(BASE_DIR / "bench" / bench.script), *bench.args],
        cwd=BASE_DIR,
        env=bench_environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = f"{done.stdout}\n--- stderr ---\n{done.stderr[-4000:]}"
    lines = done.stdout.splitlines()
    missed_goal = (
        bench.goal_verdict is not None
        and done.returncode == 1
        and bool(lines)
        and lines[-1].startswith(bench.goal_verdict)
    )
    assert done.returncode == 0 or missed_goal, output
    assert bench.header in done.stdout, output


def test_the_offline_regrouping_bench_scores_and_compares_saved_mailboxes(tmp_path) -> None:
    # tracker_regroup.py reads what ``evaluate_tracker --dump`` saves; a hand-made mailbox
    # stands in for a generated one (tracker/tests/test_evaluation.py saves a real one).
    from tracker import replay
    from tracker.cluster import Mail

    start = datetime(2026, 3, 2, tzinfo=UTC)
    mails = [
        Mail("c", start, "application_confirmation", "acme", "data analyst"),
        Mail("r", start + timedelta(days=9), "rejection", "acme", "data analyst"),
    ]
    truth = {"c": "a1", "r": "a1"}
    replay.save(tmp_path / "saved", replay.SavedMailbox(1, 600, 1.0, truth, mails, truth))
    script = str(BASE_DIR / "bench" / "tracker_regroup.py")
    scores = tmp_path / "f1.json"
    for extra in (["--save", str(scores)], ["--compare", str(scores)]):
        done = subprocess.run(
            [sys.executable, script, str(tmp_path / "saved"), *extra],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "1 mailboxes in" in done.stdout
        assert "mean F1 1.0000" in done.stdout
        assert "0 with a rate over 1 pp off" in done.stdout
        # Regrouped as the pipeline grouped it (no star), one application of one, no rate off.
        line = next(x for x in done.stdout.splitlines() if x.startswith("saved/1-600"))
        assert line.split() == ["saved/1-600", "1.0000", "1.0000", "1/1", "0.0"]
    assert "against 1 compared: 0 up, 0 down" in done.stdout
    assert "a rate over 1 pp off: 0 -> 0 of 1" in done.stdout
    # A tree from before the gaps saved the F1s alone: they still compare, with no gap line.
    older = tmp_path / "older.json"
    older.write_text('{"saved/1-600": 0.5}')
    done = subprocess.run(
        [sys.executable, script, str(tmp_path / "saved"), "--compare", str(older)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "against 1 compared: 1 up, 0 down" in done.stdout
    assert "pp off:" not in done.stdout
