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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any

from bson import ObjectId
from django.conf import settings
from django.utils import timezone
from pymongo import DeleteMany, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from analysis import cache
from analysis.models import EmailAnalysis
from analysis.results import AnalysisResult, parse_date
from analysis.status import Status
from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from mailbox_project.redis import LockLost, UserLock
from mails import store
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
# Confirmations of one role this far apart are two applications (closer: one application
# confirmed twice, by a job board and the employer's ATS).
DUPLICATE_CONFIRMATION = timedelta(days=31)
# An employer's email this long before an application's confirmation belongs to another one.
BEFORE_CONFIRMATION = timedelta(days=2)
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


_REOPENABLE = frozenset({Status.REJECTION, Status.WITHDRAWAL})
_REOPENING = frozenset(
    {
        Status.INFORMATION_REQUEST,
        Status.ACTION_REQUIRED,
        Status.ASSESSMENT,
        Status.INTERVIEW_INVITATION,
    }
)


def current_status(statuses: Iterable[str]) -> str:
    """Return an application's status from its emails' statuses in date order.

    The furthest stage reached wins, never moving back; offer, rejection and withdrawal are
    terminal: a later terminal status replaces one, and after a rejection or a withdrawal a
    later request of the employer (information, action, assessment, interview) does too.
    """
    current: str | None = None
    for status in statuses:
        if current in TERMINAL_STATUSES:
            # Final states need explicit events: only another one replaces an offer; after a
            # rejection or withdrawal, the employer asking for more means the process lives.
            if status in TERMINAL_STATUSES or (current in _REOPENABLE and status in _REOPENING):
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


# --- Links: what ties an email to the application it answers ----------------------------------

# Requisition / job ids: "R-0009950", "JR008478", "REQ-48213", "Req #48213", "Job ID: 12345",
# "(0123-45678)". A token needs four digits, so years and durations are not ids.
_REQ_TOKEN = re.compile(r"\b(?:R|JR|REQ|JOB|JID|REF)[-_ ]?\d{4,}(?:-\d{1,3})?\b")
_REQ_LABELLED = re.compile(
    r"\b(?:req(?:uisition)?|job\s*(?:id|number|no\.?|#)|posting\s*(?:id|#)|reference)"
    r"\s*(?:#|no\.?|id|number)?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{3,24})",
    re.IGNORECASE,
)
_REQ_BRACKETED = re.compile(r"[(\[]\s*(\d{3,}-\d{3,}(?:-\d{1,3})?)\s*[)\]]")
_URL = re.compile(r"https?://([A-Za-z0-9.-]+)(/[^\s<>\"')\]]*)?")
# Addresses that speak for a system, not a person: never a recruiter to follow.
_SYSTEM_LOCAL = re.compile(
    r"^(?:no-?reply|do-?not-?reply|notifications?|notify|jobs?|careers?|talent|recruit\w*|hr"
    r"|hiring|apply|applications?|candidates?|info|team|hello|support|mailer\w*|dse\w*|alerts?"
    r"|[a-z0-9]*-recruiting)(?:[+._-].*)?$"
)
_SYSTEM_DOMAINS = (
    *("greenhouse", "lever.co", "myworkday", "workday", "ashbyhq", "smartrecruiters", "icims"),
    *("linkedin", "docusign", "indeed", "glassdoor", "taleo", "jobvite", "bamboohr"),
)


def requisitions(text: str) -> set[str]:
    """Return the requisition / job ids in ``text``, normalised (upper case, no separators)."""
    found = set(_REQ_TOKEN.findall(text)) | set(_REQ_BRACKETED.findall(text))
    found |= {m for m in _REQ_LABELLED.findall(text) if sum(c.isdigit() for c in m) >= 4}
    return {re.sub(r"[^A-Z0-9]", "", token.upper()) for token in found}


def portal_links(text: str) -> set[str]:
    """Return candidate-portal links in ``text``: URLs whose path names one application.

    A path segment holding four digits (a job or application id) makes a link specific;
    company-wide links (a careers page, a scheduling page) are not.
    """
    found = set()
    for host, path in _URL.findall(text):
        segments = [s for s in (path or "").split("?")[0].split("/") if s]
        if any(sum(c.isdigit() for c in s) >= 4 for s in segments):
            found.add(f"{host.lower()}/{'/'.join(segments).lower()}")
    return found


def recruiter_address(address: str) -> str:
    """Return ``address`` if a person writes from it (not an ATS or a no-reply box), else ""."""
    address = address.strip().lower()
    local, _, domain = address.rpartition("@")
    if not local or _SYSTEM_LOCAL.match(local) or any(d in domain for d in _SYSTEM_DOMAINS):
        return ""
    return address


@dataclass(frozen=True)
class Signals:
    """What the stored message says beyond its analysis: its thread, ids, links, sender."""

    thread_id: str = ""
    requisitions: frozenset[str] = frozenset()
    portals: frozenset[str] = frozenset()
    recruiter: str = ""
    sender_name: str = ""
    # The person's own mail (a reply, a withdrawal they wrote) is not an event of the
    # application: only what the employer sends is tracked.
    sent: bool = False
    # When Gmail received it (``internal_date``): the time the message page shows, so the
    # timeline never disagrees with it (a sender's ``Date:`` header can be minutes off).
    received: datetime | None = None

    @property
    def strong(self) -> list[str]:
        """Link keys that name one application, strongest first."""
        keys = [f"thread:{self.thread_id}"] if self.thread_id else []
        keys += sorted(f"req:{r}" for r in self.requisitions)
        keys += sorted(f"portal:{p}" for p in self.portals)
        return keys

    @property
    def keys(self) -> list[str]:
        """Every link key stored on the timeline entry (``link_keys``)."""
        return self.strong + ([f"addr:{self.recruiter}"] if self.recruiter else [])


_SIGNAL_FIELDS = (
    "thread_id",
    "from_address",
    "from_name",
    "subject",
    "body_text",
    "label_ids",
    "internal_date",
)


def _signals(user_id: UserId, message_ids: Sequence[str]) -> dict[str, Signals]:
    """Return the link signals of the stored messages (missing ones have none)."""
    found = {}
    for document in store.documents(user_id, list(message_ids), _SIGNAL_FIELDS):
        text = f"{document.get('subject') or ''}\n{document.get('body_text') or ''}"
        found[str(document["gmail_id"])] = Signals(
            thread_id=str(document.get("thread_id") or ""),
            requisitions=frozenset(requisitions(text)),
            portals=frozenset(portal_links(text)),
            recruiter=recruiter_address(str(document.get("from_address") or "")),
            sender_name=str(document.get("from_name") or ""),
            sent="SENT" in (document.get("label_ids") or ()),
            received=parse_date(document.get("internal_date")),
        )
    return found


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
    # Read from the stored message: what links it to an application besides its names.
    signals: Signals = Signals()
    # The person named another company or position than the analysis: the names decide
    # where it goes, not its thread or other links.
    moved: bool = False

    @property
    def keys(self) -> tuple[str, str]:
        company = company_key(self.company)
        sender = company_key(self.signals.sender_name)
        if company and sender and self.signals.recruiter and f"{company} ".startswith(f"{sender} "):
            company = ""  # the analysis took the recruiter writing in person for the company
        return company, position_key(self.position)


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
        moved=correction is not None and _renamed(correction, result),
    )


def _renamed(correction: Correction, result: AnalysisResult) -> bool:
    """Whether the correction names another company or position than the analysis."""
    company = correction.company and company_key(correction.company) != company_key(result.company)
    position = correction.position and (
        position_key(correction.position) != position_key(result.position)
    )
    return bool(company or position)


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


def _all_facts(
    user_id: UserId, results: Sequence[AnalysisResult]
) -> tuple[list[EmailFacts], list[str]]:
    """Return (facts of the job emails, ids of the emails that are not job emails)."""
    results = [r for r in results if r.message_id]
    corrections = _corrections(user_id, [r.message_id for r in results])
    signals = _signals(user_id, [r.message_id for r in results])
    now = timezone.now()
    placed: list[EmailFacts] = []
    dropped: list[str] = []
    for result in results:
        message_id = result.message_id
        stored = signals.get(message_id)
        if stored is not None and stored.received is not None:
            result = replace(result, date=stored.received)
        facts = facts_from(result, corrections.get(message_id), now)
        if facts is None:
            dropped.append(message_id)
        else:
            # Without a stored message (it is gone, or a test stored only the analysis), the
            # analysis's sender is the one signal left.
            found = signals.get(message_id) or Signals(
                recruiter=recruiter_address(parseaddr(result.sender)[1])
            )
            if found.sent and not facts.corrected:
                dropped.append(message_id)
            else:
                placed.append(replace(facts, signals=found))
    return placed, dropped


# --- Placement -----------------------------------------------------------------------------------


@dataclass
class _Application:
    """An application as placement sees it: its keys, time span and requisitions."""

    pk: ObjectId
    company_key: str
    position_key: str
    first: datetime | None = None
    last: datetime | None = None
    requisitions: set[str] = field(default_factory=set)
    # Its confirmations (message ids) and the first one's date: an ATS confirms an
    # application once, and what the employer sends comes after it.
    confirmations: dict[str, datetime] = field(default_factory=dict)
    confirmed_at: datetime | None = None

    def extend(self, facts: EmailFacts) -> None:
        self.first = facts.date if self.first is None else min(self.first, facts.date)
        self.last = facts.date if self.last is None else max(self.last, facts.date)
        self.requisitions |= facts.signals.requisitions
        if facts.status == Status.APPLICATION_CONFIRMATION:
            self.confirm(facts.message_id, facts.date)

    def confirm(self, message_id: str, when: datetime) -> None:
        self.confirmations[message_id] = when
        self.confirmed_at = when if self.confirmed_at is None else min(self.confirmed_at, when)

    def begun_after(self, facts: EmailFacts) -> bool:
        """Whether the application was confirmed days after this (non-confirmation) email."""
        if self.confirmed_at is None or facts.status == Status.APPLICATION_CONFIRMATION:
            return False
        return facts.date < self.confirmed_at - BEFORE_CONFIRMATION

    def confirmed_by_another(self, facts: EmailFacts) -> bool:
        """Whether ``facts`` is a confirmation a month or more from one the application has.

        A job board and the employer's ATS may both confirm one application within days.
        """
        if facts.status != Status.APPLICATION_CONFIRMATION:
            return False
        others = [when for mid, when in self.confirmations.items() if mid != facts.message_id]
        return any(abs(facts.date - when) >= DUPLICATE_CONFIRMATION for when in others)

    def distance(self, when: datetime) -> timedelta:
        """How far ``when`` lies outside the application's span (zero inside it)."""
        if self.first is None or self.last is None:
            return timedelta(0)
        return max(self.first - when, when - self.last, timedelta(0))


def reapply_gap() -> timedelta:
    """Mail this far from an application's span is a new application of the same role."""
    return timedelta(days=getattr(settings, "TRACKER_REAPPLY_GAP_DAYS", 180))


class _Resolver:
    """Finds (or creates) the application each email of a batch answers.

    In order: the email's thread, a requisition id, a candidate-portal link (the strong
    links); a person's rename or merge (a manual alias); the recruiter's own address; then
    company + position near in time (not across a different requisition); an email with a
    company but no position joins the company's application it answers. What is read is read
    once per batch, when ``resolve`` starts.
    """

    def __init__(self, user_id: UserId, companies: Iterable[str]) -> None:
        self.user_id = user_id
        self.companies = set(companies)
        self.apps: dict[ObjectId, _Application] = {}
        # link key -> {message id: its application}: an email never links to itself.
        self.by_link: dict[str, dict[str, ObjectId]] = {}
        self.by_alias: dict[tuple[str, str], ObjectId] = {}
        self.manual: set[tuple[str, str]] = set()
        # Applications a person renamed or merged: their emails are what the person says.
        self.by_hand: set[ObjectId] = set()
        # Display names (company, position) of the applications this batch creates, and the
        # fields it fills in on existing ones whose company or position was unknown.
        self.names: dict[ObjectId, tuple[str, str]] = {}
        self.completed: dict[ObjectId, dict[str, str]] = {}
        # Emails placed only because they answer a company's application (no position, no
        # link): placed again when an application they may answer better appears.
        self.weak: set[str] = set()
        self.gap = reapply_gap()

    # -- reading ----------------------------------------------------------------------------

    def _load(self, batch: Sequence[EmailFacts]) -> None:
        links = sorted({key for f in batch for key in f.signals.keys})
        linked: set[ObjectId] = set()
        if links:
            query = {"user_id": self.user_id, "link_keys": {"$in": links}}
            for doc in _emails().find(query, {"_id": 0, "application_id": 1, "link_keys": 1}):
                linked.add(doc["application_id"])
        aliases = ApplicationAlias.objects.filter(
            user_id=self.user_id, company_key__in=self.companies
        ).values_list("company_key", "position_key", "application_id", "manual")
        for company, position, application_id, manual in aliases:
            self.by_alias[(company, position)] = application_id
            if manual:
                self.manual.add((company, position))
                self.by_hand.add(application_id)
            linked.add(application_id)
        mine = JobApplication.objects.for_user(self.user_id)
        # An application whose company is unknown may be the one an email of the batch names.
        orphans = {f.keys[1] for f in batch if f.keys[1]}
        rows = (
            mine.filter(company_key__in=self.companies)
            | mine.filter(pk__in=linked)
            | mine.filter(company_key="", position_key__in=orphans)
        )
        for pk, company, position in rows.values_list("pk", "company_key", "position_key"):
            self.apps[pk] = _Application(pk, company, position)
        self._load_timelines()

    def _load_timelines(self) -> None:
        query = {"user_id": self.user_id, "application_id": {"$in": list(self.apps)}}
        projection = {"_id": 0, "application_id": 1, "message_id": 1, "date": 1, "link_keys": 1}
        projection["status"] = 1
        for doc in _emails().find(query, projection):
            app = self.apps.get(doc["application_id"])
            if app is None:
                continue
            when = _aware(doc["date"])
            app.first = when if app.first is None else min(app.first, when)
            app.last = when if app.last is None else max(app.last, when)
            if doc.get("status") == Status.APPLICATION_CONFIRMATION:
                app.confirm(doc["message_id"], when)
            for key in doc.get("link_keys") or ():
                self.by_link.setdefault(key, {})[doc["message_id"]] = app.pk
                if key.startswith("req:"):
                    app.requisitions.add(key[4:])

    # -- choosing ---------------------------------------------------------------------------

    def _linked(self, key: str, facts: EmailFacts) -> set[ObjectId]:
        """The applications of the other emails that share ``key`` with this one."""
        found = self.by_link.get(key, {})
        return {pk for message_id, pk in found.items() if message_id != facts.message_id}

    def _nearest(self, pks: Iterable[ObjectId], when: datetime) -> ObjectId | None:
        near = [self.apps[pk] for pk in pks if pk in self.apps]
        near = [app for app in near if app.distance(when) <= self.gap]
        if not near:
            return None
        return min(near, key=lambda app: (app.distance(when), str(app.pk))).pk

    def _choose(self, facts: EmailFacts) -> ObjectId | None:
        company, position = facts.keys
        links = [] if facts.moved else facts.signals.strong
        for key in links:
            # An email naming its role does not follow a link to another named role.
            linked = [pk for pk in self._linked(key, facts) if self._same_or_unnamed(pk, position)]
            chosen = self._nearest(linked, facts.date)
            if chosen is not None:
                return chosen
        if facts.keys in self.manual:
            return self.by_alias[facts.keys]
        recruiter = facts.signals.recruiter
        if recruiter and not facts.moved:
            compatible = [
                pk
                for pk in self._linked(f"addr:{recruiter}", facts)
                if self._compatible(self.apps.get(pk), company, position)
            ]
            chosen = self._nearest(compatible, facts.date)
            if chosen is not None:
                return chosen
        if position:
            return self._same_role(facts)
        if facts.status == Status.APPLICATION_CONFIRMATION:
            return self._confirmed(company, facts)
        chosen = self._answered(company, facts.date)
        if chosen is not None:
            self.weak.add(facts.message_id)
        return chosen

    def _confirmed(self, company: str, facts: EmailFacts) -> ObjectId | None:
        """The application a confirmation naming no role starts: the company's unconfirmed one
        begun soonest after it (its later emails may have been placed first)."""
        after = [
            app
            for app in self.apps.values()
            if company
            and app.company_key == company
            and not app.confirmed_by_another(facts)
            and app.first is not None
            and facts.date <= app.first <= facts.date + self.gap
        ]
        return min(after, key=lambda app: (app.first, str(app.pk))).pk if after else None

    @staticmethod
    def _another_application(app: _Application, facts: EmailFacts) -> bool:
        """Whether ``facts`` starts another application than ``app`` of the same role: a
        second confirmation, or an employer's email older than the application."""
        return app.confirmed_by_another(facts) or app.begun_after(facts)

    def _same_or_unnamed(self, pk: ObjectId, position: str) -> bool:
        app = self.apps.get(pk)
        return app is not None and (not position or app.position_key in ("", position))

    @staticmethod
    def _other_requisition(app: _Application | None, reqs: frozenset[str]) -> bool:
        return app is not None and bool(reqs and app.requisitions) and not reqs & app.requisitions

    @staticmethod
    def _compatible(app: _Application | None, company: str, position: str) -> bool:
        if app is None:
            return False
        return (not position or not app.position_key or app.position_key == position) and (
            not company or app.company_key == company or not position
        )

    def _same_role(self, facts: EmailFacts) -> ObjectId | None:
        """The near application of the same company and position, else an unnamed one."""
        company, position = facts.keys
        reqs = facts.signals.requisitions
        same = {
            pk for pk, app in self.apps.items() if (app.company_key, app.position_key) == facts.keys
        }
        if facts.keys in self.by_alias:
            same.add(self.by_alias[facts.keys])
        # Another requisition of the same role is another application (a repost), and so is
        # a second confirmation: applying again to the same role.
        same = {
            pk
            for pk in same
            if pk in self.apps
            and not self._other_requisition(self.apps[pk], reqs)
            and (pk in self.by_hand or not self._another_application(self.apps[pk], facts))
        }
        chosen = self._nearest(same, facts.date)
        if chosen is not None or not company:
            return chosen
        # An application whose position or company was unknown takes the name it missed.
        unnamed = [
            pk
            for pk, app in self.apps.items()
            if (app.company_key, app.position_key) in ((company, ""), ("", position))
            and not app.confirmed_by_another(facts)
        ]
        chosen = self._nearest(unnamed, facts.date)
        if chosen is not None:
            self._complete(self.apps[chosen], facts)
        return chosen

    def _complete(self, app: _Application, facts: EmailFacts) -> None:
        """Give ``app`` the company or position it lacked, from ``facts``."""
        changes = self.completed.setdefault(app.pk, {})
        if not app.company_key:
            app.company_key = facts.keys[0]
            changes.update(company=facts.company, company_key=app.company_key)
        if not app.position_key:
            app.position_key = facts.keys[1]
            changes.update(position=facts.position, position_key=app.position_key)
        if app.pk in self.names:  # created by this batch: named at its insertion
            self.names[app.pk] = (
                str(changes.get("company", self.names[app.pk][0])),
                str(changes.get("position", self.names[app.pk][1])),
            )

    def _answered(self, company: str, when: datetime) -> ObjectId | None:
        """The company's application an email without position answers, if one is clear.

        The near application most recently active before the email; none when two tie.
        """
        # It answers an application begun before it: a later one's first email may only be
        # placed afterwards (a full sync reads newest first), and then it names the role.
        near = [
            app
            for app in self.apps.values()
            if app.company_key == company
            # Without a company: only the bucket of mail naming neither, never a named role.
            and (company or not app.position_key)
            and app.distance(when) <= self.gap
            and (app.first is None or app.first <= when)
        ]
        # The application begun most recently before it (several roles at one company).
        latest = sorted(near, key=lambda app: app.first or when, reverse=True)
        if not latest or (len(latest) > 1 and latest[0].first == latest[1].first):
            return None
        return latest[0].pk

    # -- placing ----------------------------------------------------------------------------

    def resolve(self, batch: Sequence[EmailFacts]) -> dict[str, ObjectId]:
        """Return {message id: application id} for ``batch``, creating what is missing.

        Emails naming a role go first, newest first; each one's links then lead the next. New
        applications are inserted together at the end, named after their earliest email.
        """
        self._load(batch)
        found: dict[str, ObjectId] = {}
        created: dict[ObjectId, EmailFacts] = {}
        # Emails naming their role first (so that an email without one sees the batch's
        # applications), confirmations first among them (each starts an application the
        # others may answer), each group newest first: an application missing its role takes
        # it from the latest confirmation before its emails, not from an older one.
        newest_first = sorted(batch, key=lambda f: (-f.date.timestamp(), f.message_id))
        for facts in sorted(newest_first, key=_placing_order):
            chosen = self._choose(facts)
            if chosen is None:
                chosen = ObjectId()
                self.apps[chosen] = _Application(chosen, *facts.keys)
                created[chosen] = facts
            if chosen in created and self._names_it(chosen, created[chosen], facts):
                # A new application is named after its earliest email of its own keys.
                created[chosen] = facts
                self.names[chosen] = (facts.company if facts.keys[0] else "", facts.position)
            app = self.apps[chosen]
            app.extend(facts)
            for key in facts.signals.keys:
                self.by_link.setdefault(key, {})[facts.message_id] = chosen
            found[facts.message_id] = chosen
        created, found = self._renumber(created, found)
        self._create(created)
        self._rename(created)
        return found

    def _renumber(
        self, created: dict[ObjectId, EmailFacts], found: dict[str, ObjectId]
    ) -> tuple[dict[ObjectId, EmailFacts], dict[str, ObjectId]]:
        """Give the new applications ids in the order of their first emails' dates.

        Emails are placed newest first, but ids (the list's last tie-break) should follow
        the order in which the person applied, as they did when placement went oldest first.
        """
        order = sorted(created.items(), key=lambda item: (item[1].date, item[1].message_id))
        new = {old: ObjectId() for old, _ in order}
        for old, pk in new.items():
            app = self.apps.pop(old)
            app.pk = pk
            self.apps[pk] = app
            if old in self.names:
                self.names[pk] = self.names.pop(old)
            if old in self.completed:
                self.completed[pk] = self.completed.pop(old)
        for placed in self.by_link.values():
            for message_id, pk in placed.items():
                placed[message_id] = new.get(pk, pk)
        renumbered = {new[old]: facts for old, facts in created.items()}
        return renumbered, {mid: new.get(pk, pk) for mid, pk in found.items()}

    def _names_it(self, pk: ObjectId, current: EmailFacts, facts: EmailFacts) -> bool:
        """Whether ``facts`` names new application ``pk`` rather than ``current`` does."""
        app = self.apps[pk]
        same = facts.keys == (app.company_key, app.position_key)
        return facts is current or (same and facts.date < current.date)

    def reconsider(self, placed: Mapping[str, ObjectId]) -> dict[str, ObjectId]:
        """Return {message id: better application} for earlier weakly placed emails.

        A full sync reads newest first: a reply naming no role is placed before the
        confirmation of the application it answers. Once the batch added applications of the
        company, such earlier emails answer the one begun most recently before them.
        """
        companies = {app.pk: app.company_key for app in self.apps.values() if app.company_key}
        query = {
            "user_id": self.user_id,
            "application_id": {"$in": list(companies)},
            "weak": True,
            "message_id": {"$nin": list(placed)},
        }
        moves = {}
        for doc in _emails().find(
            query, {"_id": 0, "message_id": 1, "application_id": 1, "date": 1}
        ):
            company = companies.get(doc["application_id"], "")
            better = self._answered(company, _aware(doc["date"]))
            if better is not None and better != doc["application_id"]:
                moves[doc["message_id"]] = better
        return moves

    def _create(self, created: Mapping[ObjectId, EmailFacts]) -> None:
        if not created:
            return
        applications = [
            JobApplication(
                pk=pk,
                user_id=self.user_id,
                company=self.names[pk][0],
                company_key=self.apps[pk].company_key,
                position=self.names[pk][1],
                position_key=self.apps[pk].position_key,
                status=facts.status,
            )
            for pk, facts in created.items()
        ]
        JobApplication.objects.bulk_create(applications)
        # Each application's own keys as an alias, where the keys are still free (another
        # application of the same role, applied to again later, already holds them).
        _insert_aliases(
            self.user_id, [(app.company_key, app.position_key, app.pk) for app in applications]
        )

    def _rename(self, created: Mapping[ObjectId, EmailFacts]) -> None:
        for pk, changes in self.completed.items():
            if pk in created or not changes:
                continue
            app = self.apps[pk]
            JobApplication.objects.filter(pk=pk).update(**changes)
            _insert_aliases(self.user_id, [(app.company_key, app.position_key, pk)])


def _placing_order(facts: EmailFacts) -> tuple[bool, bool]:
    return not facts.keys[1], facts.status != Status.APPLICATION_CONFIRMATION


def _insert_aliases(user_id: UserId, keys: Sequence[tuple[str, str, ObjectId]]) -> None:
    documents = [
        {
            "user_id": user_id,
            "company_key": c,
            "position_key": p,
            "application_id": pk,
            "manual": False,
        }
        for c, p, pk in keys
    ]
    if not documents:
        return
    try:
        get_database()[ApplicationAlias._meta.db_table].insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        if any(error.get("code") != 11000 for error in exc.details.get("writeErrors", [])):
            raise


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
        "link_keys": facts.signals.keys,
    }


def _current_applications(user_id: UserId, message_ids: Sequence[str]) -> set[ObjectId]:
    found = _emails().find(
        {"user_id": user_id, "message_id": {"$in": list(message_ids)}},
        {"_id": 0, "application_id": 1},
    )
    return {doc["application_id"] for doc in found}


def _place(user_id: UserId, placed: Sequence[EmailFacts], dropped: Sequence[str]) -> set[ObjectId]:
    """Upsert the timeline entries of ``placed``, remove ``dropped``; return touched app ids."""
    ids = [f.message_id for f in placed] + list(dropped)
    touched = _current_applications(user_id, ids)
    resolver = _Resolver(user_id, (f.keys[0] for f in placed))
    targets = resolver.resolve(placed)
    moves = resolver.reconsider(targets)
    touched.update(targets.values())
    touched.update(_current_applications(user_id, list(moves)) if moves else ())
    touched.update(moves.values())
    writes: list[UpdateOne | DeleteMany] = [
        UpdateOne(
            {"user_id": user_id, "message_id": facts.message_id},
            {
                "$set": {
                    **_link_document(facts, targets[facts.message_id]),
                    "weak": facts.message_id in resolver.weak,
                }
            },
            upsert=True,
        )
        for facts in placed
    ]
    writes += [
        UpdateOne({"user_id": user_id, "message_id": mid}, {"$set": {"application_id": pk}})
        for mid, pk in moves.items()
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
        # One a person entered by hand has no emails from the start and outlives every
        # regrouping (rebuild included); only ``tracker.manual.delete`` removes it.
        stale = JobApplication.objects.for_user(user_id).filter(pk__in=empty)
        stale.exclude(manual=True).delete()


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
