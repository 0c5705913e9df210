"""The mailbox pages, sync controls and the push webhook."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from mails import push, status, tasks
from mails.models import Message, SyncState

logger = logging.getLogger(__name__)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
@login_required
def mail_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    recent = Message.objects.for_user(user).order_by("-internal_date")[:50]
    context = {"messages_page": recent, "sync": status.for_user(user)}
    return render(request, "mails/list.html", context)


@require_GET
@login_required
def sync_status(request: HttpRequest) -> JsonResponse:
    """The sync banner's data, polled by the page while a sync runs."""
    return JsonResponse(status.for_user(_user(request)))


@require_POST
@login_required
def sync_now(request: HttpRequest) -> HttpResponseRedirect:
    user = _user(request)
    if user.needs_reconnect:
        messages.error(request, "Reconnect Gmail first: Mailbox has no access to it.")
    else:
        tasks.wake(user.pk)
        messages.info(request, "Syncing now.")
    return redirect("mails:list")


@csrf_exempt  # Pub/Sub cannot send a CSRF token; it authenticates with a bearer token instead.
@require_POST
def push_notification(request: HttpRequest) -> HttpResponse:
    """Accept a Gmail push (Pub/Sub envelope) and wake that mailbox's sync; answer at once.

    Unknown or disconnected mailboxes and stale history ids are acknowledged (204) so Pub/Sub
    does not redeliver them; only a malformed body is a 400.
    """
    if not push.authenticated(request):
        return JsonResponse(
            {"error": {"code": "forbidden", "message": "Bad push credentials."}}, status=403
        )
    try:
        notification = push.decode(request.body)
    except push.BadPush as exc:
        return JsonResponse({"error": {"code": "bad_request", "message": str(exc)}}, status=400)
    user = User.objects.filter(email=notification.email, is_active=True).first()
    if user is None or user.needs_reconnect:
        return HttpResponse(status=204)
    synced_to = SyncState.objects.filter(user=user).values_list("history_id", flat=True).first()
    if synced_to is not None and notification.history_id <= synced_to:
        return HttpResponse(status=204)
    tasks.wake(user.pk)
    return HttpResponse(status=204)
