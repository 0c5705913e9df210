"""``/api/applications`` and ``/api/applications/<id>``: the tracker as JSON.

Authenticated like ``/api/mails``: the session cookie or an API bearer token. Parameters of the
list (all optional), the same as the /applications page's:

* ``status`` — one of the tracked statuses (``interview_invitation``, ``offer``, ...);
* ``company`` — a company name, matched by its normalised key ("ACME Inc." finds "Acme");
* ``q`` — text in the company or the position;
* ``sort`` — ``company``, ``position``, ``status``, ``applied``, ``last_activity``, ``emails``,
  ``-`` in front for descending (default ``-last_activity``);
* ``page`` (from 1) and ``page_size`` (1 to 100, default 25).

Each application also carries its derived ``stage`` (``applied``, ``screening``, ``interview``,
``offer``; ``interview_rounds``), ``outcome`` (``active``, ``offer``, ``rejected``,
``withdrawn``, ``no_response``), ``source`` and the fields the person entered (``link``,
``salary_range``, ``location``, ``work_mode``, ``contact``, ``applied_on``, ``next_action``,
``next_action_due``); one application also lists its ``notes``.

Errors are ``{"error": {"code", "message"}}``: 400 for a bad parameter, 401 unauthenticated,
404 for an application that is not the caller's (or a malformed id), 405 for a method but GET,
429 (with ``Retry-After``) past the caller's ``RATE_LIMIT_API``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone

from accounts.api_auth import api_error, api_get_only, api_login_required
from accounts.models import User
from analysis import service
from mailbox_project.ids import user_id as as_user_id
from tracker import overview, stages
from tracker.forms import PAGE_SIZE, ApplicationFilterForm
from tracker.models import ApplicationEmail, ApplicationNote, JobApplication
from tracker.overview import Tracked


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _workflow_json(tracked: Tracked) -> dict[str, Any]:
    """The derived state and the person's own fields of one application."""
    application, progress = tracked.application, tracked.progress
    due = application.next_action_due
    return {
        "stage": progress.stage.name.lower(),
        "stage_label": progress.stage_label,
        "interview_rounds": progress.rounds,
        "outcome": progress.outcome,
        "outcome_label": stages.OUTCOME_LABELS[progress.outcome],
        "no_response": progress.ghosted,
        "source": tracked.source,
        "source_label": tracked.source_label,
        "source_set_by_hand": bool(application.source),
        "added_by_hand": application.manual,
        "link": application.link,
        "salary_range": application.salary_range,
        "location": application.location,
        "work_mode": application.work_mode,
        "contact": application.contact,
        "applied_on": application.applied_on.isoformat() if application.applied_on else None,
        "next_action": application.next_action,
        "next_action_due": due.isoformat() if due else None,
    }


def application_json(application: JobApplication, tracked: Tracked | None = None) -> dict[str, Any]:
    """Return one application as the list shows it (with its workflow state when given)."""
    workflow = _workflow_json(tracked) if tracked is not None else {}
    return {
        **workflow,
        "id": str(application.pk),
        "company": application.company,
        "position": application.position,
        "status": application.status,
        "status_label": application.status_label,
        "status_set_by_hand": bool(application.status_override),
        "applied_at": _when(application.applied_at),
        "first_response_at": _when(application.first_response_at),
        "last_activity_at": _when(application.last_activity_at),
        "email_count": application.email_count,
        "url": reverse("tracker:detail", args=[str(application.pk)]),
    }


def _timeline_json(user: User, emails: list[ApplicationEmail]) -> list[dict[str, Any]]:
    # Details and confidence through the tiered cache; the timeline snapshot if it has none.
    ids = [e.message_id for e in emails]
    analyses = service.results_for(as_user_id(user), ids, compute_missing=False)
    timeline = []
    for email in emails:
        analysis = analyses.get(email.message_id)
        timeline.append(
            {
                "message_id": email.message_id,
                "date": email.date.isoformat(),
                "status": email.status,
                "subject": email.subject,
                "sender": email.sender,
                "company": email.company,
                "position": email.position,
                "details": analysis.details if analysis else email.details,
                "confidence": analysis.confidence if analysis else email.confidence,
                "corrected": email.corrected,
                "mail_url": f"/mails/{email.message_id}",
                "api_url": f"/api/mails/{email.message_id}",
            }
        )
    return timeline


@api_get_only
@api_login_required
def application_list(request: HttpRequest) -> JsonResponse:
    """The caller's applications, filtered, sorted and a page at a time."""
    form = ApplicationFilterForm(request.GET)
    if not form.is_valid():
        return api_error(400, "bad_parameter", form.error_message())
    rows = form.filter(JobApplication.objects.for_user(_user(request)))
    size = form.cleaned_data.get("page_size") or PAGE_SIZE
    paginator = Paginator(rows, size)
    number = form.cleaned_data.get("page") or 1
    # Past the last page is an empty page, so a client can loop until "next" is null.
    results = paginator.page(number).object_list if number <= paginator.num_pages else []
    tracked = overview.track(as_user_id(_user(request)), results, now=timezone.now())
    return JsonResponse(
        {
            "results": [application_json(t.application, t) for t in tracked],
            "count": paginator.count,
            "page": number,
            "page_size": size,
            "num_pages": paginator.num_pages,
            "has_next": number < paginator.num_pages,
        }
    )


@api_get_only
@api_login_required
def application_detail(request: HttpRequest, application_id: str) -> JsonResponse:
    """One of the caller's applications with its timeline, oldest email first."""
    user = _user(request)
    application = None
    if ObjectId.is_valid(application_id):
        mine = JobApplication.objects.for_user(user)
        application = mine.filter(pk=ObjectId(application_id)).first()
    if application is None:
        return api_error(404, "not_found", "No such application.")
    emails = list(ApplicationEmail.objects.timeline(application))
    (tracked,) = overview.track(as_user_id(user), [application], now=timezone.now())
    notes = ApplicationNote.objects.filter(user=user, application=application).order_by(
        "created_at"
    )
    return JsonResponse(
        {
            **application_json(application, tracked),
            "notes": [{"text": n.text, "created_at": n.created_at.isoformat()} for n in notes],
            "timeline": _timeline_json(user, emails),
        }
    )
