"""Score a classifier on labelled rows (per status, binary rejection, fields, confidence), and
list the rows it got wrong."""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Callable, Iterator, Sequence

from analysis.classify import Analysis, EmailInput
from analysis.evaluation.records import LabelledEmail, Report, StatusScore
from analysis.status import Status

_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(?:inc|llc|ltd|limited|gmbh|corp|corporation|co|plc|s\.?a|ag|(?:&|and) co(?:mpany)?)"
    r"\.?$",
    re.IGNORECASE,
)
_NOT_WORD = re.compile(r"[^\w&+]+")


def normalise_name(value: str) -> str:
    """Return a company or position in the form exact-match compares (case, spacing, Inc.)."""
    value = _LEGAL_SUFFIX.sub("", value.strip())
    return _NOT_WORD.sub(" ", value.casefold()).strip()


def evaluate(
    name: str, rows: Sequence[LabelledEmail], classify: Callable[[EmailInput], Analysis]
) -> Report:
    """Return the report of ``classify`` on ``rows``."""
    report = Report(name, rows=len(rows))
    report.scores = {status: StatusScore() for status in Status}
    started = time.perf_counter()
    analyses = [classify(row.email) for row in rows]
    report.seconds = time.perf_counter() - started
    for row, analysis in zip(rows, analyses, strict=True):
        _score(report, row, analysis)
    return report


def _score(report: Report, row: LabelledEmail, analysis: Analysis) -> None:
    predicted = analysis.status
    if row.statuses is None:
        report.unlabelled[predicted] += 1
    else:
        # A prediction the label admits is right; otherwise the label's main status was missed.
        truth = predicted if predicted in row.statuses else row.statuses[0]
        report.confusion[(truth, predicted)] += 1
        report.calibration.append((analysis.confidence, truth == predicted))
        _count_binary(report.rejection, Status.REJECTION in row.statuses, predicted)
        if truth == predicted:
            report.scores[truth].true_positives += 1
        else:
            report.scores[truth].false_negatives += 1
            report.scores[predicted].false_positives += 1
    job_row = row.statuses is None or Status.NOT_JOB_RELATED not in row.statuses
    for column, expected, got in (
        ("company", row.company, analysis.company),
        ("position", row.position, analysis.position),
    ):
        if expected is not None and job_row and expected.strip():
            report.field_totals[column] += 1
            report.field_hits[column] += normalise_name(expected) == normalise_name(got)


def _count_binary(score: StatusScore, is_rejection: bool, predicted: Status) -> None:
    said = predicted is Status.REJECTION
    score.true_positives += is_rejection and said
    score.false_positives += said and not is_rejection
    score.false_negatives += is_rejection and not said


def auroc(pairs: Sequence[tuple[float, bool]]) -> float | None:
    """Return the chance that a right answer has a higher confidence than a wrong one.

    Ties count half (the Mann-Whitney statistic). None when every answer is right or wrong.
    """
    right = sorted(c for c, ok in pairs if ok)
    wrong = sorted(c for c, ok in pairs if not ok)
    if not right or not wrong:
        return None
    wins = 0.0
    for confidence in wrong:
        below = bisect.bisect_left(right, confidence)
        ties = bisect.bisect_right(right, confidence) - below
        wins += len(right) - below - ties + ties / 2
    return wins / (len(right) * len(wrong))


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> float | None:
    """Return the mean gap between confidence and accuracy over ``bins`` equal-width bins,
    weighted by how many answers each holds (None without answers)."""
    if not pairs:
        return None
    grouped: dict[int, list[tuple[float, bool]]] = {}
    for confidence, ok in pairs:
        grouped.setdefault(min(int(confidence * bins), bins - 1), []).append((confidence, ok))
    gap = 0.0
    for members in grouped.values():
        mean_confidence = sum(c for c, _ in members) / len(members)
        accuracy = sum(ok for _, ok in members) / len(members)
        gap += len(members) * abs(mean_confidence - accuracy)
    return gap / len(pairs)


def misses(
    rows: Sequence[LabelledEmail], classify: Callable[[EmailInput], Analysis]
) -> Iterator[tuple[LabelledEmail, Analysis]]:
    """Yield the rows whose status or company ``classify`` gets wrong (for error analysis)."""
    for row in rows:
        analysis = classify(row.email)
        wrong_status = row.statuses is not None and analysis.status not in row.statuses
        job = row.statuses is None or Status.NOT_JOB_RELATED not in row.statuses
        wrong_company = (
            job
            and bool(row.company)
            and normalise_name(row.company or "") != normalise_name(analysis.company)
        )
        if wrong_status or wrong_company:
            yield row, analysis
