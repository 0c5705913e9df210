"""``manage.py evaluate_classifier`` on labelled CSVs of every supported format and the emulator."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from analysis.classify import Analysis, EmailInput, Status
from analysis.evaluation import LabelledEmail, evaluate, load_csv, normalise_name, split

REJECTION = (
    "Thank you for applying to the Data Engineer position at Larkspur. After careful "
    "consideration, we have decided to move forward with other candidates."
)
CONFIRMATION = (
    "Thanks for applying to Larkspur! We have received your application for the Data Engineer "
    "role and will review it shortly."
)
OFFER = "We are delighted to offer you the position of Data Engineer at Larkspur."
INTERVIEW = "Your technical interview is scheduled for Thursday at 2 PM."
UNRELATED = "Here are this week's top stories from the Python community. Unsubscribe anytime."


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("evaluate_classifier", *args, stdout=out)
    return out.getvalue()


def test_jobseeker_analytics_format(tmp_path):
    path = write_csv(
        tmp_path / "labeled.csv",
        ["email_text", "status_label"],
        [
            [REJECTION, "rejected"],
            [CONFIRMATION, "no response"],
            [OFFER, "offer"],
            [INTERVIEW, "interview scheduled"],
            [
                "Could you share your availability for a 30-minute call next week?",
                "request for availability",
            ],
        ],
    )
    output = run(str(path))
    assert "labeled.csv [jobseeker-analytics, all]: 5 emails" in output
    for status in (
        "rejection",
        "application_confirmation",
        "offer",
        "interview_invitation",
        "information_request",
    ):
        assert f"\n{status} " in output
    assert "macro-F1 (labelled statuses)                  1.000" in output
    assert "company exact match" not in output  # this format has no company labels


def test_jobhunt_format_maps_other_to_not_job_related(tmp_path):
    path = write_csv(
        tmp_path / "multi.csv",
        ["id", "email_text", "email_type"],
        [
            ["1", REJECTION, "Rejection"],
            ["2", CONFIRMATION, "Confirmation"],
            ["3", UNRELATED, "Other"],
            ["4", INTERVIEW, "Invitation"],
        ],
    )
    output = run(str(path))
    assert "[jobhunt, all]: 4 emails" in output
    assert "\nnot_job_related " in output
    assert "macro-F1 (labelled statuses)                  1.000" in output


def test_nlp_email_classifier_format_scores_companies(tmp_path):
    header = ["sender", "subject", "email_body", "company", "true_label"]
    path = write_csv(
        tmp_path / "synthetic.csv",
        header,
        [
            [
                "Larkspur Careers <careers@larkspur.com>",
                "Update on your application",
                REJECTION,
                "Larkspur",
                "rejection",
            ],
            [
                "Larkspur Careers <careers@larkspur.com>",
                "Application received",
                CONFIRMATION,
                "Larkspur",
                "in_process",
            ],
            [
                "<recruiting@larkspur.com>",
                "Complete your assessment",
                "Please complete the HackerRank coding challenge by Friday.",
                "Larkspur",
                "action_required",
            ],
            [
                "Python Weekly <news@pyweekly.example>",
                "Issue 612",
                UNRELATED,
                "Python Weekly",
                "unrelated",
            ],
        ],
    )
    output = run(str(path))
    assert "[nlp-email-classifier, all]: 4 emails" in output
    # "action_required" admits an assessment; the unrelated row's company is not scored.
    assert "macro-F1 (labelled statuses)                  1.000" in output
    assert "company exact match                           1.000  (3/3)" in output


def test_company_only_format_reports_company_accuracy(tmp_path):
    path = write_csv(
        tmp_path / "real.csv",
        ["sender", "subject", "email_body", "company"],
        [
            [
                "Larkspur Careers <careers@larkspur.com>",
                "Thank you for applying to Larkspur",
                CONFIRMATION,
                "Larkspur, Inc.",
            ]
        ],
    )
    output = run(str(path))
    assert "[nlp-email-classifier-company, all]: 1 emails" in output
    assert "macro-F1" not in output
    assert "job-related (no status labels)                1.000  (1/1)" in output
    assert "predicted: application_confirmation 1" in output
    assert "company exact match                           1.000  (1/1)" in output


def test_our_own_format_scores_positions(tmp_path):
    path = write_csv(
        tmp_path / "mine.csv",
        ["subject", "sender", "body", "status", "company", "position"],
        [
            [
                "Offer letter",
                "Larkspur Recruiting <jobs@larkspur.com>",
                OFFER,
                "offer",
                "Larkspur",
                "Data Engineer",
            ]
        ],
    )
    output = run(str(path))
    assert "[mailbox, all]" in output
    assert "position exact match                          1.000  (1/1)" in output


def test_the_emulators_mail_is_scored_against_its_truth():
    output = run("--emulator", "--seed", "3", "--count", "120")
    assert "== emulator [seed 3, 1x120]" in output
    assert "macro-F1 (labelled statuses)" in output
    assert "company exact match" in output
    assert "position exact match" in output
    assert "throughput (emails/s)" in output


def test_show_misses_prints_wrong_rows(tmp_path):
    path = write_csv(tmp_path / "wrong.csv", ["email_text", "status_label"], [[UNRELATED, "offer"]])
    output = run(str(path), "--show-misses", "5")
    assert "expected offer" in output
    assert "got not_job_related" in output


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: p / "missing.csv", "cannot read"),
        (lambda p: p, "cannot read"),  # a directory
        (lambda p: write_csv(p / "x.csv", ["a", "b"], [["1", "2"]]), "unknown CSV format"),
        (
            lambda p: write_csv(p / "x.csv", ["email_text", "status_label"], [["hi", "maybe"]]),
            "unknown label 'maybe'",
        ),
        (lambda p: _binary(p / "x.csv"), "cannot read"),
    ],
    ids=["missing", "directory", "unknown columns", "unknown label", "not text"],
)
def test_bad_input_is_a_clear_command_error(tmp_path, setup, message):
    with pytest.raises(CommandError, match=message):
        run(str(setup(tmp_path)))


def _binary(path: Path) -> Path:
    path.write_bytes(b"\xff\xfe\x00\x81 not utf-8 \x9c")
    return path


def test_nothing_to_evaluate_is_an_error():
    with pytest.raises(CommandError, match="at least one CSV PATH, --emulator or --own"):
        run()


def test_a_forced_unknown_format_is_an_error(tmp_path):
    path = write_csv(tmp_path / "x.csv", ["email_text", "status_label"], [[OFFER, "offer"]])
    with pytest.raises(CommandError):
        run(str(path), "--format", "nope")


def test_dev_and_holdout_split_the_rows_without_overlap(tmp_path):
    rows = [[f"Message number {i}: {CONFIRMATION}", "no response"] for i in range(60)]
    path = write_csv(tmp_path / "many.csv", ["email_text", "status_label"], rows)
    _, emails = load_csv(path)
    dev, holdout = split(emails, "dev"), split(emails, "holdout")
    ids = {e.email.message_id for e in dev} | {e.email.message_id for e in holdout}
    assert len(dev) + len(holdout) == len(emails) == len(ids)
    assert dev
    assert holdout
    # The split follows the text, not the row order.
    _, reversed_emails = load_csv(
        write_csv(tmp_path / "r.csv", ["email_text", "status_label"], rows[::-1])
    )
    assert {e.email.body_text for e in split(reversed_emails, "dev")} == {
        e.email.body_text for e in dev
    }


def _labelled(status: Status, *admits: Status) -> LabelledEmail:
    email = EmailInput("m", "", "", "", None, status.value)
    return LabelledEmail(email, (status, *admits))


def test_precision_recall_and_macro_f1_are_computed_per_status():
    rows = [
        _labelled(Status.REJECTION),
        _labelled(Status.REJECTION),
        _labelled(Status.OFFER),
        _labelled(Status.ACTION_REQUIRED, Status.ASSESSMENT),
    ]
    predictions = {
        "rejection": Status.REJECTION,
        "offer": Status.REJECTION,  # an offer taken for a rejection
        "action_required": Status.ASSESSMENT,  # admitted by the coarse label
    }

    def fake(email: EmailInput) -> Analysis:
        return Analysis(predictions[email.body_text], "", "", "", 1.0)

    report = evaluate("t", rows, fake)
    rejection, offer = report.scores[Status.REJECTION], report.scores[Status.OFFER]
    assert (rejection.precision, rejection.recall) == (2 / 3, 1.0)
    assert rejection.f1 == pytest.approx(0.8)
    assert (offer.precision, offer.recall, offer.f1) == (0.0, 0.0, 0.0)
    assert report.scores[Status.ASSESSMENT].f1 == 1.0
    assert report.macro_f1 == pytest.approx((0.8 + 0.0 + 1.0) / 3)


@pytest.mark.parametrize(
    ("left", "right"),
    [("Larkspur, Inc.", "larkspur"), ("  Acme   Robotics ", "ACME ROBOTICS"), ("AT&T", "at&t")],
)
def test_names_match_regardless_of_case_spacing_and_legal_suffix(left, right):
    assert normalise_name(left) == normalise_name(right)


def test_our_own_set_is_reported_in_its_two_halves():
    output = run("--own", "--engine", "rules")
    assert "== own evaluation set [dev]: " in output
    assert "== own evaluation set [holdout]: " in output
    assert output.count("confidence AUROC (right vs wrong)") == 2
    assert output.count("rejection (binary) precision/recall/F1") == 2


def test_transfer_encoded_bodies_are_decoded_before_classifying(tmp_path):
    import quopri

    encoded = quopri.encodestring(REJECTION.replace("Larkspur", "Larkspur’s").encode()).decode()
    path = write_csv(
        tmp_path / "encoded.csv",
        ["subject", "sender", "body", "status", "content_transfer_encoding"],
        [
            [
                "Update",
                "Larkspur Careers <careers@larkspur.com>",
                encoded,
                "rejection",
                "quoted-printable",
            ]
        ],
    )
    _, rows = load_csv(path)
    assert "Larkspur’s" in rows[0].email.body_text
    assert "=E2" not in rows[0].email.body_text
    assert "rejection (binary) precision/recall/F1        1.000   1.000" in run(str(path))
