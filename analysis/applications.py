"""Group a user's analysed job emails into applications, and keep the person's corrections.

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
* **Corrections** (``Correction``, per email; made by ``analysis.corrections``) are applied on
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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django_redis import get_redis_connection
from pymongo import DeleteMany, UpdateOne
from redis.exceptions import LockError

from analysis import cache
from analysis.models import (
    TRACKED_STATUSES,
    ApplicationAlias,
    ApplicationEmail,
    Correction,
    EmailAnalysis,
    JobApplication,
    summarise,
)
from mailbox_project.mongo import get_database
from mails.models import Message

logger = logging.getLogger(__name__)

# Long enough for a rebuild of a large mailbox; a crashed holder frees it after this.
LOCK_SECONDS = 300

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


def parse_date(value: Any) -> datetime | None:
    """Return an aware datetime from an ISO 8601 string (naive means UTC), or None."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(result: Mapping[str, Any], name: str, limit: int) -> str:
    value = result.get(name)
    return str(value).strip()[:limit] if value is not None else ""


def _confidence(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def facts_from(
    result: Mapping[str, Any], correction: Correction | None, fallback_date: datetime
) -> EmailFacts | None:
    """Return the tracker's view of one analysis with the person's correction on top.

    None when the email is not a job email (by the classifier or the person) or has no
    status the tracker knows.
    """
    if correction is not None and correction.not_job:
        return None
    status = (correction.status if correction else "") or _text(result, "status", 32)
    if status not in TRACKED_STATUSES:
        return None
    company = (correction.company if correction else "") or _text(result, "company", 300)
    position = (correction.position if correction else "") or _text(result, "position", 300)
    return EmailFacts(
        message_id=str(result.get("message_id", "")),
        status=status,
        company=company,
        position=position,
        date=parse_date(result.get("date")) or fallback_date,
        subject=_text(result, "subject", 2000),
        sender=_text(result, "sender", 500),
        details=_text(result, "details", 5000),
        confidence=_confidence(result.get("confidence")),
        corrected=correction is not None
        and bool(correction.status or correction.company or correction.position),
    )


# --- Locking -------------------------------------------------------------------------------------


@contextmanager
def user_lock(user_id: Any) -> Iterator[None]:
    """Hold the per-user tracker lock for the block; raise ``TrackerBusy`` if it never frees."""
    lock = get_redis_connection("default").lock(
        f"{settings.CACHE_KEY_PREFIX}:tracker:{user_id}",
        timeout=LOCK_SECONDS,
        blocking_timeout=LOCK_SECONDS,
    )
    if not lock.acquire():
        raise TrackerBusy(f"the applications of user {user_id} are locked")
    try:
        yield
    finally:
        try:
            lock.release()
        except LockError:
            # Held past its expiry; whatever ran meanwhile rebuilt its own view under it.
            logger.warning("tracker lock of user %s expired before release", user_id)


# --- Reading analyses ------------------------------------------------------------------------


def raw_results(user_id: Any, message_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Return {message id: analysis result} through the tiered cache.

    Analyses of an older classifier (the cache answers only the current one) come from the
    stored documents: a stale analysis still places an email better than none.
    """
    found = {
        mid: dict(entry)
        for mid, entry in cache.get_many(user_id, message_ids).items()
        if not cache.is_failed(entry)
    }
    missing = [mid for mid in message_ids if mid not in found]
    if missing:
        stored = EmailAnalysis.objects.filter(user_id=user_id, message_id__in=missing)
        for message_id, result in stored.values_list("message_id", "result"):
            found[message_id] = dict(result or {})
    for message_id, result in found.items():
        result.setdefault("message_id", message_id)
    return found


def _corrections(user_id: Any, message_ids: Iterable[str]) -> dict[str, Correction]:
    ids = list(message_ids)
    return {c.message_id: c for c in Correction.objects.filter(user_id=user_id, message_id__in=ids)}


def _received_dates(user_id: Any, message_ids: Iterable[str]) -> dict[str, datetime]:
    rows = Message.objects.filter(user_id=user_id, gmail_id__in=list(message_ids))
    return dict(rows.values_list("gmail_id", "internal_date"))


def _all_facts(
    user_id: Any, results: Sequence[Mapping[str, Any]]
) -> tuple[list[EmailFacts], list[str]]:
    """Return (facts of the job emails, ids of the emails that are not job emails)."""
    ids = [str(r.get("message_id", "")) for r in results if r.get("message_id")]
    corrections = _corrections(user_id, ids)
    undated = [str(r["message_id"]) for r in results if not parse_date(r.get("date"))]
    received = _received_dates(user_id, undated) if undated else {}
    now = timezone.now()
    placed: list[EmailFacts] = []
    dropped: list[str] = []
    for result in results:
        message_id = str(result.get("message_id") or "")
        if not message_id:
            continue
        fallback = received.get(message_id, now)
        facts = facts_from(result, corrections.get(message_id), fallback)
        if facts is None:
            dropped.append(message_id)
        else:
            placed.append(facts)
    return placed, dropped


# --- Placement -----------------------------------------------------------------------------------


class _Resolver:
    """Finds (or creates) the application an email's keys lead to, remembering answers."""

    def __init__(self, user_id: Any) -> None:
        self.user_id = user_id
        self.by_alias: dict[tuple[str, str], Any] = {}

    def application_for(self, facts: EmailFacts) -> Any:
        """Return the id of the application ``facts`` belongs to, creating it if needed."""
        keys = facts.keys
        if keys not in self.by_alias:
            found = self._alias(keys)
            if found is None and keys[0] and not keys[1]:
                # Position unknown: the company's only application, if it has just one. Not
                # remembered as an alias: a second application would end the rule.
                only = self._only_application_of(keys[0])
                if only is not None:
                    return only
            self.by_alias[keys] = found if found is not None else self._create(facts)
        return self.by_alias[keys]

    def _alias(self, keys: tuple[str, str]) -> Any:
        aliases = ApplicationAlias.objects.filter(
            user_id=self.user_id, company_key=keys[0], position_key=keys[1]
        )
        return aliases.values_list("application_id", flat=True).first()

    def _only_application_of(self, company: str) -> Any:
        aliases = ApplicationAlias.objects.filter(user_id=self.user_id, company_key=company)
        found = set(aliases.values_list("application_id", flat=True)[:50])
        return found.pop() if len(found) == 1 else None

    def _create(self, facts: EmailFacts) -> Any:
        company, position = facts.keys
        application = JobApplication.objects.create(
            user_id=self.user_id,
            company=facts.company,
            company_key=company,
            position=facts.position,
            position_key=position,
            status=facts.status,
        )
        try:
            ApplicationAlias.objects.create(
                user_id=self.user_id,
                company_key=company,
                position_key=position,
                application=application,
            )
        except IntegrityError:
            # Someone placed these keys without the lock (it expired): join their application.
            application.delete()
            return self._alias((company, position))
        return application.pk


def _emails() -> Any:
    return get_database()[ApplicationEmail._meta.db_table]


def _link_document(facts: EmailFacts, application_id: Any) -> dict[str, Any]:
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


def _current_applications(user_oid: ObjectId, message_ids: Sequence[str]) -> set[Any]:
    found = _emails().find(
        {"user_id": user_oid, "message_id": {"$in": list(message_ids)}},
        {"_id": 0, "application_id": 1},
    )
    return {doc["application_id"] for doc in found}


def _place(user_id: Any, placed: Sequence[EmailFacts], dropped: Sequence[str]) -> set[Any]:
    """Upsert the timeline entries of ``placed``, remove ``dropped``; return touched app ids.

    Emails with a position go first, so that position-less ones see the company's applications.
    """
    user_oid = ObjectId(str(user_id))
    ids = [f.message_id for f in placed] + list(dropped)
    touched = _current_applications(user_oid, ids)
    resolver = _Resolver(user_id)
    writes: list[UpdateOne | DeleteMany] = []
    for facts in sorted(placed, key=lambda f: (not f.keys[1], f.date)):
        application_id = resolver.application_for(facts)
        touched.add(application_id)
        writes.append(
            UpdateOne(
                {"user_id": user_oid, "message_id": facts.message_id},
                {"$set": _link_document(facts, application_id)},
                upsert=True,
            )
        )
    if dropped:
        writes.append(DeleteMany({"user_id": user_oid, "message_id": {"$in": list(dropped)}}))
    if writes:
        _emails().bulk_write(writes, ordered=True)
    return touched


def refresh(application_ids: Iterable[Any]) -> None:
    """Recompute the summaries of these applications; delete the ones left without emails."""
    ids = [pk for pk in application_ids if pk is not None]
    if not ids:
        return
    timelines: dict[Any, list[tuple[str, datetime]]] = {pk: [] for pk in ids}
    rows = _emails().find(
        {"application_id": {"$in": ids}}, {"_id": 0, "application_id": 1, "status": 1, "date": 1}
    )
    for row in rows:
        timelines[row["application_id"]].append((row["status"], _aware(row["date"])))
    for application in JobApplication.objects.filter(pk__in=ids):
        timeline = timelines.get(application.pk)
        if not timeline:
            application.delete()
            continue
        application.apply_summary(summarise(timeline))
        application.save()


def _aware(value: datetime) -> datetime:
    # pymongo hands back naive UTC datetimes unless the client is tz-aware.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- Following the analyses ----------------------------------------------------------------------


def place(user_id: Any, results: Sequence[Mapping[str, Any]]) -> None:
    """Place analysis results (corrections on top) and update the applications they touch.

    The caller holds ``user_lock``.
    """
    placed, dropped = _all_facts(user_id, results)
    refresh(_place(user_id, placed, dropped))


def record(user_id: Any, results: Sequence[Mapping[str, Any]]) -> None:
    """Place freshly stored (or re-analysed) results on the user's applications."""
    if not results:
        return
    with user_lock(user_id):
        place(user_id, results)


def forget(user_id: Any, message_ids: Sequence[str]) -> None:
    """Take emails whose analyses were removed off their applications."""
    if not message_ids:
        return
    with user_lock(user_id):
        refresh(_place(user_id, [], [str(m) for m in message_ids]))


@dataclass(frozen=True)
class RebuildSummary:
    emails: int
    applications: int


def rebuild(user_id: Any) -> RebuildSummary:
    """Regroup all of the user's stored analyses from scratch (corrections and aliases kept).

    Idempotent: run twice, it changes nothing the second time.
    """
    with user_lock(user_id):
        user_oid = ObjectId(str(user_id))
        documents = get_database()[EmailAnalysis._meta.db_table].find(
            {"user_id": user_oid}, {"_id": 0, "message_id": 1, "result": 1}
        )
        results = [{**(d.get("result") or {}), "message_id": d["message_id"]} for d in documents]
        placed, dropped = _all_facts(user_id, results)
        kept = [f.message_id for f in placed]
        stale = _emails().find(
            {"user_id": user_oid, "message_id": {"$nin": kept}}, {"_id": 0, "message_id": 1}
        )
        dropped = [*dropped, *(doc["message_id"] for doc in stale)]
        touched = _place(user_id, placed, dropped)
        everything = JobApplication.objects.for_user(user_id).values_list("pk", flat=True)
        refresh(touched | set(everything))
        count = JobApplication.objects.for_user(user_id).count()
    return RebuildSummary(emails=len(placed), applications=count)
