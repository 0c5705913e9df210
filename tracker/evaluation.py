"""How well the tracker groups emails into applications, against the emulator's ground truth.

The emulator's generator knows which application every job email belongs to (its truth rows
carry an ``application`` key). A generated mailbox goes through the real pipeline in this
process — Gmail JSON → ``mails.store`` (parsing, the ``messages`` document) → the
``messages_stored`` signal → the analysis task (run eagerly) → the classifier → the
``analysis_stored`` signal → the tracker — and the result is compared with the truth:

* pairwise precision / recall / F1 of "these two emails belong to the same application", over
  every email that is a job email in the truth or on a tracker timeline (an email missing on
  one side is a singleton there);
* the application count against the true count;
* each dashboard figure next to the same figure computed from the truth's timelines.

``google_emulator`` is imported inside the functions that generate: the tracker's app code
never depends on it otherwise (as ``analysis.evaluation``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import replay
from tracker.grouping import TrackerBusy
from tracker.misgrouping import EmailRow, Misgrouping, misgroupings
from tracker.models import RESPONSE_STATUSES
from tracker.regroup import grouping_input

if TYPE_CHECKING:
    from accounts.models import User
    from google_emulator.mailbox import Mailbox

ANCHOR = dt.date(2026, 11, 30)  # fixed, so a seed gives the same mailbox on every run
INTERVIEW_OR_OFFER = frozenset({"interview_invitation", "offer"})
# What an evaluated mailbox leaves behind for its throwaway user (besides the analysis cache).
EVALUATION_COLLECTIONS = (
    *("messages", "labels", "sync_states", "job_applications", "job_application_emails"),
    *("job_application_aliases", "application_corrections"),
)


@dataclass(frozen=True)
class PairScores:
    """Pairwise agreement of two clusterings of the same emails."""

    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def pairwise(truth: Mapping[str, str], predicted: Mapping[str, str]) -> PairScores:
    """Return the pairwise scores of ``predicted`` against ``truth`` ({email: cluster id}).

    An email absent from one mapping is alone in its own cluster there.
    """
    both = Counter((truth[email], predicted[email]) for email in truth.keys() & predicted.keys())
    agreed = sum(_pairs(n) for n in both.values())
    true_pairs = sum(_pairs(n) for n in Counter(truth.values()).values())
    predicted_pairs = sum(_pairs(n) for n in Counter(predicted.values()).values())
    precision = agreed / predicted_pairs if predicted_pairs else 1.0
    recall = agreed / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, true_pairs, predicted_pairs)


@dataclass(frozen=True)
class Figures:
    """The dashboard's headline figures; rates in percent of the applications."""

    applications: int
    response_rate: float
    interview_rate: float
    offer_rate: float

    def rows(self) -> list[tuple[str, float]]:
        return [
            ("applications", self.applications),
            ("response rate %", self.response_rate),
            ("interview rate %", self.interview_rate),
            ("offer rate %", self.offer_rate),
        ]

    def gap(self, other: Figures) -> float:
        """The largest difference of a rate from ``other``'s, in percentage points."""
        rates = zip(self.rows()[1:], other.rows()[1:], strict=True)
        return max(abs(mine - theirs) for (_, mine), (_, theirs) in rates)


def _percent(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


def truth_figures(timelines: Mapping[str, Sequence[tuple[str, datetime]]]) -> Figures:
    """Return the dashboard's figures from true timelines, by the dashboard's definitions.

    Responded: an employer response at or after the first confirmation (any, without one);
    interview: an interview invitation or an offer; offer: an offer.
    """
    responded = interviewed = offered = 0
    for timeline in timelines.values():
        statuses = {status for status, _ in timeline}
        applied = min((d for s, d in timeline if s == "application_confirmation"), default=None)
        responded += any(
            s in RESPONSE_STATUSES and (applied is None or d >= applied) for s, d in timeline
        )
        interviewed += bool(statuses & INTERVIEW_OR_OFFER)
        offered += "offer" in statuses
    total = len(timelines)
    return Figures(
        total, _percent(responded, total), _percent(interviewed, total), _percent(offered, total)
    )


def saved_figures(mailbox: replay.SavedMailbox, grouping: Mapping[str, str]) -> Figures:
    """The headline figures were ``grouping`` (message id -> group) the saved mailbox's
    applications, each email with the status the analysis gave it, by the dashboard's
    definitions. Of ``mailbox.truth`` they are what a perfect grouping of the same analysis
    shows: the difference is the grouping's alone (``bench/tracker_regroup.py``)."""
    timelines: dict[str, list[tuple[str, datetime]]] = {}
    for mail in mailbox.mails:
        group = grouping.get(mail.message_id)
        if group is not None:
            timelines.setdefault(group, []).append((mail.status, mail.date))
    return truth_figures(timelines)


def measured_figures(user_id: object) -> Figures:
    """Return the figures the dashboard shows the user."""
    from mailbox_project.ids import user_id as as_user_id
    from tracker import dashboard

    figures = dashboard.compute(as_user_id(user_id))
    total = figures.total
    return Figures(
        total,
        _percent(figures.responded, total),
        _percent(figures.funnel.interview, total),
        _percent(figures.funnel.offer, total),
    )


@dataclass(frozen=True)
class Run:
    """One generated mailbox, evaluated."""

    seed: int
    size: int
    job_emails: int
    scores: PairScores
    true_applications: int
    predicted_applications: int
    truth: Figures
    measured: Figures
    # Every split and merge, the costliest first (``evaluate_tracker --worst``).
    misgrouped: tuple[Misgrouping, ...] = ()

    @property
    def count_error(self) -> float:
        """The application count's error, in percent of the true count."""
        return _percent(
            abs(self.predicted_applications - self.true_applications), self.true_applications
        )


@dataclass(frozen=True)
class TruthEmail:
    message_id: str
    application: str
    status: str
    date: datetime
    company: str = ""
    position: str = ""


def _truth_emails(mailbox: Mailbox) -> list[TruthEmail]:
    """Return the received job emails of a generated mailbox with their true application."""
    found = []
    for message_id, row in mailbox.truth.items():
        application = row.get("application")
        if application and row.get("status") not in (None, "not_job_related"):
            message = mailbox.messages[message_id]
            date = datetime.fromtimestamp(message.internal_date / 1000, UTC)
            company, position = row.get("company") or "", row.get("position") or ""
            found.append(
                TruthEmail(message_id, application, row["status"], date, company, position)
            )
    return found


@contextmanager
def _eager_tasks() -> Iterator[None]:
    """Run Celery tasks in this process: the analysis task runs where the sync stored."""
    from mailbox_project.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = before


def _store_mailbox(user: User, mailbox: Mailbox, batch: int = 200) -> None:
    """Store the mailbox as a full sync would (Gmail JSON → ``mails.store``), batch by batch."""
    from analysis import service
    from google_emulator.render import message_dict
    from mailbox_project.ids import user_id
    from mails.gmail import FetchResult
    from mails.models import SyncState
    from mails.store import store_fetched

    state, _ = SyncState.objects.get_or_create(user=user)
    # Newest first, as a full sync lists them (messages.list): replies arrive before the
    # applications they answer, the order the tracker must cope with.
    messages = list(mailbox.newest_first())
    with _eager_tasks():
        for start in range(0, len(messages), batch):
            chunk = messages[start : start + batch]
            fetched = FetchResult(messages={m.id: message_dict(m, "full", []) for m in chunk})
            store_fetched(state, fetched)
    # What beat's reconcile_pending does in production: messages whose analysis or placement
    # failed (a lost tracker lock under load) are analysed again.
    owner = user_id(user)
    for _ in range(3):
        pending = service.pending(owner, timedelta(0), 10_000)
        if not pending:
            break
        with suppress(TrackerBusy):
            service.run(owner, pending, force=True)


def _tracked(user_id: object) -> dict[str, EmailRow]:
    """Return the user's timeline entries as evaluation rows (truth fields blank)."""
    from mailbox_project.mongo import get_database

    found = {}
    for doc in get_database()["job_application_emails"].find({"user_id": user_id}):
        found[doc["message_id"]] = EmailRow(
            message_id=doc["message_id"],
            date=_aware(doc["date"]),
            truth="",
            true_status="",
            true_company="",
            true_position="",
            predicted=str(doc["application_id"]),
            status=doc.get("status") or "",
            company=doc.get("company") or "",
            position=doc.get("position") or "",
            sender=doc.get("sender") or "",
            subject=doc.get("subject") or "",
            links=tuple(doc.get("link_keys") or ()),
            weak=bool(doc.get("weak")),
        )
    return found


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _rows(emails: Sequence[TruthEmail], tracked: Mapping[str, EmailRow]) -> list[EmailRow]:
    """Return every email that is a job email in the truth or on a timeline, both labels."""
    true_ids = {email.message_id for email in emails}
    rows = [row for row in tracked.values() if row.message_id not in true_ids]
    for email in emails:
        row = tracked.get(email.message_id) or EmailRow(
            email.message_id, email.date, "", "", "", ""
        )
        rows.append(
            replace(
                row,
                truth=email.application,
                true_status=email.status,
                true_company=email.company,
                true_position=email.position,
            )
        )
    return rows


def _forget_user(user: User) -> None:
    """Delete everything the evaluation stored for its throwaway user."""
    from analysis import service
    from mailbox_project.ids import user_id as as_user_id
    from mailbox_project.mongo import get_database

    owner = as_user_id(user)
    with suppress(TrackerBusy):  # the rows go below either way
        service.purge_user(owner)
    database = get_database()
    for name in EVALUATION_COLLECTIONS:
        database[name].delete_many({"user_id": owner})
    user.delete()


def evaluate_mailbox(seed: int, size: int, dump: Path | None = None) -> Run:
    """Generate one mailbox of ``size`` messages, run it through the pipeline, score it; with
    ``dump``, save its grouping input and truth there (``tracker.replay``)."""
    from accounts.models import User
    from google_emulator.config import EmulatorConfig
    from google_emulator.state import Emulator

    emulator = Emulator(EmulatorConfig(accounts=1, messages=size, seed=seed, anchor_date=ANCHOR))
    try:
        mailbox = next(iter(emulator.mailboxes.values()))
        address = f"evaluate-tracker-{seed}-{size}@example.invalid"
        for stale in User.objects.filter(email=address):  # left by an interrupted run
            _forget_user(stale)
        user = User.objects.create_user(email=address)
        try:
            _store_mailbox(user, mailbox)
            tracked = _tracked(user.pk)
            measured = measured_figures(user.pk)
            grouped = grouping_input(user.pk) if dump else []
        finally:
            _forget_user(user)
    finally:
        emulator.close()
    emails = _truth_emails(mailbox)
    truth = {email.message_id: email.application for email in emails}
    predicted = {message_id: row.predicted for message_id, row in tracked.items()}
    timelines: dict[str, list[tuple[str, datetime]]] = {}
    for email in emails:
        timelines.setdefault(email.application, []).append((email.status, email.date))
    scores = pairwise(truth, predicted)
    if dump:
        replay.save(dump, replay.SavedMailbox(seed, size, scores.f1, truth, grouped, predicted))
    return Run(
        seed=seed,
        size=size,
        job_emails=len(emails),
        scores=scores,
        true_applications=len(timelines),
        predicted_applications=measured.applications,
        truth=truth_figures(timelines),
        measured=measured,
        misgrouped=tuple(misgroupings(_rows(emails, tracked))),
    )
