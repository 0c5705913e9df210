"""Gmail API messages → the fields Mailbox stores, never crashing, keeping what can be kept.

``parse_raw_message`` reads ``users.messages.get(format="raw")``, ``parse_full_message``
reads ``format="full"``; both return a :class:`ParsedMessage`, which ``mails.store.document_of``
turns into a ``messages`` document. Only input that is not a Gmail message at all (no id)
raises :class:`MessageParseError`; everything else degrades into ``parse_error`` notes.

The modules run compiled when a build of them matches (``mails.native``): its folder is
searched before this one, so it must be on ``__path__`` before any of them is imported.
"""

from __future__ import annotations

from mails.native import SYNC

SYNC.extend_path(__name__, __path__)

from mails.parsing.api_message import (  # noqa: E402  (after the path above)
    parse_full_message,
    parse_message,
    parse_raw_message,
)
from mails.parsing.result import (  # noqa: E402
    PARSER_VERSION,
    Attachment,
    MessageParseError,
    ParsedContent,
    ParsedMessage,
)
from mails.parsing.rfc822 import parse_rfc822  # noqa: E402

__all__ = [
    "PARSER_VERSION",
    "Attachment",
    "MessageParseError",
    "ParsedContent",
    "ParsedMessage",
    "parse_full_message",
    "parse_message",
    "parse_raw_message",
    "parse_rfc822",
]
