"""The MCP tools' work, synchronous (they run in a worker thread): mail search and the tracker.

Each function takes the caller's ``Principal`` and returns the text the assistant reads; a
problem the caller can fix raises ``ToolError`` with a message (a bad query names its
position). Email-derived text is quoted (``quoting.py``). Nothing here writes.

``needs_action`` and ``ghosted`` follow the tracker's own notions (a next action the person
set, or a latest stage that asks for one; ``stages.is_ghosted`` with the person's ghosting
delay); ``upcoming_interviews`` lists the interviews the tracker found (``tracker.interviews``)
and recent invitations whose time it has not found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from bson import ObjectId
from django.db.models import Q
from django.utils import timezone
from mcp.server.mcpserver.exceptions import ToolError

from accounts.models import User
from analysis.status import Status
from mailbox_project.ids import user_id as as_user_id
from mails.models import Message
from mails.search.service import InvalidRequest, search
from mcp_server.principal import Principal
from mcp_server.quoting import cut, new_nonce, preamble, quote
from oauth_server.scopes import APPLICATIONS_READ, MAIL_READ
from tracker import dashboard, interviews
from tracker.forms import ApplicationFilterForm
from tracker.models import (
    DEFAULT_GHOST_AFTER_DAYS,
    ApplicationEmail,
    JobApplication,
    TrackerSettings,
)

# Statuses that ask the person to do something next (reply, book, take a test, decide).
NEEDS_ACTION = (
    Status.INTERVIEW_INVITATION,
    Status.ASSESSMENT,
    Status.INFORMATION_REQUEST,
    Status.ACTION_REQUIRED,
    Status.OFFER,
)
# Statuses after which an application can no longer be ghosted (tracker.stages.is_ghosted).
FINAL = (Status.OFFER, Status.REJECTION, Status.WITHDRAWAL)
LIST_LIMIT = 50
MAX_READ_CHARS = 100_000


def _user(principal: Principal, scope: str) -> User:
    if scope not in principal.scopes:
        raise ToolError(f"This connection was not granted the {scope} scope.")
    user = principal.user()
    if user is None:
        raise ToolError("The Mailbox account is no longer active.")
    return user


def _when(value: Any) -> str:
    return value.isoformat() if value else "-"


def search_mail(principal: Principal, query: str, page_size: int, cursor: str | None) -> str:
    """Return one page of the caller's mail matching a Gmail query, newest first."""
    user = _user(principal, MAIL_READ)
    try:
        page = search(user, query, cursor=cursor or None, page_size=page_size)
    except InvalidRequest as exc:
        where = f" at position {exc.position}" if exc.position is not None else ""
        raise ToolError(f"Bad request{where}: {exc.message}") from None
    nonce = new_nonce()
    lines = [preamble(nonce), f"{len(page.messages)} message(s)."]
    for message in page.messages:
        sender = f"{message.from_name} <{message.from_address}>".strip()
        lines.append(f"\nid: {message.gmail_id}  date: {_when(message.internal_date)}")
        lines.append(f"from: {sender}")
        lines.append(quote(f"Subject: {message.subject}\n{message.snippet}", nonce))
    lines.append(f"\nnext_cursor: {page.next_cursor or 'none (last page)'}")
    return "\n".join(lines)


def read_message(principal: Principal, message_id: str, max_chars: int) -> str:
    """Return one of the caller's messages, its body quoted and cut to ``max_chars``."""
    user = _user(principal, MAIL_READ)
    message = (
        Message.objects.for_user(user)
        .defer("search_terms", "search_text", "common_marks", "alternative_text")
        .filter(gmail_id=message_id)
        .first()
    )
    if message is None:
        raise ToolError(f"No message with id {message_id!r} in this mailbox.")
    nonce = new_nonce()
    body, note = cut(message.body_text or "", min(max_chars, MAX_READ_CHARS))
    names = [item.get("filename", "") for item in message.attachments or []]
    quoted = f"Subject: {message.subject}\n\n{body}"
    if names:
        quoted += "\n\nAttachments: " + ", ".join(names)
    lines = [
        preamble(nonce),
        f"id: {message.gmail_id}  thread: {message.thread_id}",
        f"from: {message.from_name} <{message.from_address}>",
        f"to: {', '.join(message.to_addresses)}",
        f"cc: {', '.join(message.cc_addresses) or '-'}",
        f"date: {_when(message.internal_date)}",
        quote(quoted, nonce),
    ]
    if note:
        lines.append(note)
    return "\n".join(lines)


def _application_lines(applications: Iterable[JobApplication], nonce: str) -> list[str]:
    lines = []
    for app in applications:
        lines.append(
            f"\nid: {app.pk}  status: {app.status}  applied: {_when(app.applied_at)}  "
            f"last activity: {_when(app.last_activity_at)}  emails: {app.email_count}"
        )
        lines.append(quote(f"{app.company_label} — {app.position_label}", nonce))
    return lines


def list_applications(
    principal: Principal,
    status: str | None,
    company: str | None,
    needs_action: bool | None,
    ghosted: bool | None,
) -> str:
    """Return the caller's applications, most recent activity first, filtered."""
    user = _user(principal, APPLICATIONS_READ)
    form = ApplicationFilterForm({"status": status or "", "company": company or ""})
    if not form.is_valid():
        raise ToolError(form.error_message())
    rows = form.filter(JobApplication.objects.for_user(user))
    if needs_action is not None:
        acting = Q(status__in=[str(s) for s in NEEDS_ACTION]) | ~Q(next_action="")
        rows = rows.filter(acting) if needs_action else rows.exclude(acting)
    if ghosted is not None:
        silent_since = timezone.now() - timedelta(days=_ghost_after_days(user))
        stale = ~Q(status__in=[str(s) for s in FINAL]) & Q(last_activity_at__lt=silent_since)
        rows = rows.filter(stale) if ghosted else rows.exclude(stale)
    total = rows.count()
    nonce = new_nonce()
    lines = [preamble(nonce), f"{total} application(s); showing up to {LIST_LIMIT}."]
    lines += _application_lines(rows[:LIST_LIMIT], nonce)
    return "\n".join(lines)


def _ghost_after_days(user: User) -> int:
    chosen = TrackerSettings.objects.filter(user=user).first()
    return chosen.ghost_after_days if chosen is not None else DEFAULT_GHOST_AFTER_DAYS


def _application(user: User, application_id: str) -> JobApplication:
    found = None
    if ObjectId.is_valid(application_id):
        found = JobApplication.objects.for_user(user).filter(pk=ObjectId(application_id)).first()
    if found is None:
        raise ToolError(f"No application with id {application_id!r}.")
    return found


def get_application(principal: Principal, application_id: str) -> str:
    """Return one application and its timeline, oldest email first."""
    user = _user(principal, APPLICATIONS_READ)
    application = _application(user, application_id)
    nonce = new_nonce()
    lines = [preamble(nonce), *_application_lines([application], nonce), "\nTimeline:"]
    for email in ApplicationEmail.objects.timeline(application):
        lines.append(
            f"- {_when(email.date)}  status: {email.status}  message id: {email.message_id}"
        )
        lines.append(quote(f"From: {email.sender}\nSubject: {email.subject}", nonce))
    return "\n".join(lines)


def tracker_summary(principal: Principal) -> str:
    """Return the dashboard's figures as JSON (company names quoted)."""
    user = _user(principal, APPLICATIONS_READ)
    figures = dashboard.compute(as_user_id(user))
    nonce = new_nonce()
    summary = {
        "applications": figures.total,
        "responded": figures.responded,
        "response_rate": figures.response_rate,
        "funnel": {
            "applied": figures.funnel.applied,
            "interview": figures.funnel.interview,
            "offer": figures.funnel.offer,
        },
        "applications_per_week": {week.label: week.count for week in figures.weekly},
    }
    lines = [preamble(nonce), json.dumps(summary, indent=2), "Median days to a response:"]
    for row in figures.response_days:
        lines.append(f"- {row.median_days:g} days over {row.applications} application(s):")
        lines.append(quote(row.company, nonce))
    return "\n".join(lines)


def upcoming_interviews(principal: Principal, days: int) -> str:
    """Return the interviews of the next ``days`` days, and recent invitations without a time.

    Times come from the tracker (``tracker.interviews``: calendar invitations, then dates in the
    text); an invitation of the last ``days`` days whose time it did not find is listed after
    them, to be read with read_message.
    """
    user = _user(principal, APPLICATIONS_READ)
    now = timezone.now()
    nonce = new_nonce()
    lines = [preamble(nonce), f"Interviews in the next {days} day(s):"]
    scheduled = interviews.upcoming(user, now, days=days)
    timed = {interview.application_id for interview in scheduled}
    for interview in scheduled:
        lines.append(
            f"\n- {_when(interview.starts_at)} until {_when(interview.ends_at)}  "
            f"application: {interview.application_id}  message id: {interview.message_id}"
        )
        what = f"{interview.title}\n{interview.location}".strip()
        if what:
            lines.append(quote(what, nonce))
    if not scheduled:
        lines.append("none with a known time.")
    invited = (
        JobApplication.objects.for_user(user)
        .filter(
            status=Status.INTERVIEW_INVITATION, last_activity_at__gte=now - timedelta(days=days)
        )
        .order_by("-last_activity_at")
    )
    untimed = [application for application in invited[:LIST_LIMIT] if application.pk not in timed]
    lines.append(f"\nInvitations of the last {days} day(s) without a known time:")
    for application in untimed:
        lines += _application_lines([application], nonce)
        for email in ApplicationEmail.objects.timeline(application).filter(
            status=Status.INTERVIEW_INVITATION
        ):
            lines.append(f"  invitation {_when(email.date)}  message id: {email.message_id}")
    if not untimed:
        lines.append("none.")
    return "\n".join(lines)
