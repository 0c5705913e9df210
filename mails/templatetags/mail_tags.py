"""Template filters of the mail pages: dates like Gmail's, label chips, marked and linked text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol
from urllib.parse import quote

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mails import highlight as highlighting
from mails.annotations import Badge

register = template.Library()

# Labels every message list already shows another way (bold for unread, a star) or that only
# add noise to a row: Gmail's own search results hide them too.
_HIDDEN_LABELS = frozenset({"UNREAD", "STARRED", "IMPORTANT", "CHAT"})
_HIDDEN_PREFIXES = ("CATEGORY_",)


@register.filter
def mail_date(value: datetime | None) -> str:
    """Return the time for today's mail, "Mar 3" for this year's, "2023-03-03" for older."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    today = timezone.localdate()
    if local.date() == today:
        return f"{local:%H:%M}"
    if local.year == today.year:
        return f"{local:%b} {local.day}"
    return f"{local:%Y-%m-%d}"


@register.filter
def label_chips(label_ids: Sequence[str], names: Mapping[str, str]) -> list[str]:
    """Return the display names of the labels worth a chip, in the message's order."""
    return [
        names.get(label_id, label_id)
        for label_id in label_ids
        if label_id not in _HIDDEN_LABELS and not label_id.startswith(_HIDDEN_PREFIXES)
    ]


@register.filter
def highlight(text: str, terms: Sequence[str]) -> SafeString:
    """Escape ``text`` and mark the searched words in it."""
    return highlighting.highlight(text or "", terms or ())


@register.filter
def linkify(text: str, terms: Sequence[str]) -> SafeString:
    """Escape ``text``, mark the searched words, and link plain http(s) addresses."""
    return highlighting.linkify(text or "", terms or ())


class _HasGmailId(Protocol):
    gmail_id: str


class _ThreadEntry(Protocol):
    badges: list[Badge]


@register.filter
def gmail_link(message: _HasGmailId, account_email: str) -> str:
    """Return the message's address in Gmail, in the account that holds it (``authuser``):
    ``/u/0`` would open whichever Google account the browser signed in first."""
    account = quote(account_email or "", safe="@")
    return f"https://mail.google.com/mail/?authuser={account}#all/{quote(message.gmail_id)}"


@register.filter
def thread_badges(entries: Iterable[_ThreadEntry]) -> list[Badge]:
    """Return the badges of a conversation's messages, each once, in first-seen order."""
    seen: dict[Badge, None] = {}
    for entry in entries:
        for badge in entry.badges:
            seen.setdefault(badge, None)
    return list(seen)


@register.filter
def quoted_once(query: str) -> SafeString:
    """Return the query in quotation marks (``<q>``), unless it is one quoted phrase already:
    ``"offer letter"`` must not read as “"offer letter"”."""
    query = query or ""
    if len(query) >= 2 and query[0] == query[-1] == '"' and '"' not in query[1:-1]:
        return format_html('<span class="query">{}</span>', query)
    return format_html("<q>{}</q>", query)
