"""evaluate_tracker's scoring: pairwise agreement, true dashboard figures, and one real run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from tracker import replay
from tracker.cluster import Mail
from tracker.evaluation import evaluate_mailbox, pairwise, saved_figures, truth_figures

DAY = timedelta(days=1)
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def test_identical_clusterings_score_one() -> None:
    truth = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}
    scores = pairwise(truth, {k: f"x{v}" for k, v in truth.items()})
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)
    assert scores.true_pairs == 2


def test_a_split_costs_recall_and_a_merge_costs_precision() -> None:
    truth = {"a": "1", "b": "1", "c": "1", "d": "2"}
    split = pairwise(truth, {"a": "x", "b": "x", "c": "y", "d": "z"})
    assert split.precision == 1.0
    assert split.recall == pytest.approx(1 / 3)
    merged = pairwise(truth, {"a": "x", "b": "x", "c": "x", "d": "x"})
    assert merged.recall == 1.0
    assert merged.precision == pytest.approx(3 / 6)


def test_an_email_missing_on_one_side_is_alone_there() -> None:
    truth = {"a": "1", "b": "1"}
    scores = pairwise(truth, {"a": "x", "c": "x"})  # b not tracked, c not a job email
    assert (scores.precision, scores.recall) == (0.0, 0.0)


def test_true_figures_follow_the_dashboard_definitions() -> None:
    timelines = {
        "applied only": [("application_confirmation", T0)],
        "rejected": [("application_confirmation", T0), ("rejection", T0 + DAY)],
        "offer": [
            ("application_confirmation", T0),
            ("interview_invitation", T0 + DAY),
            ("offer", T0 + 9 * DAY),
        ],
        # An answer dated before the confirmation is not a response to it.
        "early answer": [("information_request", T0), ("application_confirmation", T0 + DAY)],
    }
    figures = truth_figures(timelines)
    assert figures.applications == 4
    assert figures.response_rate == 50.0
    assert figures.interview_rate == 25.0
    assert figures.offer_rate == 25.0


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_analysis_tiers")
def test_a_generated_mailbox_runs_through_the_pipeline_and_is_scored(tmp_path) -> None:
    run = evaluate_mailbox(seed=3, size=150, dump=tmp_path)
    assert run.job_emails > 20
    assert run.true_applications > 5
    assert run.predicted_applications > 0
    assert 0.0 < run.scores.f1 <= 1.0
    # The saved grouping input regroups offline to what the pipeline measured: it is all the
    # grouping sees, and the pipeline's end state is a function of it.
    saved = replay.load(replay.path_for(tmp_path, 3, 150))
    assert saved.mails
    assert saved.pipeline_f1 == run.scores.f1
    regrouped = replay.regroup(saved)
    assert replay.same_grouping(regrouped, saved.pipeline)
    assert pairwise(saved.truth, regrouped).f1 == run.scores.f1
    out = StringIO()
    call_command("evaluate_tracker", "--seeds", "3", "--sizes", "150", stdout=out)
    assert f"{run.scores.f1:6.3f}" in out.getvalue()
    assert "worst pairwise F1" in out.getvalue()


def test_misgroupings_name_the_splits_and_merges_behind_the_lost_pairs() -> None:
    from tracker.misgrouping import EmailRow, describe, misgroupings

    def row(message_id: str, truth: str, predicted: str) -> EmailRow:
        return EmailRow(message_id, T0, truth, "rejection", "Acme", "Engineer", predicted)

    rows = [row("a", "1", "x"), row("b", "1", "x"), row("c", "1", "y"), row("d", "2", "y")]
    rows.append(row("e", "", "y"))  # tracked, but no job email in the truth
    found = [(m.kind, m.lost_pairs, [r.message_id for r in m.emails]) for m in misgroupings(rows)]
    assert found == [("merge", 3, ["c", "d", "e"]), ("split", 2, ["a", "b", "c"])]
    lines = describe(misgroupings(rows)[0], {})
    assert lines[0] == "merge costing 3 pairs:"
    assert "P1" in lines[1]


def test_a_file_that_is_not_a_saved_mailbox_is_refused(tmp_path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"format": 99}')
    with pytest.raises(ValueError, match="not a saved mailbox"):
        replay.load(path)


def test_a_saved_mailbox_s_figures_set_a_grouping_beside_the_true_one() -> None:
    mails = [
        Mail("a", T0, "application_confirmation", "acme", "analyst"),
        Mail("b", T0 + DAY, "application_confirmation", "acme", "engineer"),
        Mail("r", T0 + 9 * DAY, "rejection", "acme", ""),
    ]
    truth = {"a": "a1", "b": "a2", "r": "a2"}
    saved = replay.SavedMailbox(1, 600, 1.0, truth, mails, truth)
    true = saved_figures(saved, truth)
    assert (true.applications, true.response_rate) == (2, 50.0)
    # The turn-down in a group of its own: one application too many, answered.
    split = saved_figures(saved, {"a": "g1", "b": "g2", "r": "g3"})
    assert (split.applications, round(split.response_rate, 1)) == (3, 33.3)
    assert round(split.gap(true), 1) == 16.7
    # Given to the other application: the count and every rate right, though misplaced.
    assert saved_figures(saved, {"a": "g1", "r": "g1", "b": "g2"}).gap(true) == 0.0


def test_a_saved_mailbox_reads_back_as_it_was(tmp_path) -> None:
    mails = [
        Mail("m1", T0, "application_confirmation", "acme", "data analyst"),
        Mail(
            "m2",
            T0 + DAY,
            "rejection",
            "acme",
            "",
            strong=frozenset({"thread:t1", "msgid:<a@b>", "req:R-1"}),
            recruiter="jo@acme.example",
            person="jo lee",
            channel="workday",
            moved=True,
        ),
    ]
    saved = replay.SavedMailbox(7, 600, 0.5, {"m1": "a1", "m2": "a1"}, mails, {"m1": "x"})
    assert replay.load(replay.save(tmp_path, saved)) == saved
