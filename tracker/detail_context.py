"""What the application page shows besides its timeline: details, stage, notes, next step.

Kept apart from ``tracker.views`` so the workflow views can re-render the page with a bound
form (and its errors) without importing each other.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from mailbox_project.ids import user_id as as_user_id
from tracker import overview
from tracker.forms import AttachForm, NextActionForm, NoteForm
from tracker.models import (
    SOURCE_LABELS,
    UNKNOWN_POSITION,
    WORK_MODE_LABELS,
    ApplicationEmail,
    ApplicationNote,
    Interview,
    JobApplication,
)

# At most this many emails are offered to attach (same company first, then the most recent).
ATTACH_CHOICES = 60


def attach_choices(application: JobApplication) -> list[tuple[str, str]]:
    """(message id, label) of the user's tracked emails on other applications."""
    others = ApplicationEmail.objects.filter(user_id=application.user_id).exclude(
        application_id=application.pk
    )
    fields = ("message_id", "subject", "company", "position", "date")
    same = others.filter(company=application.company).order_by("-date").values_list(*fields)
    recent = others.exclude(company=application.company).order_by("-date").values_list(*fields)
    rows = [*same[:ATTACH_CHOICES], *recent[: ATTACH_CHOICES // 2]]
    return [
        (
            message_id,
            f"{when:%d %b %Y} · {company or '?'} — {position or UNKNOWN_POSITION} · "
            f"{(subject or '(no subject)')[:60]}",
        )
        for message_id, subject, company, position, when in rows
    ]


def detail_context(
    application: JobApplication,
    *,
    note_form: NoteForm | None = None,
    next_form: NextActionForm | None = None,
    attach_form: AttachForm | None = None,
) -> dict[str, Any]:
    """The workflow part of the application page's context."""
    (tracked,) = overview.track(as_user_id(application.user_id), [application], now=timezone.now())
    return {
        "tracked": tracked,
        "source_label": SOURCE_LABELS.get(application.source, ""),
        "work_mode_label": WORK_MODE_LABELS.get(application.work_mode, ""),
        "notes": ApplicationNote.objects.filter(
            user_id=application.user_id, application=application
        ).order_by("-created_at"),
        "interviews": Interview.objects.filter(
            user_id=application.user_id, application=application
        ).order_by("starts_at"),
        "note_form": note_form or NoteForm(),
        "next_form": next_form
        or NextActionForm(
            initial={"action": application.next_action, "due": application.next_action_due}
        ),
        "attach_form": attach_form or AttachForm(choices=attach_choices(application)),
    }
