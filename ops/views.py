"""The admin's System page: database, caches, queues, sync, analysis and backups at a glance."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mailbox_project.mongo import get_database
from ops.stats import collect


@require_GET
@staff_member_required
def system_page(request: HttpRequest) -> HttpResponse:
    figures = collect(get_database())
    return render(
        request,
        "ops/system.html",
        {"f": figures, "title": "System", "site_header": "Mailbox administration"},
    )
