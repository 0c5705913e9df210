"""The report as text: per-status table, binary rejection, confidence, confusion matrix."""

from __future__ import annotations

from analysis.evaluation.records import Report
from analysis.evaluation.scoring import auroc, expected_calibration_error
from analysis.status import Status


def format_report(report: Report) -> str:
    """Return the report as a plain-text table."""
    lines = [f"== {report.name}: {report.rows} emails"]
    if report.status_rows:
        lines.append(f"{'status':<26}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}")
        for status, score in report.scores.items():
            if score.support or score.false_positives:
                lines.append(
                    f"{status.value:<26}{score.precision:>10.3f}{score.recall:>8.3f}"
                    f"{score.f1:>7.3f}{score.support:>9}"
                )
        lines.append(f"{'macro-F1 (labelled statuses)':<41}{report.macro_f1 or 0.0:>10.3f}")
        lines += _binary_lines(report)
        lines += _confusion_lines(report)
    if report.unlabelled:
        total = sum(report.unlabelled.values())
        job = total - report.unlabelled[Status.NOT_JOB_RELATED]
        lines.append(f"{'job-related (no status labels)':<41}{job / total:>10.3f}  ({job}/{total})")
        counts = ", ".join(f"{s.value} {n}" for s, n in report.unlabelled.most_common())
        lines.append(f"  predicted: {counts}")
    for column in ("company", "position"):
        accuracy = report.accuracy(column)
        if accuracy is not None:
            lines.append(
                f"{column + ' exact match':<41}{accuracy:>10.3f}"
                f"  ({report.field_hits[column]}/{report.field_totals[column]})"
            )
    if report.seconds > 0 and report.rows:
        lines.append(f"{'throughput (emails/s)':<41}{report.rows / report.seconds:>10,.0f}")
    return "\n".join(lines)


def _binary_lines(report: Report) -> list[str]:
    rejection = report.rejection
    lines = [
        f"{'rejection (binary) precision/recall/F1':<41}{rejection.precision:>10.3f}"
        f"{rejection.recall:>8.3f}{rejection.f1:>7.3f}{rejection.support:>9}",
        f"{'rejections labelled offer':<41}{report.rejections_as_offer:>10}",
    ]
    area = auroc(report.calibration)
    ece = expected_calibration_error(report.calibration)
    right = [c for c, ok in report.calibration if ok]
    wrong = [c for c, ok in report.calibration if not ok]
    lines.append(f"{'confidence AUROC (right vs wrong)':<41}{_figure(area):>10}")
    lines.append(f"{'confidence ECE (10 bins)':<41}{_figure(ece):>10}")
    lines.append(
        f"{'median confidence right / wrong':<41}{_figure(_median(right)):>10}"
        f"{_figure(_median(wrong)):>8}"
    )
    return lines


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# Column heads of the confusion matrix: short enough for a terminal.
_SHORT = {
    Status.APPLICATION_CONFIRMATION: "conf",
    Status.REJECTION: "rej",
    Status.INTERVIEW_INVITATION: "intv",
    Status.ASSESSMENT: "asmt",
    Status.OFFER: "offer",
    Status.INFORMATION_REQUEST: "info",
    Status.ACTION_REQUIRED: "act",
    Status.WITHDRAWAL: "wdrw",
    Status.NOT_JOB_RELATED: "none",
}


def _confusion_lines(report: Report) -> list[str]:
    present = [
        s for s in Status if any(s in pair for pair, count in report.confusion.items() if count)
    ]
    head = "".join(f"{_SHORT[s]:>6}" for s in present)
    lines = [f"confusion (rows: label, columns: predicted){'':<4}", f"{'':<26}{head}"]
    for truth in present:
        cells = "".join(f"{report.confusion[(truth, p)]:>6}" for p in present)
        lines.append(f"  {truth.value:<24}{cells}")
    return lines
