"""Labelled sets' formats and the records an evaluation fills: rows, scores, reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from analysis.classify import EmailInput
from analysis.status import Status

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
