"""The applications tracker's pages: the list, one application, the dashboard, the CSV export.

Server-rendered and usable without JavaScript: filters and sorting are GET links, corrections
are POST forms (CSRF) that redirect after success and show their errors inline (HTTP 400).
Every lookup is scoped to the signed-in user; another user's application is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.time_zones import zone as zone_named
from analysis import service
from mailbox_project.ids import user_id as as_user_id
from mails.models import Message
from tracker import charts, corrections, dashboard, export, interviews, overview
from tracker.detail_context import detail_context
from tracker.forms import (
    DEFAULT_SORT,
    PAGE_SIZE,
    ApplicationCorrectionForm,
    ApplicationFilterForm,
    DateRangeForm,
    EmailCorrectionForm,
    MergeForm,
    company_choices,
)
from tracker.models import STATUS_LABELS, ApplicationEmail, Correction, JobApplication
from tracker.view_helpers import (
    after_email_change,
    application_of,
    application_or_404,
    detail_url,
    request_user,
    unless_busy,
)

# Column headings of the list, in order: (label, ?sort= name or None when not sortable).
COLUMNS = [
    ("Company", "company"),
    ("Position", "position"),
    ("Status", "status"),
    ("Applied", "applied"),
    ("Last update", "last_activity"),
    ("Emails", "emails"),
]


def mail_url(message_id: str) -> str:
    return f"/mails/{quote(message_id, safe='')}"


# --- The list ------------------------------------------------------------------------------------


def _query(params: QueryDict, **changes: Any) -> str:
    """Return ``params`` with ``changes`` applied (None removes) as a query string."""
    merged = {key: params.get(key, "") for key in params}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    kept = {key: value for key, value in merged.items() if value != ""}
    return f"?{urlencode(kept)}" if kept else "?"


@dataclass(frozen=True)
class Column:
    label: str
    url: str
    # "ascending", "descending" or "" (not the current sort).
    direction: str


def _columns(params: QueryDict, sort: str) -> list[Column]:
    columns = []
    for label, name in COLUMNS:
        direction = ""
        if sort.lstrip("-") == name:
            direction = "descending" if sort.startswith("-") else "ascending"
        # A click on the current column flips it; a new column starts ascending.
        target = name if direction == "descending" else f"-{name}" if direction else name
        columns.append(Column(label, _query(params, sort=target, page=None), direction))
    return columns


@require_GET
@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    mine = JobApplication.objects.for_user(user)
    form = ApplicationFilterForm(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "has_any": mine.exists(),
        "companies": company_choices(mine),
        "company": request.GET.get("company", ""),
        "not_job_count": Correction.objects.filter(user=user, not_job=True).count(),
    }
    if not form.is_valid():
        return render(request, "tracker/list.html", context, status=400)
    page = Paginator(form.filter(mine), PAGE_SIZE).get_page(form.cleaned_data.get("page"))
    params = request.GET
    now = timezone.now()
    context.update(
        page=page,
        rows=overview.track(as_user_id(user), page.object_list, now=now),
        due=overview.due(as_user_id(user), limit=10),
        today=timezone.localdate(),
        columns=_columns(params, form.cleaned_data.get("sort") or DEFAULT_SORT),
        filtered=any(params.get(k) for k in ("status", "company", "q")),
        previous_url=_query(params, page=page.previous_page_number())
        if page.has_previous()
        else "",
        next_url=_query(params, page=page.next_page_number()) if page.has_next() else "",
        export_url=reverse("tracker:export") + _query(params, page=None, sort=params.get("sort")),
    )
    return render(request, "tracker/list.html", context)


@require_GET
@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    """The list as CSV, with the same filters and sorting (no pagination)."""
    user = request_user(request)
    form = ApplicationFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            form.error_message(), status=400, content_type="text/plain; charset=utf-8"
        )
    rows = form.filter(JobApplication.objects.for_user(user))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="applications.csv"'
    export.write_csv(rows, response, url=request.build_absolute_uri)
    return response


# --- One application -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One email of the timeline, with its analysis (through the cache) and its form."""

    email: ApplicationEmail
    mail_url: str
    details: str
    confidence: float | None
    analysed_status: str
    form: EmailCorrectionForm
    open: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.email.status, self.email.status)


def _timeline(
    user: User, application: JobApplication, bound: EmailCorrectionForm | None
) -> list[TimelineEntry]:
    emails = list(ApplicationEmail.objects.timeline(application))
    ids = [email.message_id for email in emails]
    # Through the tiered cache (L1 → Redis → MongoDB); nothing is classified on a page view.
    analyses = service.results_for(as_user_id(user), ids, compute_missing=False)
    corrections = {
        c.message_id: c for c in Correction.objects.filter(user=user, message_id__in=ids)
    }
    entries = []
    for email in emails:
        analysis = analyses.get(email.message_id)
        prefix = f"email-{email.message_id}"
        is_bound = bound is not None and bound.prefix == prefix
        form = (
            bound if is_bound and bound else _email_form(corrections.get(email.message_id), prefix)
        )
        entries.append(
            TimelineEntry(
                email=email,
                mail_url=mail_url(email.message_id),
                details=(analysis.details if analysis else "") or email.details,
                confidence=analysis.confidence if analysis else email.confidence,
                analysed_status=STATUS_LABELS.get(analysis.status, "") if analysis else "",
                form=form,
                open=is_bound,
            )
        )
    return entries


def _email_form(correction: Correction | None, prefix: str) -> EmailCorrectionForm:
    """The correction form of one email, showing the person's earlier correction if any."""
    initial = {}
    if correction is not None:
        initial = {
            "status": correction.status,
            "company": correction.company,
            "position": correction.position,
        }
    return EmailCorrectionForm(initial=initial, prefix=prefix)


def _merge_query(request: HttpRequest) -> str:
    # ?merge_q= narrows the merge form's choices (a GET form: no JavaScript needed).
    return request.GET.get("merge_q", "").strip()[:200]


def _merge_form(
    request: HttpRequest, application: JobApplication, data: QueryDict | None = None
) -> MergeForm:
    others = JobApplication.objects.for_user(request_user(request))
    query = _merge_query(request)
    return MergeForm(data, application=application, others=others, query=query, prefix="merge")


def _render_detail(
    request: HttpRequest,
    application: JobApplication,
    *,
    app_form: ApplicationCorrectionForm | None = None,
    merge_form: MergeForm | None = None,
    email_form: EmailCorrectionForm | None = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    user = request_user(request)
    context = {
        **detail_context(application, **(extra or {})),
        "application": application,
        "timeline": _timeline(user, application, email_form),
        "app_form": app_form or ApplicationCorrectionForm.for_application(application),
        "merge_form": merge_form or _merge_form(request, application),
        "merge_query": _merge_query(request),
        "app_form_open": app_form is not None,
        "merge_form_open": merge_form is not None,
    }
    return render(request, "tracker/detail.html", context, status=status)


def render_detail(
    request: HttpRequest, application: JobApplication, *, forms: dict[str, Any]
) -> HttpResponse:
    """The application page with a workflow form bound (``note_form``, ...), as a 400."""
    return _render_detail(request, application, status=400, extra=forms)


@require_GET
@login_required
def application_detail(request: HttpRequest, application_id: str) -> HttpResponse:
    return _render_detail(request, application_or_404(request_user(request), application_id))


@require_POST
@login_required
@unless_busy
def correct_application(request: HttpRequest, application_id: str) -> HttpResponse:
    application = application_or_404(request_user(request), application_id)
    form = ApplicationCorrectionForm(request.POST, prefix="app")
    if form.is_valid():
        try:
            corrections.correct_application(application, **form.cleaned_data)
        except corrections.Conflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Application updated.")
            return redirect(detail_url(application))
    return _render_detail(request, application, app_form=form, status=400)


@require_POST
@login_required
@unless_busy
def merge_application(request: HttpRequest, application_id: str) -> HttpResponse:
    user = request_user(request)
    application = application_or_404(user, application_id)
    # The form accepts only the user's own other applications.
    form = _merge_form(request, application, data=request.POST)
    if form.is_valid():
        corrections.merge(as_user_id(user), application.pk, form.cleaned_data["other"])
        messages.success(request, "Applications merged.")
        return redirect(detail_url(application))
    return _render_detail(request, application, merge_form=form, status=400)


def _email_or_404(user: User, application: JobApplication, message_id: str) -> ApplicationEmail:
    return get_object_or_404(
        ApplicationEmail, user=user, application=application, message_id=message_id
    )


@require_POST
@login_required
@unless_busy
def correct_email(request: HttpRequest, application_id: str, message_id: str) -> HttpResponse:
    user = request_user(request)
    application = application_or_404(user, application_id)
    email = _email_or_404(user, application, message_id)
    form = EmailCorrectionForm(request.POST, prefix=f"email-{email.message_id}")
    if form.is_valid():
        corrections.correct_email(as_user_id(user), email.message_id, **form.cleaned_data)
        messages.success(request, "Email corrected.")
        return after_email_change(request, application, email.message_id)
    return _render_detail(request, application, email_form=form, status=400)


@require_POST
@login_required
@unless_busy
def mark_not_job(request: HttpRequest, application_id: str, message_id: str) -> HttpResponse:
    user = request_user(request)
    application = application_or_404(user, application_id)
    email = _email_or_404(user, application, message_id)
    corrections.mark_not_job(as_user_id(user), email.message_id)
    messages.success(request, f"“{email.subject or '(no subject)'}” is not tracked any more.")
    return after_email_change(request, application, email.message_id)


@require_POST
@login_required
@unless_busy
def reset_email(request: HttpRequest, application_id: str, message_id: str) -> HttpResponse:
    user = request_user(request)
    application = application_or_404(user, application_id)
    email = _email_or_404(user, application, message_id)
    corrections.reset_email(as_user_id(user), email.message_id)
    messages.success(request, "The email is back to what the analysis says.")
    return after_email_change(request, application, email.message_id)


# --- Dashboard -----------------------------------------------------------------------------------


@require_GET
@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    owner = as_user_id(user)
    zone = zone_named(user.time_zone)
    now = timezone.now()
    range_form = DateRangeForm(request.GET)
    if not range_form.is_valid():
        return render(request, "tracker/dashboard.html", {"range_form": range_form}, status=400)
    since, until = range_form.cleaned_data.get("since"), range_form.cleaned_data.get("until")
    figures = dashboard.compute(
        owner,
        since=overview.day_start(since, zone) if since else None,
        until=overview.day_start(until + timedelta(days=1), zone) if until else None,
    )
    tracked = overview.track(owner, JobApplication.objects.for_user(owner), now=now)
    context = {
        "range_form": range_form,
        "filtered": bool(since or until),
        "workflow": overview.workflow(overview.in_range(tracked, since, until, zone), zone),
        "due": overview.due(owner, limit=10),
        "today": timezone.localdate(),
        "upcoming": interviews.upcoming(user, now),
        "figures": figures,
        "funnel_chart": charts.funnel(figures.funnel),
        "weekly_chart": charts.weekly(figures.weekly),
        "response_chart": charts.response_days(figures.response_days),
    }
    return render(request, "tracker/dashboard.html", context)


@require_GET
@login_required
def not_job_list(request: HttpRequest) -> HttpResponse:
    """The emails the person took out of the tracker, each with a way to put it back."""
    user = request_user(request)
    marked = Correction.objects.filter(user=user, not_job=True).order_by("-updated_at")
    ids = list(marked.values_list("message_id", flat=True))
    subjects = dict(
        Message.objects.for_user(user).filter(gmail_id__in=ids).values_list("gmail_id", "subject")
    )
    rows = [{"message_id": i, "subject": subjects.get(i), "url": mail_url(i)} for i in ids]
    return render(request, "tracker/not_job.html", {"rows": rows})


@require_POST
@login_required
def restore_email(request: HttpRequest, message_id: str) -> HttpResponse:
    """Undo "not a job email": the analysis decides again where the email belongs."""
    user = request_user(request)
    get_object_or_404(Correction, user=user, message_id=message_id, not_job=True)
    try:
        corrections.reset_email(as_user_id(user), message_id)
    except corrections.TrackerBusy:
        messages.error(request, "Your applications are being updated. Try again shortly.")
        return redirect("tracker:not_job_list")
    now_in = application_of(user, message_id)
    if now_in is None:
        messages.info(request, "Restored; the analysis does not take it for a job email.")
        return redirect("tracker:not_job_list")
    messages.success(request, "The email is back in the tracker.")
    return redirect(detail_url(now_in))
