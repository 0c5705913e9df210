"""Needs review: emails whose analysis is unsure, and the person's one-click confirmation.

An email on a timeline whose analysis confidence is below ``ANALYSIS_REVIEW_THRESHOLD``
(default 0.6) and that the person has not corrected shows as "Needs review", on its
application's page and on the application's row in the list. Confirming records a
correction equal to what the tracker shows (status, company, position), so the email keeps
its place through every re-analysis and stops asking; correcting is the existing form.
"""

from __future__ import annotations

from collections.abc import Iterable

from bson import ObjectId
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from mailbox_project.ids import UserId
from mailbox_project.ids import user_id as as_user_id
from tracker import corrections
from tracker.models import ApplicationEmail, review_threshold
from tracker.view_helpers import after_email_change, application_or_404, request_user, unless_busy


def applications_to_review(user_id: UserId, application_ids: Iterable[ObjectId]) -> set[ObjectId]:
    """Return which of these applications hold an email that needs review (one query)."""
    ids = list(application_ids)
    if not ids:
        return set()
    rows = ApplicationEmail.objects.filter(
        user_id=user_id,
        application_id__in=ids,
        corrected=False,
        confidence__lt=review_threshold(),
    ).values_list("application_id", flat=True)
    return set(rows)


@require_POST
@login_required
@unless_busy
def confirm_email(request: HttpRequest, application_id: str, message_id: str) -> HttpResponse:
    """Record the person's "this is right": a correction equal to what the timeline shows."""
    user = request_user(request)
    application = application_or_404(user, application_id)
    email = get_object_or_404(
        ApplicationEmail, user=user, application=application, message_id=message_id
    )
    corrections.correct_email(
        as_user_id(user),
        email.message_id,
        status=email.status,
        company=email.company,
        position=email.position,
    )
    messages.success(request, "Confirmed: the email keeps this reading.")
    return after_email_change(request, application, email.message_id)
