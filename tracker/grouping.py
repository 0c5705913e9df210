"""Group a user's analysed job emails into applications, the person's corrections on top.

The pieces, each in its module:

* **Keys** (``tracker.keys``): normalised company and position keys.
* **Facts** (``tracker.facts``, ``tracker.links``): each job email's (corrected) analysis and
  what links it to an application besides its names (thread, requisition id, portal link,
  recruiter address); ``tracker.companies`` spells its company as the user's other mail does.
* **Placement** (``tracker.clustering``, written by ``tracker.regroup``): which application
  each email answers, the touched companies' mail grouped again from scratch in time order.
* **Summary** (``tracker.summary``): an application's status and dates from its timeline.
* **Corrections** (``Correction``, per email; made by ``tracker.corrections``) are applied on
  top of every (re-)analysis, so they survive it; so do renames and merges, which are aliases.

This module writes placements and summaries. Placement is idempotent (an email is moved, never
duplicated) and ends where ``rebuild`` (everything regrouped from the stored analyses) does.
Every change for one user runs under a per-user Redis lock: analysis workers, the pages and a
rebuild may all touch the same applications at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import UpdateOne

from analysis.models import EmailAnalysis
from analysis.results import AnalysisResult
from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from mailbox_project.redis import LockLost, UserLock
from tracker.companies import respell_stored, settle_companies, stored_companies
from tracker.facts import EmailFacts, all_facts, facts_from, raw_results, stored_result
from tracker.keys import company_key, normalise, position_key
from tracker.links import Signals, portal_links, recruiter_address, requisitions
from tracker.models import JobApplication
from tracker.placement import aware, reapply_gap, timeline_entries
from tracker.regroup import channel, regroup
from tracker.summary import TimelineSummary, current_status, summarise

# Public names other code and the tests import from here (their homes are the modules above).
__all__ = [
    "EmailFacts",
    "RebuildSummary",
    "Signals",
    "TimelineSummary",
    "TrackerBusy",
    "company_key",
    "current_status",
    "facts_from",
    "forget",
    "normalise",
    "place",
    "portal_links",
    "position_key",
    "raw_results",
    "reapply_gap",
    "rebuild",
    "record",
    "recruiter_address",
    "refresh",
    "requisitions",
    "summarise",
    "user_lock",
]

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


class TrackerBusy(Exception):
    """Another change of this user's applications held the lock for too long."""


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


# --- Writing placements ---------------------------------------------------------------------------


def _link_document(facts: EmailFacts) -> dict[str, Any]:
    return {
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
        # Its grouping keys and whether the person moved it: what regrouping reads.
        "company_key": facts.keys[0],
        "position_key": facts.keys[1],
        "moved": facts.moved,
        # The system or organisation whose mail server sent it (the stored From, not what
        # the analysis read).
        "channel": channel(facts.signals.address or facts.sender, facts.signals.footer_system),
    }


def _place(user_id: UserId, placed: Sequence[EmailFacts], dropped: Sequence[str]) -> set[ObjectId]:
    """Upsert the timeline entries of ``placed``, remove ``dropped``; return touched app ids.

    The companies they name or were placed under are regrouped from scratch
    (``tracker.regroup``), the batch's emails with them.
    """
    ids = [f.message_id for f in placed] + list(dropped)
    found = timeline_entries().find(
        {"user_id": user_id, "message_id": {"$in": ids}}, {"_id": 0, "application_id": 1}
    )
    before = {doc["application_id"] for doc in found}
    if dropped:
        timeline_entries().delete_many({"user_id": user_id, "message_id": {"$in": list(dropped)}})
    stored = stored_companies(user_id)
    placed = settle_companies(stored, placed)
    companies = {f.keys[0] for f in placed} | respell_stored(user_id, stored, placed)
    apps = JobApplication.objects.for_user(user_id).filter(pk__in=list(before))
    companies.update(apps.values_list("company_key", flat=True))
    fresh = {facts.message_id: _link_document(facts) for facts in placed}
    return before | regroup(user_id, companies - {""}, fresh)


def refresh(user_id: UserId, application_ids: Iterable[ObjectId | None]) -> None:
    """Recompute the summaries of the user's applications; delete those left without emails."""
    ids = [pk for pk in set(application_ids) if pk is not None]
    if not ids:
        return
    timelines: dict[ObjectId, list[tuple[str, datetime]]] = {}
    rows = timeline_entries().find(
        {"user_id": user_id, "application_id": {"$in": ids}},
        {"_id": 0, "application_id": 1, "status": 1, "date": 1},
    )
    for row in rows:
        timelines.setdefault(row["application_id"], []).append((row["status"], aware(row["date"])))
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


# --- Following the analyses ----------------------------------------------------------------------


def place(user_id: UserId, results: Sequence[AnalysisResult]) -> None:
    """Place analysis results (corrections on top) and update the applications they touch.

    The caller holds ``user_lock``.
    """
    placed, dropped = all_facts(user_id, results)
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
        stored = (stored_result(d["message_id"], d.get("result")) for d in documents)
        placed, dropped = all_facts(user_id, [r for r in stored if r is not None])
        kept = [f.message_id for f in placed]
        stale = timeline_entries().find(
            {"user_id": user_id, "message_id": {"$nin": kept}}, {"_id": 0, "message_id": 1}
        )
        dropped = [*dropped, *(doc["message_id"] for doc in stale)]
        touched = _place(user_id, placed, dropped)
        everything = JobApplication.objects.for_user(user_id).values_list("pk", flat=True)
        refresh(user_id, touched | set(everything))
        count = JobApplication.objects.for_user(user_id).count()
    return RebuildSummary(emails=len(placed), applications=count)
