"""The classifier on the external labelled sets (../shared/data), as regression guards.

The thresholds sit below the figures measured when this was written (see the lead's report)
so that an accidental regression fails, not noise. Sets absent from a fresh clone are skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from analysis.classify import EmailInput, Status
from analysis.engines import rules
from analysis.evaluation import emulator_emails, evaluate, load_csv, split

DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
JOB_EMAILS = DATA / "job-emails"
CORPUS = DATA / "email-corpus"


def _csv(relative: str) -> Path:
    path = JOB_EMAILS / relative
    if not path.is_file():
        pytest.skip(f"../shared/data/job-emails/{relative} is absent (fresh clone)")
    return path


@pytest.mark.parametrize(
    ("relative", "part", "macro_f1"),
    [
        ("jobseeker-analytics/labeled_emails.csv", "holdout", 0.93),
        ("nlp-email-classifier/synthetic_emails.csv", "holdout", 0.95),
        ("jobhunt-email-classifier/training_emails_multiclassifier.csv", "all", 0.9),
    ],
)
def test_status_macro_f1(relative, part, macro_f1):
    _, rows = load_csv(_csv(relative))
    report = evaluate(relative, split(rows, part), rules.analyse)
    assert report.macro_f1 is not None
    assert report.macro_f1 >= macro_f1


@pytest.mark.parametrize(
    ("relative", "part", "accuracy"),
    [
        ("nlp-email-classifier/synthetic_emails.csv", "holdout", 0.95),
        ("nlp-email-classifier/real_emails_dev.csv", "holdout", 0.8),
        ("nlp-email-classifier/real_emails_dev.csv", "dev", 0.8),
    ],
)
def test_company_accuracy(relative, part, accuracy):
    _, rows = load_csv(_csv(relative))
    report = evaluate(relative, split(rows, part), rules.analyse)
    company = report.accuracy("company")
    assert company is not None
    assert company >= accuracy


def test_real_job_mail_is_recognised_as_job_mail():
    _, rows = load_csv(_csv("nlp-email-classifier/real_emails_dev.csv"))
    job = sum(rules.analyse(row.email).is_job for row in rows)
    assert job / len(rows) >= 0.95


def test_real_everyday_mail_is_not_job_mail():
    if not CORPUS.is_dir():
        pytest.skip("../shared/data/email-corpus is absent (fresh clone)")
    from mails.parsing import parse_rfc822

    wrong = []
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        parsed = parse_rfc822(path.read_bytes())
        email = EmailInput(
            path.name,
            parsed.subject,
            parsed.from_name,
            parsed.from_address,
            None,
            parsed.body_text,
            list_id=parsed.list_id,
        )
        if rules.analyse(email).is_job:
            wrong.append(path.name)
    assert len(wrong) <= 2, wrong


def test_the_emulators_mail_with_an_unseen_seed():
    rows = emulator_emails(seed=2024, count=600)
    report = evaluate("emulator", rows, rules.analyse)
    assert report.macro_f1 is not None
    assert report.macro_f1 >= 0.95
    assert (report.accuracy("company") or 0) >= 0.95
    assert report.scores[Status.NOT_JOB_RELATED].precision >= 0.95


@pytest.mark.parametrize("part", ["dev", "holdout"])
def test_our_own_set_meets_the_issue_14_goals(part):
    """Our generated set (in the repository, so this runs on a fresh clone): the held-back half
    was never tuned on. Thresholds sit just below the measured figures."""
    from analysis.evaluation import auroc, expected_calibration_error, own_set

    report = evaluate(part, split(own_set(), part), rules.analyse)
    assert report.rejection.recall >= 0.92
    assert report.rejection.precision >= 0.95
    assert report.rejections_as_offer == 0
    area, ece = auroc(report.calibration), expected_calibration_error(report.calibration)
    assert area is None or area >= 0.8  # None: no wrong answer to rank
    assert ece is not None
    assert ece <= 0.1
