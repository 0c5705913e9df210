"""A message's page: its conversation, the HTML shown safely, and the images choice.

``/mails/<id>`` shows the message's whole thread (``user_thread`` index), oldest first, each
message in a ``<details>``: the opened one and the newest are open. The opened message's HTML
is fetched from Gmail (``mails.reading``), sanitised (``mails.mail_html``) and shown in a
sandboxed frame served by ``mail_html_frame`` under its own CSP; ``?view=text`` shows the
stored text instead, and so does the page when the HTML cannot be had (no HTML part, Google
not connected, Gmail failing).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from csp.constants import NONE, SELF
from csp.decorators import csp
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from accounts import google
from accounts.errors import GoogleError
from accounts.models import User
from mailbox_project import redis_outage
from mails import images, mail_html, reading
from mails.annotations import Badge, badges_for
from mails.api import SEARCH_FIELDS
from mails.gmail import GmailClient, MessageGone
from mails.labels import names_for
from mails.models import Message
from mails.search import SearchError, highlight_terms, parse

logger = logging.getLogger(__name__)
# Gmail cannot be asked now: Google failed, or Redis (the quota bucket every call takes) is down.
UNREACHABLE: tuple[type[Exception], ...] = (GoogleError, *redis_outage.ERRORS)

# A conversation longer than this shows its newest messages only.
THREAD_LIMIT = 100
# The sanitised HTML is kept this long for the frame's request that follows the page's.
HTML_CACHE_SECONDS = 300
SEARCH_KEYS = ("q", "cursor", "page_size")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@dataclass(frozen=True)
class ShownHtml:
    """What the page knows of the opened message's HTML."""

    available: bool
    blocked_images: int = 0
    removed_pixels: int = 0
    problem: str = ""  # why the HTML is not shown (empty: it is, or there is none)


def _cache_key(user: User, gmail_id: str, allow_images: bool) -> str:
    return f"mail-html:{user.pk}:{gmail_id}:{int(allow_images)}"


def _sanitised(user: User, gmail_id: str, allow_images: bool) -> mail_html.SafeHtml | None:
    """Return the message's sanitised HTML (None: it has none), cached for the frame.

    Raises ``GoogleError`` subclasses when Gmail cannot give it.
    """
    key = _cache_key(user, gmail_id, allow_images)
    try:
        cached = cache.get(key)
    except redis_outage.ERRORS:
        cached = None
    if isinstance(cached, dict):
        return mail_html.SafeHtml(**cached) if cached.get("markup") is not None else None
    client = GmailClient(user)
    payload = reading.fetch_payload(user, gmail_id, client)
    markup = reading.html_of(payload, client)
    safe = None
    if markup is not None:
        inline = reading.inline_images(payload, client) if "cid:" in markup.lower() else {}
        safe = mail_html.sanitise(markup, allow_images=allow_images, inline=inline)
    value = safe.__dict__ if safe is not None else {"markup": None}
    with contextlib.suppress(*redis_outage.ERRORS):
        cache.set(key, value, HTML_CACHE_SECONDS)
    return safe


def _shown_html(user: User, message: Message, allow_images: bool) -> ShownHtml:
    if user.needs_reconnect or not google.has_credentials(user):
        return ShownHtml(False, problem="Connect Google to see this message as it was designed.")
    try:
        safe = _sanitised(user, message.gmail_id, allow_images)
    except MessageGone:
        return ShownHtml(False, problem="Gmail no longer has this message.")
    except UNREACHABLE as exc:
        # Redis down: the quota bucket every Gmail call goes through cannot be read.
        logger.warning("HTML of %s not fetched: %s", message.gmail_id, type(exc).__name__)
        return ShownHtml(False, problem="Gmail could not be reached just now.")
    if safe is None:
        return ShownHtml(False)
    return ShownHtml(True, safe.blocked_images, safe.removed_pixels)


def _images_allowed(request: HttpRequest, user: User, message: Message) -> tuple[bool, bool]:
    """Return (images shown, because the sender is remembered)."""
    remembered = images.allowed(user.pk, message.from_address)
    return remembered or request.GET.get("images") == "once", remembered


@dataclass(frozen=True)
class ThreadEntry:
    message: Message
    badges: list[Badge]
    is_focus: bool
    is_open: bool


def _thread(user: User, message: Message) -> list[ThreadEntry]:
    mail = Message.objects.for_user(user).defer(*SEARCH_FIELDS)
    newest_first = mail.filter(thread_id=message.thread_id).order_by("-internal_date", "-id")
    found = list(newest_first[:THREAD_LIMIT]) if message.thread_id else []
    if not any(m.gmail_id == message.gmail_id for m in found):
        found.append(message)
    found.sort(key=lambda m: (m.internal_date, m.gmail_id))
    badges = badges_for(user.pk, [m.gmail_id for m in found])
    newest = found[-1].gmail_id
    return [
        ThreadEntry(
            m,
            badges.get(m.gmail_id, []),
            m.gmail_id == message.gmail_id,
            m.gmail_id in (message.gmail_id, newest),
        )
        for m in found
    ]


def _search_params(request: HttpRequest) -> str:
    kept = {key: request.GET[key] for key in SEARCH_KEYS if request.GET.get(key)}
    return urlencode(kept)


def _highlights(query: str) -> list[str]:
    try:
        return highlight_terms(parse(query))
    except SearchError:
        return []


@require_GET
@login_required
def mail_detail(request: HttpRequest, gmail_id: str) -> HttpResponse:
    """One message of the user's (404 for anyone else's), in its conversation."""
    user = _user(request)
    mail = Message.objects.for_user(user).defer(*SEARCH_FIELDS)
    message = get_object_or_404(mail, gmail_id=gmail_id)
    as_text = request.GET.get("view") == "text"
    allow_images, remembered = _images_allowed(request, user, message)
    shown = ShownHtml(False) if as_text else _shown_html(user, message, allow_images)
    frame_query = "?images=1" if allow_images else ""
    context = {
        "message": message,
        "thread": _thread(user, message),
        "label_names": names_for(user.pk),
        "highlights": _highlights(request.GET.get("q", "")),
        "search_params": _search_params(request),
        "as_text": as_text,
        "html": shown,
        "frame_url": reverse("mails:html_frame", args=[gmail_id]) + frame_query,
        "images_remembered": remembered,
        "account_email": user.email,
    }
    return render(request, "mails/detail.html", context)


_FRAME_POLICY = {
    "default-src": [NONE],
    "style-src": [SELF, "'unsafe-inline'"],  # mail is styled by style attributes
    "img-src": ["data:"],
    "font-src": [NONE],
    "script-src": [NONE],
    "form-action": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [SELF],
    # The same walls as the page's sandbox attribute, should the frame be opened alone.
    "sandbox": ["allow-popups", "allow-popups-to-escape-sandbox", "allow-same-origin"],
}
_FRAME_POLICY_WITH_IMAGES = {**_FRAME_POLICY, "img-src": ["data:", "https:", "http:"]}


def _frame_response(request: HttpRequest, gmail_id: str, allow_images: bool) -> HttpResponse:
    user = _user(request)
    message = get_object_or_404(Message.objects.for_user(user).only("gmail_id"), gmail_id=gmail_id)
    problem = ""
    safe: mail_html.SafeHtml | None = None
    try:
        if user.needs_reconnect or not google.has_credentials(user):
            raise GoogleError("not connected")  # the page shows the text instead
        safe = _sanitised(user, message.gmail_id, allow_images)
    except UNREACHABLE as exc:
        logger.warning("HTML frame of %s not fetched: %s", gmail_id, type(exc).__name__)
        problem = "This message cannot be fetched from Gmail just now."
    context = {"markup": safe.markup if safe else "", "problem": problem}
    return render(request, "mails/frame.html", context)


def _frame_without_images(request: HttpRequest, gmail_id: str) -> HttpResponse:
    return _frame_response(request, gmail_id, allow_images=False)


def _frame_with_images(request: HttpRequest, gmail_id: str) -> HttpResponse:
    return _frame_response(request, gmail_id, allow_images=True)


# Each policy through django-csp's per-view decorator (typed for one-argument views: Any).
_FRAME_VIEWS: dict[bool, Any] = {
    False: csp(_FRAME_POLICY)(cast(Any, _frame_without_images)),
    True: csp(_FRAME_POLICY_WITH_IMAGES)(cast(Any, _frame_with_images)),
}


@require_GET
@login_required
@xframe_options_sameorigin
def mail_html_frame(request: HttpRequest, gmail_id: str) -> HttpResponse:
    """The sanitised HTML alone, for the message page's sandboxed frame (404 if not yours).

    Remote images load only with ``?images=1`` (the person's choice, once or remembered).
    """
    view = _FRAME_VIEWS[request.GET.get("images") == "1"]
    return cast(HttpResponse, view(request, gmail_id))


@require_POST
@login_required
def show_images(request: HttpRequest, gmail_id: str) -> HttpResponseRedirect:
    """Remember (or forget, ``action=forget``) that this message's sender's images are shown."""
    user = _user(request)
    mail = Message.objects.for_user(user).only("gmail_id", "from_address")
    message = get_object_or_404(mail, gmail_id=gmail_id)
    if request.POST.get("action") == "forget":
        images.forbid(user.pk, message.from_address)
    else:
        images.allow(user.pk, message.from_address)
    return redirect("mails:detail", gmail_id=gmail_id)
