"""``/api/mails`` and ``/api/mails/<id>``: search and read mail as JSON.

Authenticated by the session cookie or an API bearer token. Results come newest first, a page
at a time; ``next_cursor`` (opaque) fetches the next page. Parameters of ``/api/mails``:

* ``q`` — a Gmail query (``from:ana has:attachment newer_than:7d``); empty means all mail.
* ``cursor`` — a ``next_cursor`` or ``prev_cursor`` from an earlier answer with the same ``q``.
* ``page_size`` — 1 to ``SEARCH_MAX_PAGE_SIZE`` (default ``SEARCH_PAGE_SIZE``).
* ``fields`` — comma-separated extras for each result; ``body`` adds ``body_text``.

Errors are ``{"error": {"code", "message"}}`` (a bad query adds ``position``): 400 for a bad
parameter, 401 unauthenticated, 404 for a message that is not the caller's, 405 for a method
other than GET, 429 (with ``Retry-After``) past the caller's ``RATE_LIMIT_API``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse, QueryDict

from accounts.api_auth import api_error, api_get_only, api_login_required
from accounts.models import User
from mails.annotations import Badge, badges_for
from mails.labels import names_for
from mails.models import Message
from mails.search.service import InvalidRequest, search

# Index data derived from the message (mails.search.index): large, and never shown.
SEARCH_FIELDS = ("search_terms", "search_text", "common_marks", "alternative_text")
# ``fields=`` values and what each adds to a list result.
EXTRA_FIELDS = {"body": "body_text"}


class BadParameter(Exception):
    """A request parameter the search never sees: not a number, an unknown field."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SearchParams:
    """A search request, as read from the query string."""

    query: str
    cursor: str | None
    page_size: int | None
    extras: frozenset[str]


def parse_search_params(params: QueryDict) -> SearchParams:
    """Return the search parameters of a request; raise ``BadParameter`` for malformed ones.

    Ranges (page size, cursor validity) are the search service's to check.
    """
    return SearchParams(
        query=params.get("q") or "",
        cursor=params.get("cursor") or None,
        page_size=_page_size(params.get("page_size")),
        extras=_extras(params.get("fields")),
    )


def _page_size(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw.strip())
    except ValueError:
        maximum = settings.SEARCH_MAX_PAGE_SIZE
        raise BadParameter(
            "bad_page_size", f"page_size must be a whole number from 1 to {maximum}."
        ) from None


def _extras(raw: str | None) -> frozenset[str]:
    names = {name.strip() for name in (raw or "").split(",") if name.strip()}
    unknown = sorted(names - EXTRA_FIELDS.keys())
    if unknown:
        allowed = ", ".join(sorted(EXTRA_FIELDS))
        raise BadParameter(
            "bad_fields", f"Unknown fields value {', '.join(unknown)!s}; allowed: {allowed}."
        )
    return frozenset(names)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def invalid_request_error(exc: InvalidRequest) -> JsonResponse:
    """Return the 400 answer for a request the search service refused."""
    error: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.position is not None:
        error["position"] = exc.position
    return JsonResponse({"error": error}, status=400)


def _badge_json(badge: Badge) -> dict[str, str]:
    return {"label": badge.label, "css_class": badge.css_class, "title": badge.title}


def _attachment_json(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": item.get("filename", ""),
        "size": item.get("size", 0),
        "type": item.get("mime_type", ""),
    }


def message_json(
    message: Message,
    *,
    label_names: Mapping[str, str],
    badges: Sequence[Badge],
    include_body: bool = False,
) -> dict[str, Any]:
    """Return one message as a list result (``body_text`` only when ``include_body``)."""
    attachments = message.attachments or []
    data: dict[str, Any] = {
        "id": message.gmail_id,
        "thread_id": message.thread_id,
        "from": {"name": message.from_name, "address": message.from_address},
        "to": list(message.to_addresses),
        "cc": list(message.cc_addresses),
        "subject": message.subject,
        "snippet": message.snippet,
        "date": message.internal_date.isoformat(),
        "labels": [label_names.get(label_id, label_id) for label_id in message.label_ids],
        "is_unread": message.is_unread,
        "is_starred": message.is_starred,
        "has_attachment": bool(attachments),
        "attachments": [_attachment_json(item) for item in attachments],
        "size": message.size_estimate,
        "gmail_url": message.gmail_url,
        "badges": [_badge_json(badge) for badge in badges],
    }
    if include_body:
        data["body_text"] = message.body_text
    return data


def message_detail_json(
    message: Message, *, label_names: Mapping[str, str], badges: Sequence[Badge]
) -> dict[str, Any]:
    """Return one message with everything the list leaves out."""
    data = message_json(message, label_names=label_names, badges=badges, include_body=True)
    data.update(
        bcc=list(message.bcc_addresses),
        rfc822_message_id=message.rfc822_message_id,
        list_id=message.list_id,
    )
    return data


@api_get_only
@api_login_required
def mail_list(request: HttpRequest) -> JsonResponse:
    """Search the caller's mail: ``{"results": [...], "next_cursor", "prev_cursor"}``."""
    user = _user(request)
    try:
        params = parse_search_params(request.GET)
        page = search(
            user,
            params.query,
            cursor=params.cursor,
            page_size=params.page_size,
            include_body="body" in params.extras,
        )
    except BadParameter as exc:
        return api_error(400, exc.code, exc.message)
    except InvalidRequest as exc:
        return invalid_request_error(exc)
    names = names_for(user.pk)
    badges = badges_for(user.pk, [message.gmail_id for message in page.messages])
    results = [
        message_json(
            message,
            label_names=names,
            badges=badges.get(message.gmail_id, []),
            include_body="body" in params.extras,
        )
        for message in page.messages
    ]
    return JsonResponse(
        {"results": results, "next_cursor": page.next_cursor, "prev_cursor": page.prev_cursor}
    )


@api_get_only
@api_login_required
def mail_detail(request: HttpRequest, gmail_id: str) -> JsonResponse:
    """One of the caller's messages by its Gmail id; 404 for anyone else's."""
    user = _user(request)
    mail = Message.objects.for_user(user).defer(*SEARCH_FIELDS)
    message = mail.filter(gmail_id=gmail_id).first()
    if message is None:
        return api_error(404, "not_found", "No message with this id.")
    badges = badges_for(user.pk, [message.gmail_id]).get(message.gmail_id, [])
    return JsonResponse(message_detail_json(message, label_names=names_for(user.pk), badges=badges))
