"""Downloading a message's file: fetched from Gmail when asked, never stored, never inline.

``GET /mails/<id>/attachments/<n>`` (the n-th of ``Message.attachments``) fetches the
message (``messages.get format=full``) and, unless Gmail inlined the bytes, the part
(``messages.attachments.get``), both through the quota-bound seam, and sends it as a
download: ``Content-Disposition: attachment`` with an RFC 6266 ``filename*``, the type the
mail declared (or ``application/octet-stream`` when it is not a plain ``type/subtype``),
``X-Content-Type-Options: nosniff`` and a CSP sandbox, so nothing in it runs on our origin.
Another person's message is a 404, like a message that does not exist.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts import google
from accounts.errors import GoogleError, UnrecoverableError
from accounts.models import User
from mailbox_project import redis_outage
from mails import reading
from mails.gmail import GmailClient, MessageGone, RateLimited
from mails.models import Message

logger = logging.getLogger(__name__)
# Gmail cannot be asked now: Google failed, or Redis (the quota bucket every call takes) is down.
UNREACHABLE: tuple[type[Exception], ...] = (GoogleError, *redis_outage.ERRORS)

_MIME_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
# Types a browser would render or run if it ever ignored the attachment disposition.
_ACTIVE_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
)


def safe_content_type(mime_type: str) -> str:
    """Return the declared type when it is a plain, passive ``type/subtype``."""
    mime_type = mime_type.strip().lower()
    if not _MIME_TYPE.match(mime_type) or mime_type in _ACTIVE_TYPES:
        return "application/octet-stream"
    return mime_type


def _filename(name: str, index: int) -> str:
    # Path separators and control characters never reach the browser's save dialog.
    cleaned = "".join(c for c in name if c.isprintable() and c not in "/\\").strip(" .")
    return cleaned or f"attachment-{index + 1}"


@require_GET
@login_required
def download(request: HttpRequest, gmail_id: str, index: int) -> HttpResponse:
    """Send the message's ``index``-th file (404: not yours, no such file, gone from Gmail)."""
    user = request.user
    assert isinstance(user, User)
    mail = Message.objects.for_user(user).only("gmail_id", "attachments")
    message = get_object_or_404(mail, gmail_id=gmail_id)
    if not 0 <= index < len(message.attachments):
        raise Http404("No such attachment.")
    if user.needs_reconnect or not google.has_credentials(user):
        # Mailbox keeps files' names only; without Google there is nothing to fetch them from.
        return _unavailable("Connect Google to download files.", None, 409)
    try:
        client = GmailClient(user)
        files = reading.file_parts(reading.fetch_payload(user, gmail_id, client))
        part = reading.find_file(files, message.attachments, index)
        data = reading.file_bytes(client, gmail_id, part)
    except (MessageGone, LookupError) as exc:
        raise Http404("This file is no longer in Gmail.") from exc
    except RateLimited as exc:
        return _unavailable("Gmail is busy: try again in a minute.", exc.retry_after or 30)
    except UnrecoverableError as exc:
        logger.warning("attachment of %s refused: %s", gmail_id, exc.reason)
        return _unavailable("Mailbox cannot read this message from Gmail now.", None, 502)
    except UNREACHABLE as exc:
        # Redis down: the quota bucket every Gmail call goes through cannot be read.
        logger.warning("attachment of %s not fetched: %s", gmail_id, type(exc).__name__)
        return _unavailable("Gmail could not be reached: try again shortly.", 30)
    return _file_response(data, part.mime_type, _filename(part.filename, index))


def _file_response(data: bytes, mime_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=safe_content_type(mime_type))
    response["Content-Disposition"] = content_disposition(filename)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs in an opaque origin with nothing allowed.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _ascii(char: str) -> str:
    """Return ``char`` without its accents ("é" -> "e"), or "_" when nothing ASCII is left."""
    return unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode() or "_"


def content_disposition(filename: str) -> str:
    """Return an RFC 6266 attachment header: an ASCII ``filename`` for old browsers and the
    exact name as ``filename*`` (RFC 8187 UTF-8, percent-encoded)."""
    folded = "".join(_ascii(c) for c in filename)
    fallback = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in folded).strip()
    fallback = fallback or "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _unavailable(message: str, retry_after: float | None, status: int = 503) -> HttpResponse:
    response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=status)
    if retry_after is not None:
        response["Retry-After"] = str(int(retry_after))
    return response
