"""Group a user's analysed job emails into applications, the person's corrections on top.

The rules, in one place:

* **Keys.** Emails are grouped by a normalised company key and position key (``company_key``,
  ``position_key``): casefolded, accents stripped, punctuation and whitespace collapsed; the
  company key also drops legal suffixes (Inc, LLC, Ltd, GmbH, ...). Display names keep the
  spelling of the email that created the application (or the person's rename).
* **Placement.** An email goes to the application its keys are an alias of (every application
  has its own keys as an alias; renames and merges add more). An email with a company but no
  position joins that company's application if the company has exactly one, else its own
  "(position unknown)" application. An email without a company goes to "(company unknown)".
* **Status.** Walking the timeline in date order, the status moves forward along applied →
  information request / action required → assessment → interview, never back; offer, rejection
  and withdrawal are terminal (a later terminal email replaces an earlier one, nothing else
  does). A status the person set holds until an email newer than the correction arrives.
* **Corrections** (``Correction``, per email; made by ``tracker.corrections``) are applied on
  top of every (re-)analysis, so they survive it; so do renames and merges, which are aliases.
  Placement is idempotent (an email is moved, never duplicated), and ``rebuild`` regroups
  everything from the stored analyses.

Every change for one user runs under a per-user Redis lock: analysis workers, the pages and a
rebuild may all touch the same applications at once.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from django.db import IntegrityError
from django.utils import timezone
from pymongo import DeleteMany, UpdateOne
from pymongo.collection import Collection

from analysis import cache
from analysis.models import EmailAnalysis
from analysis.results import AnalysisResult
from analysis.status import Status
from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from mailbox_project.redis import LockLost, UserLock
from mails.models import Message
from tracker.models import (
    RESPONSE_STATUSES,
    TERMINAL_STATUSES,
    TRACKED_STATUSES,
    ApplicationAlias,
    ApplicationEmail,
    Correction,
    JobApplication,
)

logger = logging.getLogger(__name__)

# The fields ``JobApplication.apply_summary`` sets, written back after every change.
SUMMARY_FIELDS = (
    "status",
    "status_override",
    "status_override_at",
    "applied_at",
    "first_email_at",
    "first_response_at",
    "last_activity_at",
    "email_count",
    "updated_at",
)
# The tracker lock lives this long unless renewed: its holder renews it while it runs, so a
# killed holder blocks the user's placements for at most this long.
LOCK_TTL = 30
# How long a change waits for the lock: a rebuild of a large mailbox may hold it that long.
LOCK_WAIT = 300

_LEGAL_SUFFIXES = frozenset(
    {
        *("inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "plc", "co", "corp"),
        *("corporation", "company", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa"),
        *("bv", "nv", "oy", "ab", "as", "aps", "kk", "pty", "pvt", "pte"),
    }
)
# Dots and apostrophes join ("S.A." is "sa", "McDonald's" is "mcdonalds"); the rest separates.
_JOINING = re.compile(r"[.'’]")
_NON_WORD = re.compile(r"[\W_]+")


class TrackerBusy(Exception):
    """Another change of this user's applications held the lock for too long."""


# --- Keys ----------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Return ``text`` casefolded, without accents, punctuation or repeated whitespace."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", _JOINING.sub("", bare)).split())


def company_key(company: str) -> str:
    """Return the grouping key of a company name: normalised, legal suffixes dropped."""
    words = normalise(company).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def position_key(position: str) -> str:
    """Return the grouping key of a position title."""
    return normalise(position)


# --- An application's timeline, summarised --------------------------------------------------

# How far along the funnel a non-terminal status is; the status never moves back.
_STAGE_RANK: dict[str, int] = {
    Status.APPLICATION_CONFIRMATION: 1,
    Status.INFORMATION_REQUEST: 2,
    Status.ACTION_REQUIRED: 2,
    Status.ASSESSMENT: 3,
    Status.INTERVIEW_INVITATION: 4,
}


def current_status(statuses: Iterable[str]) -> str:
    """Return an application's status from its emails' statuses in date order.

    The furthest stage reached wins; offer, rejection and withdrawal are terminal, and only a
    later terminal status replaces a terminal one.
    """
    current: str | None = None
    for status in statuses:
        if current in TERMINAL_STATUSES:
            if status in TERMINAL_STATUSES:
                current = status
        elif (
            status in TERMINAL_STATUSES
            or current is None
            or _STAGE_RANK.get(status, 0) >= _STAGE_RANK.get(current, 0)
        ):
            current = status
    return current or Status.APPLICATION_CONFIRMATION


@dataclass(frozen=True)
class TimelineSummary:
    """What an application's emails say: its status and its dates."""

    status: str
    applied_at: datetime | None
    first_email_at: datetime | None
    first_response_at: datetime | None
    last_activity_at: datetime | None
    email_count: int


def summarise(timeline: Sequence[tuple[str, datetime]]) -> TimelineSummary:
    """Return the summary of a timeline of (status, date), in any order.

    ``applied_at`` is the first application confirmation (None when there is none);
    ``first_response_at`` the first employer response at or after it.
    """
    ordered = sorted(timeline, key=lambda item: item[1])
    applied = [date for status, date in ordered if status == Status.APPLICATION_CONFIRMATION]
    applied_at = applied[0] if applied else None
    responses = [
        date
        for status, date in ordered
        if status in RESPONSE_STATUSES and (applied_at is None or date >= applied_at)
    ]
    return TimelineSummary(
        status=current_status(status for status, _ in ordered),
        applied_at=applied_at,
        first_email_at=ordered[0][1] if ordered else None,
        first_response_at=responses[0] if responses else None,
        last_activity_at=ordered[-1][1] if ordered else None,
        email_count=len(ordered),
    )


# --- One email, as the tracker sees it -------------------------------------------------------


@dataclass(frozen=True)
class EmailFacts:
    """One job email's (corrected) analysis: what the tracker stores on a timeline."""

    message_id: str
    status: str
    company: str
    position: str
    date: datetime
    subject: str
    sender: str
    details: str
    confidence: float | None
    corrected: bool

    @property
    def keys(self) -> tuple[str, str]:
        return company_key(self.company), position_key(self.position)


def _capped(text: str, limit: int) -> str:
    # Stored documents predate today's engine caps (and the admin can edit them).
    return text.strip()[:limit]


def facts_from(
    result: AnalysisResult, correction: Correction | None, fallback_date: datetime
) -> EmailFacts | None:
    """Return the tracker's view of one analysis with the person's correction on top.

    None when the email is not a job email (by the classifier or the person) or has no
    status the tracker knows.
    """
    if correction is not None and correction.not_job:
        return None
    status = (correction.status if correction else "") or result.status.value
    if status not in TRACKED_STATUSES:
        return None
    company = (correction.company if correction else "") or _capped(result.company, 300)
    position = (correction.position if correction else "") or _capped(result.position, 300)
    return EmailFacts(
        message_id=result.message_id,
        status=status,
        company=company,
        position=position,
        date=result.date or fallback_date,
        subject=_capped(result.subject, 2000),
        sender=_capped(result.sender, 500),
        details=_capped(result.details, 5000),
        confidence=result.confidence,
        corrected=correction is not None
        and bool(correction.status or correction.company or correction.position),
    )


# --- Locking -------------------------------------------------------------------------------------


@contextmanager
def user_lock(user_id: Any, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the per-user tracker lock for the block; raise ``TrackerBusy`` after ``wait`` s.

    Also ``TrackerBusy`` when the lock was lost while the block ran (its renewals could not
    reach Redis for ``LOCK_TTL`` s): another change may have interleaved, so the person is
    asked to try again (see ``mailbox_project.redis``).
    """
    lock = UserLock("tracker", user_id, ttl=LOCK_TTL, renew=True)
    if not lock.acquire(wait):
        raise TrackerBusy(f"the applications of user {user_id} are locked")
    try:
        with lock:
            yield
    except LockLost as exc:
        raise TrackerBusy(f"the lock on the applications of user {user_id} was lost") from exc


# --- Reading analyses ------------------------------------------------------------------------


def raw_results(user_id: UserId, message_ids: Sequence[str]) -> dict[str, AnalysisResult]:
    """Return {message id: analysis result} through the tiered cache.

    Analyses of an older classifier (the cache answers only the current one) come from the
    stored documents: a stale analysis still places an email better than none.
    """
    found = cache.results_only(cache.get_many(user_id, message_ids))
    missing = [mid for mid in message_ids if mid not in found]
    if missing:
        stored = EmailAnalysis.objects.filter(user_id=user_id, message_id__in=missing)
        for message_id, document in stored.values_list("message_id", "result"):
            result = _stored_result(message_id, document)
            if result is not None:
                found[message_id] = result
    return found


def _stored_result(message_id: str, document: object) -> AnalysisResult | None:
    """Return the result of an ``email_analysis_cache`` document, None if it holds none."""
    if not isinstance(document, Mapping):
        return None
    try:
        return replace(AnalysisResult.from_document(document), message_id=message_id)
    except ValueError:
        return None


def _corrections(user_id: UserId, message_ids: Iterable[str]) -> dict[str, Correction]:
    ids = list(message_ids)
    return {c.message_id: c for c in Correction.objects.filter(user_id=user_id, message_id__in=ids)}


def _received_dates(user_id: UserId, message_ids: Iterable[str]) -> dict[str, datetime]:
    rows = Message.objects.filter(user_id=user_id, gmail_id__in=list(message_ids))
    return dict(rows.values_list("gmail_id", "internal_date"))


def _all_facts(
    user_id: UserId, results: Sequence[AnalysisResult]
) -> tuple[list[EmailFacts], list[str]]:
    """Return (facts of the job emails, ids of the emails that are not job emails)."""
    results = [r for r in results if r.message_id]
    corrections = _corrections(user_id, [r.message_id for r in results])
    undated = [r.message_id for r in results if r.date is None]
    received = _received_dates(user_id, undated) if undated else {}
    now = timezone.now()
    placed: list[EmailFacts] = []
    dropped: list[str] = []
    for result in results:
        message_id = result.message_id
        fallback = received.get(message_id, now)
        facts = facts_from(result, corrections.get(message_id), fallback)
        if facts is None:
            dropped.append(message_id)
        else:
            placed.append(facts)
    return placed, dropped


# --- Placement -----------------------------------------------------------------------------------


class _Resolver:
    """Finds (or creates) the application an email's keys lead to.

    The aliases of every company in the batch are read in one query up front, so placing a
    batch costs one lookup, not one per email.
    """

    def __init__(self, user_id: UserId, companies: Iterable[str]) -> None:
        self.user_id = user_id
        self.by_alias: dict[tuple[str, str], ObjectId] = {}
        self.by_company: dict[str, set[ObjectId]] = {}
        aliases = ApplicationAlias.objects.filter(user_id=user_id, company_key__in=set(companies))
        for company, position, application_id in aliases.values_list(
            "company_key", "position_key", "application_id"
        ):
            self._remember((company, position), application_id)

    def _remember(self, keys: tuple[str, str], application_id: ObjectId) -> None:
        self.by_alias[keys] = application_id
        self.by_company.setdefault(keys[0], set()).add(application_id)

    def resolve(self, batch: Sequence[EmailFacts]) -> dict[str, ObjectId]:
        """Return {message id: application id} for ``batch``, creating what is missing.

        New applications are created together (two bulk inserts), named after the earliest
        email of their keys.
        """
        found: dict[str, ObjectId] = {}
        pending: dict[tuple[str, str], EmailFacts] = {}
        for facts in sorted(batch, key=lambda f: f.date):
            application_id = self._existing(facts.keys)
            if application_id is None:
                pending.setdefault(facts.keys, facts)
            else:
                found[facts.message_id] = application_id
        if pending:
            self._create(pending)
        for facts in batch:
            if facts.message_id not in found:
                found[facts.message_id] = self.by_alias[facts.keys]
        return found

    def _existing(self, keys: tuple[str, str]) -> ObjectId | None:
        if keys in self.by_alias:
            return self.by_alias[keys]
        others = self.by_company.get(keys[0], set())
        if keys[0] and not keys[1] and len(others) == 1:
            # Position unknown: the company's only application. Not remembered as an alias:
            # a second application at the company would end the rule.
            return next(iter(others))
        return None

    def _create(self, pending: Mapping[tuple[str, str], EmailFacts]) -> None:
        applications = [
            JobApplication(
                user_id=self.user_id,
                company=facts.company,
                company_key=keys[0],
                position=facts.position,
                position_key=keys[1],
                status=facts.status,
            )
            for keys, facts in pending.items()
        ]
        JobApplication.objects.bulk_create(applications)
        aliases = [
            ApplicationAlias(
                user_id=self.user_id, company_key=keys[0], position_key=keys[1], application=app
            )
            for keys, app in zip(pending, applications, strict=True)
        ]
        try:
            ApplicationAlias.objects.bulk_create(aliases)
        except IntegrityError:
            # Someone placed some of these keys without the lock (it had expired): undo, and
            # join whatever they created.
            JobApplication.objects.filter(pk__in=[app.pk for app in applications]).delete()
            self._create_one_by_one(pending)
            return
        for keys, app in zip(pending, applications, strict=True):
            self._remember(keys, app.pk)

    def _create_one_by_one(self, pending: Mapping[tuple[str, str], EmailFacts]) -> None:
        for keys, facts in pending.items():
            mine = ApplicationAlias.objects.filter(
                user_id=self.user_id, company_key=keys[0], position_key=keys[1]
            )
            existing = mine.values_list("application_id", flat=True).first()
            if existing is None:
                self._create({keys: facts})
            else:
                self._remember(keys, existing)


def _emails() -> Collection[dict[str, Any]]:
    return get_database()[ApplicationEmail._meta.db_table]


def _link_document(facts: EmailFacts, application_id: ObjectId) -> dict[str, Any]:
    return {
        "application_id": application_id,
        "status": facts.status,
        "date": facts.date,
        "subject": facts.subject,
        "sender": facts.sender,
        "company": facts.company,
        "position": facts.position,
        "details": facts.details,
        "confidence": facts.confidence,
        "corrected": facts.corrected,
    }


def _current_applications(user_id: UserId, message_ids: Sequence[str]) -> set[ObjectId]:
    found = _emails().find(
        {"user_id": user_id, "message_id": {"$in": list(message_ids)}},
        {"_id": 0, "application_id": 1},
    )
    return {doc["application_id"] for doc in found}


def _place(user_id: UserId, placed: Sequence[EmailFacts], dropped: Sequence[str]) -> set[ObjectId]:
    """Upsert the timeline entries of ``placed``, remove ``dropped``; return touched app ids.

    Emails with a position go first, so that position-less ones see the company's applications.
    """
    ids = [f.message_id for f in placed] + list(dropped)
    touched = _current_applications(user_id, ids)
    resolver = _Resolver(user_id, (f.keys[0] for f in placed))
    # Emails with a position first, so that position-less ones see the company's applications.
    targets = resolver.resolve([f for f in placed if f.keys[1]])
    targets.update(resolver.resolve([f for f in placed if not f.keys[1]]))
    touched.update(targets.values())
    writes: list[UpdateOne | DeleteMany] = [
        UpdateOne(
            {"user_id": user_id, "message_id": facts.message_id},
            {"$set": _link_document(facts, targets[facts.message_id])},
            upsert=True,
        )
        for facts in placed
    ]
    if dropped:
        writes.append(DeleteMany({"user_id": user_id, "message_id": {"$in": list(dropped)}}))
    if writes:
        _emails().bulk_write(writes, ordered=True)
    return touched


def refresh(user_id: UserId, application_ids: Iterable[ObjectId | None]) -> None:
    """Recompute the summaries of the user's applications; delete those left without emails."""
    ids = [pk for pk in set(application_ids) if pk is not None]
    if not ids:
        return
    timelines: dict[ObjectId, list[tuple[str, datetime]]] = {}
    rows = _emails().find(
        {"user_id": user_id, "application_id": {"$in": ids}},
        {"_id": 0, "application_id": 1, "status": 1, "date": 1},
    )
    for row in rows:
        timelines.setdefault(row["application_id"], []).append((row["status"], _aware(row["date"])))
    writes = []
    empty = []
    for application in JobApplication.objects.for_user(user_id).filter(pk__in=ids):
        timeline = timelines.get(application.pk)
        if not timeline:
            empty.append(application.pk)
            continue
        application.apply_summary(summarise(timeline))
        summary = {name: getattr(application, name) for name in SUMMARY_FIELDS}
        writes.append(UpdateOne({"_id": application.pk}, {"$set": summary}))
    if writes:
        # One round trip for the batch, not one save() per application.
        get_database()[JobApplication._meta.db_table].bulk_write(writes, ordered=False)
    if empty:
        JobApplication.objects.for_user(user_id).filter(pk__in=empty).delete()


def _aware(value: datetime) -> datetime:
    # pymongo hands back naive UTC datetimes unless the client is tz-aware.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- Following the analyses ----------------------------------------------------------------------


def place(user_id: UserId, results: Sequence[AnalysisResult]) -> None:
    """Place analysis results (corrections on top) and update the applications they touch.

    The caller holds ``user_lock``.
    """
    placed, dropped = _all_facts(user_id, results)
    refresh(user_id, _place(user_id, placed, dropped))


def record(user_id: UserId, results: Sequence[AnalysisResult]) -> None:
    """Place freshly stored (or re-analysed) results on the user's applications."""
    if not results:
        return
    with user_lock(user_id):
        place(user_id, results)


def forget(user_id: UserId, message_ids: Sequence[str]) -> None:
    """Take emails whose analyses were removed off their applications."""
    if not message_ids:
        return
    with user_lock(user_id):
        refresh(user_id, _place(user_id, [], [str(m) for m in message_ids]))


@dataclass(frozen=True)
class RebuildSummary:
    emails: int
    applications: int


def rebuild(user_id: UserId) -> RebuildSummary:
    """Regroup all of the user's stored analyses from scratch (corrections and aliases kept).

    Idempotent: run twice, it changes nothing the second time.
    """
    with user_lock(user_id):
        documents = get_database()[EmailAnalysis._meta.db_table].find(
            {"user_id": user_id}, {"_id": 0, "message_id": 1, "result": 1}
        )
        stored = (_stored_result(d["message_id"], d.get("result")) for d in documents)
        placed, dropped = _all_facts(user_id, [r for r in stored if r is not None])
        kept = [f.message_id for f in placed]
        stale = _emails().find(
            {"user_id": user_id, "message_id": {"$nin": kept}}, {"_id": 0, "message_id": 1}
        )
        dropped = [*dropped, *(doc["message_id"] for doc in stale)]
        touched = _place(user_id, placed, dropped)
        everything = JobApplication.objects.for_user(user_id).values_list("pk", flat=True)
        refresh(user_id, touched | set(everything))
        count = JobApplication.objects.for_user(user_id).count()
    return RebuildSummary(emails=len(placed), applications=count)
