"""``/api/applications`` and ``/api/applications/<id>``: the tracker as JSON.

Authenticated like ``/api/mails``: the session cookie or an API bearer token. Parameters of the
list (all optional), the same as the /applications page's:

* ``status`` — one of the tracked statuses (``interview_invitation``, ``offer``, ...);
* ``company`` — a company name, matched by its normalised key ("ACME Inc." finds "Acme");
* ``q`` — text in the company or the position;
* ``sort`` — ``company``, ``position``, ``status``, ``applied``, ``last_activity``, ``emails``,
  ``-`` in front for descending (default ``-last_activity``);
* ``page`` (from 1) and ``page_size`` (1 to 100, default 25).

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

from accounts.api_auth import api_error, api_get_only, api_login_required
from accounts.models import User
from analysis import service
from mailbox_project.ids import user_id as as_user_id
from tracker.forms import PAGE_SIZE, ApplicationFilterForm
from tracker.models import ApplicationEmail, JobApplication


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def application_json(application: JobApplication) -> dict[str, Any]:
    """Return one application as the list shows it."""
    return {
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
    return JsonResponse(
        {
            "results": [application_json(a) for a in results],
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
    return JsonResponse({**application_json(application), "timeline": _timeline_json(user, emails)})
