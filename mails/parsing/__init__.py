"""Gmail API messages → the fields Mailbox stores, never crashing, keeping what can be kept.

``parse_raw_message`` reads ``users.messages.get(format="raw")``, ``parse_full_message``
reads ``format="full"``; both return a :class:`ParsedMessage`, which ``mails.store.document_of``
turns into a ``messages`` document. Only input that is not a Gmail message at all (no id)
raises :class:`MessageParseError`; everything else degrades into ``parse_error`` notes.
"""

from __future__ import annotations

from mails.parsing.api_message import parse_full_message, parse_message, parse_raw_message
from mails.parsing.result import (
    PARSER_VERSION,
    Attachment,
    MessageParseError,
    ParsedContent,
    ParsedMessage,
)
from mails.parsing.rfc822 import parse_rfc822

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
