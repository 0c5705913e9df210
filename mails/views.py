"""The mail search page and sync controls (a message's page: ``mails.message_views``; the push
webhook: ``mails.push``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from mailbox_project import ratelimit, redis_outage
from mailbox_project.mongo import get_database
from mails import status, tasks
from mails.annotations import Badge, badges_for
from mails.api import BadParameter, parse_search_params
from mails.labels import names_for
from mails.models import Message
from mails.search.service import InvalidRequest, search
from mails.templatetags.mail_tags import label_chips, mail_date

logger = logging.getLogger(__name__)

# The parameters that make a search page; a message's page links back with them.
SEARCH_KEYS = ("q", "cursor", "page_size")
# The session key of the list's "group by conversation" choice.
GROUP_SESSION_KEY = "mail_group_threads"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
@login_required
def mail_list(request: HttpRequest) -> HttpResponse:
    """Search the user's mail (the product's main page); a bad request renders with a 400,
    one past the user's ``RATE_LIMIT_SEARCH`` with a 429."""
    user = _user(request)
    query = request.GET.get("q", "")
    context: dict[str, Any] = {
        "query": query,
        "sync": status.for_user(user),
        "search_params": _search_params(request),
    }
    verdict = ratelimit.hit(request, ratelimit.Scope.SEARCH)
    if verdict.limited:
        return _rate_limited_page(request, context, verdict.retry_after)
    try:
        params = parse_search_params(request.GET)
        page = search(user, params.query, cursor=params.cursor, page_size=params.page_size)
    except (BadParameter, InvalidRequest) as exc:
        context["error"] = _error_context(query, exc)
        return render(request, "mails/list.html", context, status=400)
    first_page = params.cursor is None
    threads = _group_by_thread(request)
    context.update(
        page=page,
        rows=_rows(user, page.messages, context["search_params"], threads=threads),
        threads=threads,
        group_toggle_url=_group_toggle_url(request, not threads),
        first_page=first_page,
        older_url=_page_url(request, page.next_cursor) if page.next_cursor else None,
        # A later page always has a newer one: the first page has no cursor at all.
        newer_url=None if first_page else _page_url(request, page.prev_cursor),
    )
    return render(request, "mails/list.html", context)


def _search_params(request: HttpRequest) -> str:
    """The query string of the search page (query, page, size) to link back to it."""
    kept = {key: request.GET[key] for key in SEARCH_KEYS if request.GET.get(key)}
    return urlencode(kept)


def _page_url(request: HttpRequest, cursor: str | None) -> str:
    """The search page's URL with another cursor (none: the first page)."""
    values = {
        "q": request.GET.get("q"),
        "cursor": cursor,
        "page_size": request.GET.get("page_size"),
    }
    kept = {key: value for key, value in values.items() if value}
    return f"{request.path}?{urlencode(kept)}" if kept else request.path


def _group_by_thread(request: HttpRequest) -> bool:
    """Return whether the list groups by conversation: ``?group=threads|messages`` chooses,
    and the choice is remembered in the session."""
    choice = request.GET.get("group")
    if choice in ("threads", "messages"):
        request.session[GROUP_SESSION_KEY] = choice == "threads"
    return bool(request.session.get(GROUP_SESSION_KEY, False))


def _group_toggle_url(request: HttpRequest, threads: bool) -> str:
    kept = {"q": request.GET.get("q"), "page_size": request.GET.get("page_size")}
    values = {key: value for key, value in kept.items() if value}
    values["group"] = "threads" if threads else "messages"
    return f"{request.path}?{urlencode(values)}"


def _thread_sizes(user: User, thread_ids: list[str]) -> dict[str, int]:
    """Return how many stored messages each thread holds (on the ``user_thread`` index)."""
    if not thread_ids:
        return {}
    pipeline: list[dict[str, Any]] = [
        {"$match": {"user_id": user.pk, "thread_id": {"$in": thread_ids}}},
        {"$group": {"_id": "$thread_id", "n": {"$sum": 1}}},
    ]
    found = get_database()[Message._meta.db_table].aggregate(pipeline)
    return {str(doc["_id"]): int(doc["n"]) for doc in found}


def _newest_per_thread(found: list[Message]) -> list[Message]:
    """Keep each conversation's newest message of the page (the page is newest first)."""
    seen: set[str] = set()
    kept = []
    for message in found:
        key = message.thread_id or message.gmail_id
        if key not in seen:
            seen.add(key)
            kept.append(message)
    return kept


@dataclass(frozen=True)
class MailRow:
    """One result row, formatted here: done per row in the template (filters, an include),
    this was most of the page's time for 50 rows (bench/pages.py)."""

    message: Message
    url: str
    chips: list[str]
    badges: list[Badge]
    date_iso: str
    date_title: str
    date_short: str
    thread_size: int = 1


def _rows(
    user: User, found: list[Message], search_params: str, *, threads: bool = False
) -> list[MailRow]:
    badges = badges_for(user.pk, [message.gmail_id for message in found])
    if threads:
        # A conversation's row carries the badges of all its messages on the page.
        by_thread: dict[str, list[Badge]] = {}
        for message in found:
            merged = by_thread.setdefault(message.thread_id or message.gmail_id, [])
            merged.extend(b for b in badges.get(message.gmail_id, []) if b not in merged)
        found = _newest_per_thread(found)
        badges = {m.gmail_id: by_thread[m.thread_id or m.gmail_id] for m in found}
    sizes = _thread_sizes(user, [m.thread_id for m in found if m.thread_id]) if threads else {}
    names = names_for(user.pk)
    suffix = f"?{search_params}" if search_params else ""
    rows = []
    for message in found:
        local = timezone.localtime(message.internal_date)
        rows.append(
            MailRow(
                message=message,
                url=reverse("mails:detail", args=[message.gmail_id]) + suffix,
                chips=label_chips(message.label_ids, names),
                badges=badges.get(message.gmail_id, []),
                date_iso=local.isoformat(),
                date_title=f"{local:%a}, {local.day} {local:%b %Y, %H:%M} {local:%Z}",
                date_short=mail_date(local),
                thread_size=sizes.get(message.thread_id, 1),
            )
        )
    return rows


def _rate_limited_page(request: HttpRequest, context: dict[str, Any], wait: int) -> HttpResponse:
    message = f"Too many searches in a short time: try again in {wait} seconds."
    context["error"] = {"message": message, "code": "rate_limited", "marked": False}
    response = render(request, "mails/list.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _error_context(query: str, exc: BadParameter | InvalidRequest) -> dict[str, Any]:
    """The message, and the query split around the position the error names."""
    position = getattr(exc, "position", None)
    context: dict[str, Any] = {"message": exc.message, "code": exc.code, "marked": False}
    # Positions are 1-based; one past the end is where a query stopped too early.
    if position is not None and 1 <= position <= len(query) + 1:
        at = position - 1
        context.update(marked=True, before=query[:at], at=query[at : at + 1], after=query[at + 1 :])
    return context


@require_GET
@login_required
def sync_status(request: HttpRequest) -> JsonResponse:
    """The sync banner's data, polled by the page while a sync runs."""
    return JsonResponse(status.for_user(_user(request)))


@require_POST
@login_required
def sync_now(request: HttpRequest) -> HttpResponseRedirect:
    user = _user(request)
    wait = ratelimit.hit(request, ratelimit.Scope.SYNC_NOW)
    if wait.limited:
        messages.warning(request, f"A sync was just asked for: wait {wait.retry_after} s.")
        return redirect("mails:list")
    if user.needs_reconnect:
        messages.error(request, "Reconnect Gmail first: Mailbox has no access to it.")
        return redirect("mails:list")
    try:
        tasks.wake(user.pk)
    except redis_outage.ERRORS as exc:
        # Redis (the broker and the sync's bookkeeping) is down: nothing was queued.
        logger.warning("sync now for user %s not queued: %s", user.pk, type(exc).__name__)
        messages.error(request, "Sync cannot be queued now: try again shortly.")
    else:
        messages.info(request, "Syncing now.")
    return redirect("mails:list")
