"""What the tracker's views share: the signed-in user, the user's application or a 404, its
URL, the "try again" for a busy tracker, and where to go after an email's correction.

``tracker.views`` and ``tracker.review`` use these; they live here so that no view module
imports another's private helpers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from bson import ObjectId
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from accounts.models import User
from tracker import corrections
from tracker.models import ApplicationEmail, JobApplication


def request_user(request: HttpRequest) -> User:
    """Return the signed-in user of a ``login_required`` view."""
    assert isinstance(request.user, User)
    return request.user


def application_or_404(user: User, application_id: str) -> JobApplication:
    """Return the user's application by id; a malformed or someone else's id is a 404."""
    if not ObjectId.is_valid(application_id):
        raise Http404("No such application.")
    mine = JobApplication.objects.for_user(user)
    return get_object_or_404(mine, pk=ObjectId(application_id))


def detail_url(application: JobApplication | Any) -> str:
    pk = application.pk if isinstance(application, JobApplication) else application
    return reverse("tracker:detail", args=[str(pk)])


def unless_busy(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn a correction that waited too long for the tracker's lock into a "try again"."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, application_id: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, application_id, **kwargs)
        except corrections.TrackerBusy:
            messages.error(request, "Your applications are being updated. Try again shortly.")
            return redirect(reverse("tracker:detail", args=[application_id]))

    return wrapper


def application_of(user: User, message_id: str) -> Any:
    """The id of the application an email is on now, or None when it is on none."""
    return (
        ApplicationEmail.objects.filter(user=user, message_id=message_id)
        .values_list("application_id", flat=True)
        .first()
    )


def after_email_change(
    request: HttpRequest, application: JobApplication, message_id: str
) -> HttpResponse:
    """Redirect to where the email now is: this application, its new one, or the list."""
    user = request_user(request)
    now_in = application_of(user, message_id)
    if now_in is not None and now_in != application.pk:
        messages.success(request, "The email moved to another application.")
        return redirect(detail_url(now_in))
    if JobApplication.objects.for_user(user).filter(pk=application.pk).exists():
        return redirect(detail_url(application))
    messages.info(request, "That was the application's last email; the application is gone.")
    return redirect("tracker:list")
