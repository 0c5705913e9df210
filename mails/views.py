"""The mailbox pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mails.models import Message


@require_GET
@login_required
def mail_list(request: HttpRequest) -> HttpResponse:
    messages = Message.objects.for_user(request.user).order_by("-internal_date")[:50]
    return render(request, "mails/list.html", {"messages": messages})
