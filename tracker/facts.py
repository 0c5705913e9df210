"""One job email as the tracker sees it: its analysis, the person's correction on top, links.

``all_facts`` turns analysis results into ``EmailFacts`` (the emails to place) and the ids of
emails that are not (or no longer) job emails; the person's own mail is not tracked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import parseaddr

from django.utils import timezone

from analysis import cache
from analysis.engines.position import names_a_title
from analysis.models import EmailAnalysis
from analysis.results import AnalysisResult
from mailbox_project.ids import UserId
from tracker.keys import company_key, position_key
from tracker.links import Signals, person_name, read_signals, recruiter_address
from tracker.models import TRACKED_STATUSES, Correction


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
    signals: Signals = field(default_factory=Signals)
    # The person named another company or position than the analysis: the names decide
    # where it goes, not its thread or other links.
    moved: bool = False

    @property
    def keys(self) -> tuple[str, str]:
        company = company_key(self.company)
        if company and self.signals.recruiter and _names_writer(company, self.signals):
            company = ""  # the analysis took the recruiter writing in person for the company
        position = position_key(self.position)
        if company and f" {company} " in f" {position} ":
            # A "position" naming the employer and no title besides is a subject phrase the
            # analysis took for one ("Acme - Application Confirmation"): the role is unknown.
            # A title may name it ("Data Analyst, Acme Warehouse & Distribution").
            rest = f" {position} ".replace(f" {company} ", " ")
            if not names_a_title(rest):
                position = ""
        return company, position


def _names_writer(company: str, signals: Signals) -> bool:
    """Whether company key ``company`` is the sender's name ("Jordan Lee" from "Jordan Lee
    (Bluestone Staffing)") or the sender's name begins with it or it with the name — a
    person's name: a team's ("Autodesk Talent Acquisition Team") begins with the company it
    rightly names."""
    names = {company_key(person_name(signals.sender_name)), company_key(signals.person)} - {""}
    return any(
        f"{company} ".startswith(f"{name} ") or f"{name} ".startswith(f"{company} ")
        for name in names
    )


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
            result = stored_result(message_id, document)
            if result is not None:
                found[message_id] = result
    return found


def stored_result(message_id: str, document: object) -> AnalysisResult | None:
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


def all_facts(
    user_id: UserId, results: Sequence[AnalysisResult]
) -> tuple[list[EmailFacts], list[str]]:
    """Return (facts of the job emails, ids of the emails that are not job emails)."""
    results = [r for r in results if r.message_id]
    corrections = _corrections(user_id, [r.message_id for r in results])
    signals = read_signals(user_id, [r.message_id for r in results])
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
