"""A person's corrections of the tracker: of one email, of an application, merges.

Each is stored where re-analysis cannot undo it: a ``Correction`` per email (applied on top of
every analysis by ``tracker.grouping``), or an alias (a rename or a merge), so the
change survives re-analysis, new mail and ``grouping.rebuild``. Each raises
``TrackerBusy`` when the user's applications stay locked longer than ``INTERACTIVE_WAIT``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bson import ObjectId
from django.utils import timezone
from django_mongodb_backend import transaction

from analysis.models import EmailAnalysis
from analysis.results import AnalysisResult
from analysis.status import Status
from mailbox_project.ids import UserId
from tracker.facts import raw_results
from tracker.grouping import TrackerBusy, place, refresh, user_lock
from tracker.keys import company_key, position_key
from tracker.models import ApplicationAlias, ApplicationEmail, Correction, JobApplication

# A person waits at most this long (seconds) for a rebuild or an analysis batch to finish.
INTERACTIVE_WAIT = 10.0


__all__ = [
    "Conflict",
    "TrackerBusy",
    "correct_application",
    "correct_email",
    "mark_not_job",
    "merge",
    "reset_email",
]


class Conflict(Exception):
    """A correction would make two applications one: the person should merge them instead."""


def _snapshots(user_id: UserId, message_ids: Sequence[str]) -> dict[str, AnalysisResult]:
    """Return the timeline entries of these emails, as the analyses they were placed from."""
    rows = ApplicationEmail.objects.filter(user_id=user_id, message_id__in=list(message_ids))
    return {row.message_id: _as_result(row) for row in rows}


def _as_result(row: ApplicationEmail) -> AnalysisResult:
    return AnalysisResult(
        message_id=row.message_id,
        subject=row.subject,
        sender=row.sender,
        date=row.date,
        status=Status(row.status),
        company=row.company,
        position=row.position,
        details=row.details,
        # A snapshot's confidence is None only if its analysis had none, which no engine writes.
        confidence=row.confidence or 0.0,
    )


def _place_again(user_id: UserId, message_ids: Sequence[str]) -> None:
    """Place emails again from their analyses with the current corrections on top.

    An email whose analysis is gone (aged out of every tier) keeps its timeline snapshot as
    its analysis, rather than vanishing because someone corrected it.
    """
    results = raw_results(user_id, message_ids)
    missing = [m for m in message_ids if m not in results]
    if missing:
        results.update(_snapshots(user_id, missing))
    place(user_id, list(results.values()))


def _check_known(user_id: UserId, message_id: str) -> None:
    on_timeline = ApplicationEmail.objects.filter(user_id=user_id, message_id=message_id)
    analysed = EmailAnalysis.objects.filter(user_id=user_id, message_id=message_id)
    if not on_timeline.exists() and not analysed.exists():
        raise Correction.DoesNotExist(f"no analysed email {message_id!r}")


def correct_email(
    user_id: UserId, message_id: str, *, status: str = "", company: str = "", position: str = ""
) -> None:
    """Record the person's reading of one email (blank = as analysed) and regroup it.

    Raises ``Correction.DoesNotExist`` for an email the user has no analysis of.
    """
    with user_lock(user_id, INTERACTIVE_WAIT):
        _check_known(user_id, message_id)
        Correction.objects.update_or_create(
            user_id=user_id,
            message_id=message_id,
            defaults={
                "status": status,
                "company": company.strip(),
                "position": position.strip(),
                "not_job": False,
                "updated_at": timezone.now(),
            },
        )
        _place_again(user_id, [message_id])


def mark_not_job(user_id: UserId, message_id: str) -> None:
    """Take one email out of the tracker for good: the person says it is not a job email."""
    with user_lock(user_id, INTERACTIVE_WAIT):
        _check_known(user_id, message_id)
        Correction.objects.update_or_create(
            user_id=user_id,
            message_id=message_id,
            defaults={"not_job": True, "updated_at": timezone.now()},
        )
        _place_again(user_id, [message_id])


def reset_email(user_id: UserId, message_id: str) -> None:
    """Drop the person's correction of one email: the analysis decides again."""
    with user_lock(user_id, INTERACTIVE_WAIT):
        Correction.objects.filter(user_id=user_id, message_id=message_id).delete()
        _place_again(user_id, [message_id])


def correct_application(
    application: JobApplication, *, status: str, company: str, position: str
) -> None:
    """Set an application's status ("" = as its emails say), company and position.

    A new company or position is kept as an alias, so its emails stay with it after
    re-analysis. Raises ``Conflict`` when the new names are another application's.
    """
    with user_lock(application.user_id, INTERACTIVE_WAIT):
        application.refresh_from_db()
        _rename(application, company.strip(), position.strip())
        if not status:
            application.status_override, application.status_override_at = "", None
        elif status != application.status or application.status_override:
            application.status_override, application.status_override_at = status, timezone.now()
        application.save()
        refresh(application.user_id, [application.pk])


def _rename(application: JobApplication, company: str, position: str) -> None:
    keys = (company_key(company), position_key(position))
    holder = (
        ApplicationAlias.objects.filter(
            user_id=application.user_id, company_key=keys[0], position_key=keys[1]
        )
        .values_list("application_id", flat=True)
        .first()
    )
    if holder is not None and holder != application.pk:
        other = JobApplication.objects.filter(pk=holder).first()
        name = f"{other.company_label} — {other.position_label}" if other else "those names"
        raise Conflict(f"You already track {name}: merge the two applications instead.")
    if holder is None:
        ApplicationAlias.objects.create(
            user_id=application.user_id,
            company_key=keys[0],
            position_key=keys[1],
            application=application,
            manual=True,
        )
    application.company, application.position = company, position
    application.company_key, application.position_key = keys


def merge(user_id: UserId, target_id: ObjectId | str, source_id: ObjectId | str) -> JobApplication:
    """Move everything of application ``source_id`` into ``target_id``; return the target.

    The source's aliases move too, so its emails keep joining the target after re-analysis.
    Raises ``JobApplication.DoesNotExist`` unless both are the user's, ``Conflict`` if equal.
    """
    if str(target_id) == str(source_id):
        raise Conflict("Choose another application to merge with.")
    with user_lock(user_id, INTERACTIVE_WAIT):
        mine = JobApplication.objects.for_user(user_id)
        target, source = mine.get(pk=target_id), mine.get(pk=source_id)
        with transaction.atomic():
            aliases = ApplicationAlias.objects.filter(user_id=user_id, application_id=source.pk)
            aliases.update(application_id=target.pk, manual=True)
            emails = ApplicationEmail.objects.filter(user_id=user_id, application_id=source.pk)
            emails.update(application_id=target.pk)
            source.delete()
        # After the commit: the summary is read outside the transaction.
        refresh(user_id, [target.pk])
        target.refresh_from_db()
    return target
