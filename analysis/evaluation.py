"""Measure the classifier on labelled email: per-status precision/recall/F1 and field accuracy,
binary rejection precision/recall/F1, and how well the confidence separates right from wrong
(AUROC of confidence for correctness, expected calibration error over ten bins).

Labelled sets come in several vocabularies. Each loader maps its labels to the set of our
statuses that the label admits: a coarse label such as "action_required (assessment or
information request)" admits three of ours, and a prediction inside the set counts as right.
Rows can be split deterministically (by a hash of their text) into a ``dev`` part to tune
on and a ``holdout`` part to report, so the two never mix whatever the file's order; rows
that carry their own part (our evaluation set, ``analysis.evaluation_set``) keep it.

Bodies are read as the product reads them: a body still in its transfer encoding
(quoted-printable, base64) or written as HTML is decoded by the sync's own MIME parser
(``mails.parsing``) before the classifier sees it.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from analysis.classify import Analysis, EmailInput
from analysis.status import Status
from mails.parsing import parse_rfc822

S = Status
# Each format: the columns that identify it, and its labels → the statuses they admit.
FORMATS: dict[str, tuple[frozenset[str], dict[str, tuple[Status, ...]]]] = {
    # jobseeker-analytics labeled_emails.csv: one sentence per row.
    "jobseeker-analytics": (
        frozenset({"email_text", "status_label"}),
        {
            "interview scheduled": (S.INTERVIEW_INVITATION,),
            "offer": (S.OFFER,),
            "no response": (S.APPLICATION_CONFIRMATION,),
            "request for availability": (S.INFORMATION_REQUEST,),
            "rejected": (S.REJECTION,),
        },
    ),
    # jobhunt-email-classifier training_emails_multiclassifier.csv.
    "jobhunt": (
        frozenset({"email_text", "email_type"}),
        {
            # "Invitation" is to the next step: an interview or an assessment (no class of its own).
            "invitation": (S.INTERVIEW_INVITATION, S.ASSESSMENT),
            "rejection": (S.REJECTION,),
            "confirmation": (S.APPLICATION_CONFIRMATION,),
            "other": (S.NOT_JOB_RELATED,),
        },
    ),
    # nlp-email-classifier synthetic_emails.csv (sender, subject, body, company, label).
    "nlp-email-classifier": (
        frozenset({"email_body", "subject", "sender", "true_label"}),
        {
            "rejection": (S.REJECTION,),
            "in_process": (S.APPLICATION_CONFIRMATION,),
            "action_required": (S.ACTION_REQUIRED, S.ASSESSMENT, S.INFORMATION_REQUEST),
            "interview": (S.INTERVIEW_INVITATION,),
            "acceptance": (S.OFFER,),
            "unrelated": (S.NOT_JOB_RELATED,),
        },
    ),
    # nlp-email-classifier real_emails_dev.csv: real mail with only a company label.
    "nlp-email-classifier-company": (frozenset({"email_body", "subject", "sender", "company"}), {}),
    # Our own vocabulary: status (one of ours), optional company and position.
    "mailbox": (
        frozenset({"subject", "sender", "body", "status"}),
        {status.value: (status,) for status in Status},
    ),
}
SPLITS = ("all", "dev", "holdout")
_DEV_SHARE = 7  # of 10: the dev part is ~70 %, the holdout ~30 %


class EvaluationError(ValueError):
    """The labelled data cannot be read (unreadable file, unknown format, bad label)."""


@dataclass(frozen=True)
class LabelledEmail:
    """An email and what it is known to be. ``None`` means "not labelled".

    ``statuses`` are the statuses the label admits, the one it names first.
    """

    email: EmailInput
    statuses: tuple[Status, ...] | None
    company: str | None = None
    position: str | None = None
    # "dev" or "holdout" when the set decides its own split (see ``split``).
    part: str | None = None


@dataclass
class StatusScore:
    """Counts for one status; precision, recall and F1 derive from them."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def support(self) -> int:
        return self.true_positives + self.false_negatives

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """The outcome of classifying a labelled set."""

    name: str
    rows: int = 0
    seconds: float = 0.0
    scores: dict[Status, StatusScore] = field(default_factory=dict)
    field_hits: Counter[str] = field(default_factory=Counter)
    field_totals: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[Status, Status]] = field(default_factory=Counter)
    # Statuses predicted for rows that carry no status label (e.g. real mail labelled with a
    # company only): what share the classifier takes for job mail.
    unlabelled: Counter[Status] = field(default_factory=Counter)
    # Whether each status-labelled row is a rejection, and whether it was predicted one.
    rejection: StatusScore = field(default_factory=StatusScore)
    # (confidence, whether the status was right) per status-labelled row.
    calibration: list[tuple[float, bool]] = field(default_factory=list)

    @property
    def rejections_as_offer(self) -> int:
        """Return how many rejections were labelled offer (the worst mistake a tracker shows)."""
        return self.confusion[(Status.REJECTION, Status.OFFER)]

    @property
    def status_rows(self) -> int:
        return sum(score.support for score in self.scores.values())

    @property
    def macro_f1(self) -> float | None:
        """Return the mean F1 over the statuses that occur in the labels (None if none do)."""
        labelled = [score.f1 for score in self.scores.values() if score.support]
        return sum(labelled) / len(labelled) if labelled else None

    def accuracy(self, name: str) -> float | None:
        """Return the exact-match accuracy of ``company`` or ``position`` (None if unlabelled)."""
        total = self.field_totals[name]
        return self.field_hits[name] / total if total else None


# -- loading -----------------------------------------------------------------------------


def detect_format(columns: Iterable[str]) -> str:
    """Return the name of the format whose columns ``columns`` has, most specific first."""
    present = {c.strip().lower() for c in columns}
    candidates = [name for name, (needed, _) in FORMATS.items() if needed <= present]
    if not candidates:
        known = "; ".join(f"{n}: {', '.join(sorted(c))}" for n, (c, _) in FORMATS.items())
        raise EvaluationError(f"unknown CSV format (columns {sorted(present)}); known: {known}")
    return max(candidates, key=lambda name: len(FORMATS[name][0]))


def load_csv(path: Path, fmt: str | None = None) -> tuple[str, list[LabelledEmail]]:
    """Return the format name and the labelled emails of the CSV file at ``path``."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            fmt = fmt or detect_format(columns)
            if fmt not in FORMATS:
                raise EvaluationError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
            rows = [_row(fmt, number, _lower_keys(row)) for number, row in enumerate(reader, 1)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise EvaluationError(f"cannot read {path}: {error}") from error
    return fmt, rows


def _lower_keys(row: dict[str | None, str | list[str] | None]) -> dict[str, str]:
    return {k.strip().lower(): v for k, v in row.items() if k and isinstance(v, str)}


def _row(fmt: str, number: int, row: dict[str, str]) -> LabelledEmail:
    labels = FORMATS[fmt][1]
    label_column = {"jobseeker-analytics": "status_label", "jobhunt": "email_type"}.get(
        fmt, "status" if fmt == "mailbox" else "true_label"
    )
    statuses: tuple[Status, ...] | None = None
    if labels:
        label = row.get(label_column, "").strip().lower()
        if label not in labels:
            raise EvaluationError(f"row {number}: unknown label {label!r} for format {fmt}")
        statuses = labels[label]
    email = email_of(f"{fmt}:{number}", row)
    return LabelledEmail(email, statuses, _optional(row, "company"), _optional(row, "position"))


def email_of(message_id: str, row: dict[str, str]) -> EmailInput:
    """Return the email a labelled row describes, its body decoded as a sync would decode it.

    A ``raw`` column holds a whole RFC 822 message; otherwise the body column is decoded when
    a ``content_transfer_encoding`` column names its encoding or the body plainly is still
    quoted-printable or base64, and read as HTML when it is HTML.
    """
    raw = row.get("raw", "")
    if raw.strip():
        parsed = parse_rfc822(raw.encode("utf-8", "surrogateescape"))
        return EmailInput(
            message_id=message_id,
            subject=parsed.subject,
            sender_name=parsed.from_name,
            sender_address=parsed.from_address,
            date=parsed.date_header,
            body_text=parsed.body_text,
            to=tuple(parsed.to_addresses),
            list_id=parsed.list_id,
        )
    name, address = parseaddr(row.get("sender", ""))
    body = row.get("email_text") or row.get("email_body") or row.get("body", "")
    encoding = (row.get("content_transfer_encoding") or row.get("transfer_encoding") or "").strip()
    return EmailInput(
        message_id=message_id,
        subject=row.get("subject", ""),
        sender_name=name,
        sender_address=address,
        date=_date(row.get("parsed_datetime", "") or row.get("date", "")),
        body_text=decode_body(body, encoding.lower(), row.get("charset", "").strip()),
        to=tuple(a for a in (row.get("to", "").strip(),) if a),
        account_name=row.get("account_name", "").strip(),
    )


def own_set() -> list[LabelledEmail]:
    """Return our own evaluation set (``analysis.evaluation_set``), each row with its part."""
    from analysis.evaluation_set import generator

    result = []
    for number, row in enumerate(generator.rows(), 1):
        email = email_of(f"own:{number}", row)
        status = Status(row["status"])
        result.append(LabelledEmail(email, (status,), row["company"], None, row["part"]))
    return result


# Quoted-printable leaves soft line breaks ("=" at a line's end) and escapes such as "=3D",
# "=20" or a UTF-8 sequence ("=E2=80=99"); a URL's "id=58a0" is none of these.
_QP_SIGNS = re.compile(r"=\r?\n|=(?:3D|20|09)|=[C-F][0-9A-F]=[89AB][0-9A-F]")
_BASE64_BODY = re.compile(r"\A\s*(?:[A-Za-z0-9+/]{40,}\r?\n)+[A-Za-z0-9+/]*={0,2}\s*\Z")
_HTML_BODY = re.compile(r"\A\s*(?:<!doctype html|<html|<body|<div|<table|<p[ >])", re.IGNORECASE)


def transfer_encoding_of(body: str) -> str:
    """Return the transfer encoding a body is plainly still in ('' when it reads as text)."""
    if _BASE64_BODY.match(body):
        return "base64"
    if len(_QP_SIGNS.findall(body)) >= 2:
        return "quoted-printable"
    return ""


def decode_body(body: str, encoding: str = "", charset: str = "") -> str:
    """Return ``body`` as the sync would store it: transfer encoding undone, HTML made text.

    The body is wrapped in a one-part MIME message and read by ``mails.parsing``, so the
    evaluation decodes exactly as the product does. Plain text needing neither is returned
    as it is.
    """
    encoding = encoding or transfer_encoding_of(body)
    html = bool(_HTML_BODY.match(body))
    if encoding in ("", "7bit", "8bit", "binary") and not html:
        return body
    headers = (
        "MIME-Version: 1.0\r\n"
        f"Content-Type: text/{'html' if html else 'plain'}; charset={charset or 'utf-8'}\r\n"
        f"Content-Transfer-Encoding: {encoding or '8bit'}\r\n\r\n"
    )
    return parse_rfc822(headers.encode("ascii") + body.encode("utf-8", "surrogateescape")).body_text


def _optional(row: dict[str, str], column: str) -> str | None:
    value = row.get(column)
    return value.strip() if value is not None else None


def _date(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def emulator_emails(seed: int = 7, count: int = 1000, accounts: int = 1) -> list[LabelledEmail]:
    """Return the emulator's generated mail (``count`` per account) with its true labels.

    The mail goes through the sync's own RFC 822 parser, so the classifier reads exactly what
    it would read after a sync. Messages the generator did not label (the account's own sent
    mail) are left out.
    """
    # The emulator is test tooling; only this evaluation path imports it.
    from google_emulator import generator

    anchor = dt.date(2025, 6, 1)  # fixed, so a seed always yields the same mail
    result = []
    for index in range(accounts):
        spec = generator.account_spec(index, seed)
        for draft in generator.MailboxGenerator(spec, seed, index, anchor).generate(count):
            if draft.truth is None:
                continue
            parsed = parse_rfc822(draft.raw)
            email = EmailInput(
                message_id=f"emulator:{seed}:{index}:{draft.message_id_header}",
                subject=parsed.subject,
                sender_name=parsed.from_name,
                sender_address=parsed.from_address,
                date=parsed.date_header,
                body_text=parsed.body_text,
                to=tuple(parsed.to_addresses),
                list_id=parsed.list_id,
                account_name=spec.name,  # the profile name the service passes
            )
            truth = draft.truth
            status = Status(truth["status"])
            result.append(
                LabelledEmail(email, (status,), truth["company"] or "", truth["position"] or "")
            )
    return result


def split(rows: Sequence[LabelledEmail], part: str) -> list[LabelledEmail]:
    """Return the ``dev`` or ``holdout`` part of ``rows`` (or ``all``), stable per email text."""
    if part == "all":
        return list(rows)
    if part not in SPLITS:
        raise EvaluationError(f"unknown split {part!r}; choose one of {', '.join(SPLITS)}")
    return [row for row in rows if _part(row) == part]


def _part(row: LabelledEmail) -> str:
    if row.part is not None:
        return row.part
    return "dev" if _bucket(row.email) < _DEV_SHARE else "holdout"


def _bucket(email: EmailInput) -> int:
    text = "\x00".join((email.sender_address, email.subject, email.body_text))
    return hashlib.sha256(text.encode("utf-8", "replace")).digest()[0] % 10


# -- scoring -----------------------------------------------------------------------------

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


# -- output ------------------------------------------------------------------------------


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
