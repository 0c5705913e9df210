"""Pages of the person's workflow: add and edit by hand, notes, next action, attach and detach,
the board, tracker settings and the calendar feed.

Server-rendered and usable without JavaScript (the board's drag and drop is an enhancement
over a form per card); every POST carries a CSRF token; every lookup is the signed-in user's
(another user's application, note or email is a 404). Bad input re-renders the page with the
form's errors as a 400.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from bson import ObjectId
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from mailbox_project.ids import user_id as as_user_id
from tracker import board, corrections, feed, interviews, manual, overview
from tracker.detail_context import attach_choices
from tracker.forms import (
    ApplicationForm,
    AttachForm,
    MoveForm,
    NextActionForm,
    NoteForm,
    TrackerSettingsForm,
)
from tracker.models import ApplicationEmail, JobApplication
from tracker.view_helpers import application_or_404, detail_url
from tracker.views import render_detail

BUSY = "Your applications are being updated. Try again shortly."
# Interview emails read per click of "Look for interviews now".
INTERACTIVE_SCAN = 25


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _unless_busy(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A change that waited too long for the tracker's lock becomes a "try again" message."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except corrections.TrackerBusy:
            messages.error(request, BUSY)
            return redirect(request.path if request.method == "GET" else reverse("tracker:list"))

    return wrapper


# --- Add, edit, delete --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@_unless_busy
def new_application(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = manual.create(
                as_user_id(_user(request)),
                company=data["company"],
                position=data["position"],
                status=data["status"],
                details=form.details(),
            )
        except corrections.Conflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Application added.")
            return redirect(detail_url(application))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "application": None}
    return render(request, "tracker/application_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@_unless_busy
def edit_application(request: HttpRequest, application_id: str) -> HttpResponse:
    application = application_or_404(_user(request), application_id)
    if request.method == "GET":
        form = ApplicationForm.for_application(application)
    else:
        form = ApplicationForm(request.POST)
        form.offer_timeline_status(application)
        if form.is_valid():
            data = form.cleaned_data
            try:
                manual.edit(
                    application,
                    company=data["company"],
                    position=data["position"],
                    status=data["status"],
                    details=form.details(),
                )
            except corrections.Conflict as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Application saved.")
                return redirect(detail_url(application))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "application": application}
    return render(request, "tracker/application_form.html", context, status=status)


@require_POST
@login_required
@_unless_busy
def delete_application(request: HttpRequest, application_id: str) -> HttpResponse:
    application = application_or_404(_user(request), application_id)
    if not manual.delete(application):
        messages.error(request, "Only an application you added, with no email on it, is deleted.")
        return redirect(detail_url(application))
    messages.success(request, "Application deleted.")
    return redirect("tracker:list")


# --- Notes and next action ----------------------------------------------------------------------


@require_POST
@login_required
def add_note(request: HttpRequest, application_id: str) -> HttpResponse:
    application = application_or_404(_user(request), application_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return render_detail(request, application, forms={"note_form": form})
    manual.add_note(application, form.cleaned_data["text"])
    messages.success(request, "Note saved.")
    return redirect(detail_url(application) + "#notes")


@require_POST
@login_required
def delete_note(request: HttpRequest, application_id: str, note_id: str) -> HttpResponse:
    application = application_or_404(_user(request), application_id)
    if not ObjectId.is_valid(note_id) or not manual.delete_note(application, ObjectId(note_id)):
        raise Http404("No such note.")
    messages.success(request, "Note deleted.")
    return redirect(detail_url(application) + "#notes")


@require_POST
@login_required
def next_action(request: HttpRequest, application_id: str) -> HttpResponse:
    application = application_or_404(_user(request), application_id)
    form = NextActionForm(request.POST)
    if not form.is_valid():
        return render_detail(request, application, forms={"next_form": form})
    manual.set_next_action(application, form.cleaned_data["action"], form.cleaned_data["due"])
    messages.success(request, "Next action saved." if application.next_action else "Cleared.")
    return redirect(_back(request, detail_url(application)))


@require_POST
@login_required
def follow_up(request: HttpRequest, application_id: str) -> HttpResponse:
    """The one-click next step of a silent application: "Follow up", due today."""
    user = _user(request)
    application = application_or_404(user, application_id)
    manual.follow_up(application, timezone.localdate())
    messages.success(request, f"“Follow up” is due today for {application.company_label}.")
    return redirect(_back(request, detail_url(application)))


def _back(request: HttpRequest, default: str) -> str:
    """Where a small form came from, when it says so (only our own paths)."""
    target = request.POST.get("next", "")
    return target if target.startswith("/applications") and "//" not in target else default


# --- Attach and detach emails -------------------------------------------------------------------


@require_POST
@login_required
@_unless_busy
def attach_email(request: HttpRequest, application_id: str) -> HttpResponse:
    application = application_or_404(_user(request), application_id)
    form = AttachForm(request.POST, choices=attach_choices(application))
    if not form.is_valid():
        return render_detail(request, application, forms={"attach_form": form})
    try:
        attached = manual.attach(application, form.cleaned_data["message_id"])
    except corrections.Conflict as exc:
        form.add_error(None, str(exc))
        return render_detail(request, application, forms={"attach_form": form})
    if attached:
        messages.success(request, "Email attached.")
    else:
        messages.error(request, "The email could not be attached here.")
    return redirect(detail_url(application) + "#timeline")


@require_POST
@login_required
@_unless_busy
def detach_email(request: HttpRequest, application_id: str, message_id: str) -> HttpResponse:
    user = _user(request)
    application = application_or_404(user, application_id)
    on_it = ApplicationEmail.objects.filter(
        user=user, application=application, message_id=message_id
    )
    if not on_it.exists():
        raise Http404("No such email on this application.")
    where = manual.detach(application, message_id)
    if where == "analysis":
        messages.success(request, "Detached: the email is back where its analysis puts it.")
    else:
        messages.success(request, "Detached: the email is off the tracker (see Not job emails).")
    if JobApplication.objects.for_user(user).filter(pk=application.pk).exists():
        return redirect(detail_url(application))
    return redirect("tracker:list")


# --- Board --------------------------------------------------------------------------------------


@require_GET
@login_required
def board_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mine = JobApplication.objects.for_user(user).order_by("-last_activity_at", "pk")
    rows = overview.track(as_user_id(user), mine, now=timezone.now())
    context = {"columns": board.columns(rows), "move_choices": board.MOVE_CHOICES}
    return render(request, "tracker/board.html", context)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@login_required
def move_application(request: HttpRequest, application_id: str) -> HttpResponse:
    """A board move (drag and drop, or the card's form): set the status by hand."""
    application = application_or_404(_user(request), application_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"error": "Choose a column."}, status=400)
        messages.error(request, "Choose a column to move the application to.")
        return redirect("tracker:board")
    try:
        manual.move(application, form.cleaned_data["status"])
    except (corrections.TrackerBusy, corrections.Conflict) as exc:
        text = BUSY if isinstance(exc, corrections.TrackerBusy) else str(exc)
        if _wants_json(request):
            return JsonResponse({"error": text}, status=409)
        messages.error(request, text)
        return redirect("tracker:board")
    application.refresh_from_db()
    if _wants_json(request):
        return JsonResponse({"status": application.status, "label": application.status_label})
    messages.success(request, f"{application.company_label} moved to {application.status_label}.")
    return redirect("tracker:board")


# --- Settings and the calendar feed -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = overview.settings_for(as_user_id(user))
    initial = {
        "ghost_after_days": current.ghost_after_days,
        "digest_enabled": current.digest_enabled,
    }
    form = TrackerSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        current.ghost_after_days = form.cleaned_data["ghost_after_days"]
        current.digest_enabled = form.cleaned_data["digest_enabled"]
        current.save(update_fields=["ghost_after_days", "digest_enabled"])
        messages.success(request, "Settings saved.")
        return redirect("tracker:settings")
    context = {
        "form": form,
        "has_feed": bool(current.feed_token_hash),
        "feed_created_at": current.feed_created_at,
        # Shown once, right after it was made: only its hash is stored.
        "new_feed_url": request.session.pop("tracker_feed_url", ""),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "tracker/settings.html", context, status=status)


@require_POST
@login_required
def feed_issue(request: HttpRequest) -> HttpResponse:
    token = feed.issue(as_user_id(_user(request)))
    request.session["tracker_feed_url"] = request.build_absolute_uri(feed.feed_url(token))
    messages.success(request, "A new calendar address is ready; the old one no longer works.")
    return redirect("tracker:settings")


@require_POST
@login_required
def feed_revoke(request: HttpRequest) -> HttpResponse:
    feed.revoke(as_user_id(_user(request)))
    messages.success(request, "The calendar address no longer works.")
    return redirect("tracker:settings")


@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """The feed calendar apps subscribe to: no session, the secret is the key; else 404."""
    owner = feed.owner_of(request.GET.get("token", ""))
    if owner is None:
        raise Http404("No such calendar.")
    response = HttpResponse(
        feed.render(owner, timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="applications.ics"'
    return response


@require_POST
@login_required
def scan_interviews(request: HttpRequest) -> HttpResponse:
    """Look for interview dates in mail now, rather than at the next scheduled scan."""
    # A bounded batch: each email with an invitation is one Gmail fetch inside this request;
    # the beat task reads the rest.
    found = interviews.scan(_user(request), limit=INTERACTIVE_SCAN)
    messages.success(
        request, f"Read {found.scanned} interview email(s); {found.interviews} time(s) found."
    )
    return redirect("tracker:dashboard")
