"""What a person does to their applications by hand, beyond corrections of the analysis.

Add an application that has no email, edit what they know of it (link, source, salary,
location, contact, the day they applied), attach an email to it or detach one, write notes,
set the next action and its due day, move it to another stage. Names and statuses go through
``tracker.corrections`` (aliases and overrides that survive re-analysis); the rest are fields
grouping never writes. Each change of names or emails holds the user's tracker lock.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from bson import ObjectId
from django.utils import timezone

from analysis.status import Status
from mailbox_project.ids import UserId
from tracker import corrections
from tracker.corrections import INTERACTIVE_WAIT, Conflict
from tracker.grouping import refresh, user_lock
from tracker.keys import company_key, position_key
from tracker.models import (
    ApplicationAlias,
    ApplicationEmail,
    ApplicationNote,
    Correction,
    JobApplication,
    applied_at_of,
)

FOLLOW_UP = "Follow up"


@dataclass(frozen=True)
class Details:
    """What a person knows of an application that its mail may not say."""

    link: str = ""
    source: str = ""
    salary_range: str = ""
    location: str = ""
    work_mode: str = ""
    contact: str = ""
    applied_on: date | None = None

    def as_fields(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _holder(user_id: UserId, keys: tuple[str, str]) -> ObjectId | None:
    found: ObjectId | None = (
        ApplicationAlias.objects.filter(user_id=user_id, company_key=keys[0], position_key=keys[1])
        .values_list("application_id", flat=True)
        .first()
    )
    return found


def _conflict(holder: ObjectId) -> Conflict:
    other = JobApplication.objects.filter(pk=holder).first()
    name = f"{other.company_label} — {other.position_label}" if other else "that application"
    return Conflict(f"You already track {name}.")


def create(
    user_id: UserId, *, company: str, position: str, status: str, details: Details
) -> JobApplication:
    """Add an application by hand; ``Conflict`` when one of these names is tracked already.

    Its names become a manual alias, so mail about it (or an email the person attaches)
    joins it rather than starting another application.
    """
    company, position = company.strip(), position.strip()
    keys = (company_key(company), position_key(position))
    now = timezone.now()
    with user_lock(user_id, INTERACTIVE_WAIT):
        holder = _holder(user_id, keys)
        if holder is not None:
            raise _conflict(holder)
        applied_at = applied_at_of(details.applied_on)
        application = JobApplication(
            user_id=user_id,
            company=company,
            company_key=keys[0],
            position=position,
            position_key=keys[1],
            status=status or Status.APPLICATION_CONFIRMATION,
            applied_at=applied_at,
            last_activity_at=applied_at or now,
            manual=True,
            **details.as_fields(),
        )
        if status and status != Status.APPLICATION_CONFIRMATION:
            application.status_override, application.status_override_at = status, now
        application.save()
        ApplicationAlias.objects.create(
            user_id=user_id,
            company_key=keys[0],
            position_key=keys[1],
            application=application,
            manual=True,
        )
    return application


def edit(
    application: JobApplication, *, company: str, position: str, status: str, details: Details
) -> None:
    """Save what the person entered: names and status as a correction, the rest as is."""
    corrections.correct_application(application, status=status, company=company, position=position)
    _status_without_mail(application)
    with user_lock(application.user_id, INTERACTIVE_WAIT):
        application.refresh_from_db()
        for name, value in details.as_fields().items():
            setattr(application, name, value)
        application.updated_at = timezone.now()
        if not application.email_count:
            application.applied_at = applied_at_of(details.applied_on)
        application.save()
        # With emails, the summary decides the date applied unless the person set one.
        if application.email_count:
            refresh(application.user_id, [application.pk])


def delete(application: JobApplication) -> bool:
    """Delete an application the person made by hand, if no email is on it; True if deleted."""
    with user_lock(application.user_id, INTERACTIVE_WAIT):
        if not application.manual or application.emails.exists():
            return False
        application.delete()
    return True


# --- Emails ------------------------------------------------------------------------------------


def attach(application: JobApplication, message_id: str) -> bool:
    """Put one of the user's tracked emails on this application; True if it is there now.

    The email is corrected to the application's names, which a manual alias leads to, so the
    attachment survives re-analysis. ``Conflict`` when the application's names belong to
    another application's alias (merge them instead).
    """
    user_id = UserId(application.user_id)
    keys = (application.company_key, application.position_key)
    with user_lock(user_id, INTERACTIVE_WAIT):
        holder = _holder(user_id, keys)
        if holder is None:
            ApplicationAlias.objects.create(
                user_id=user_id,
                company_key=keys[0],
                position_key=keys[1],
                application=application,
                manual=True,
            )
        elif holder != application.pk:
            raise _conflict(holder)
        else:
            ApplicationAlias.objects.filter(
                user_id=user_id, company_key=keys[0], position_key=keys[1]
            ).update(manual=True)
    company = application.company or application.company_label
    corrections.correct_email(user_id, message_id, company=company, position=application.position)
    return ApplicationEmail.objects.filter(
        user_id=user_id, message_id=message_id, application_id=application.pk
    ).exists()


def detach(application: JobApplication, message_id: str) -> str:
    """Take an email off this application; return where it went: "analysis" or "not_job".

    An email the person attached goes back to what its analysis says (elsewhere, usually);
    one the analysis put here is taken off the tracker ("Not job emails" can restore it).
    """
    user_id = UserId(application.user_id)
    correction = Correction.objects.filter(user_id=user_id, message_id=message_id).first()
    if correction is not None and (correction.company or correction.position):
        corrections.reset_email(user_id, message_id)
        still_here = ApplicationEmail.objects.filter(
            user_id=user_id, message_id=message_id, application_id=application.pk
        ).exists()
        if not still_here:
            return "analysis"
    corrections.mark_not_job(user_id, message_id)
    return "not_job"


# --- Notes, next action, stage ------------------------------------------------------------------


def add_note(application: JobApplication, text: str) -> ApplicationNote:
    return ApplicationNote.objects.create(
        user_id=application.user_id, application=application, text=text.strip()
    )


def delete_note(application: JobApplication, note_id: ObjectId) -> bool:
    """Delete one of the application's notes; False when it has no such note."""
    notes = ApplicationNote.objects.filter(
        user_id=application.user_id, application=application, pk=note_id
    )
    deleted, _ = notes.delete()
    return deleted > 0


def set_next_action(application: JobApplication, action: str, due: date | None) -> None:
    """Set (or, with an empty action, clear) the application's next action and due day."""
    action = action.strip()
    JobApplication.objects.filter(pk=application.pk, user_id=application.user_id).update(
        next_action=action, next_action_due=due if action else None, updated_at=timezone.now()
    )
    application.next_action, application.next_action_due = action, due if action else None


def follow_up(application: JobApplication, today: date) -> None:
    """The one-click answer to silence: "Follow up", due today."""
    set_next_action(application, FOLLOW_UP, today)


def move(application: JobApplication, status: str) -> None:
    """Set the application's status by hand (a board move): a correction that holds until
    newer mail arrives."""
    corrections.correct_application(
        application, status=status, company=application.company, position=application.position
    )
    _status_without_mail(application)


def _status_without_mail(application: JobApplication) -> None:
    """An application without email has no timeline to take its status from: the status the
    person set is its status (grouping's summary only runs over emails)."""
    application.refresh_from_db()
    if application.status_override and not application.emails.exists():
        JobApplication.objects.filter(pk=application.pk).update(status=application.status_override)
        application.status = application.status_override


def last_touched(application: JobApplication) -> datetime | None:
    """The last activity ghosting counts from: the last email, or the person's own status."""
    candidates = [d for d in (application.last_activity_at, application.status_override_at) if d]
    return max(candidates) if candidates else None
