"""What parsing produces: the content of an RFC 822 message, and a whole stored message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

# Recorded on every stored message (``parser_version``). Raise it whenever a change here would
# store a message differently (a new field, a better decoding): ``mails.refetch`` then fetches
# the messages stored by an older version again, so old mail gains what new mail has.
#   0  stored before versions were recorded: maybe no recipients' names, Delivered-To or
#      HTML-only text (mails 0008, 0009)
#   1  all of those
#   2  links: the http(s) targets of the HTML parts' <a href> (has:youtube finds "click here")
#   3  CJK text under another CJK label, and double-encoded UTF-8, read right (noted)
#   4  the Message-IDs an email answers (References, In-Reply-To): the tracker's reply links
#   5  ISO-2022-JP as Windows mailers write it (NEC's ①, №, ㈱ and IBM's extensions) read;
#      a forward of a forward shows the innermost text; a file sent as an alternative is
#      listed; bare local users before an address are recipients each
#   6  a name with no address ("From: Mail Delivery Subsystem", "Jane Doe <>") is the
#      sender's or recipient's name, no longer its first word taken for a local address
PARSER_VERSION = 6

# The stored flags and the Gmail label each mirrors: a flag is true exactly when its label is on.
FLAG_LABELS = {"is_unread": "UNREAD", "is_starred": "STARRED"}


def label_flags(label_ids: Iterable[str]) -> dict[str, bool]:
    """Return the flags derived from a message's labels: the one place "unread" is decided."""
    labels = set(label_ids)
    return {flag: label in labels for flag, label in FLAG_LABELS.items()}


class MessageParseError(ValueError):
    """The input is not a Gmail message at all (not a mapping, or no message id)."""


class Attachment(TypedDict):
    """One attached file, as ``Message.attachments`` stores it."""

    filename: str
    size: int
    mime_type: str


@dataclass(frozen=True, slots=True)
class ParsedContent:
    """The fields Mailbox keeps from an email's headers and MIME body."""

    from_name: str = ""
    from_address: str = ""
    to_addresses: list[str] = field(default_factory=list)
    cc_addresses: list[str] = field(default_factory=list)
    bcc_addresses: list[str] = field(default_factory=list)
    subject: str = ""
    date_header: datetime | None = None
    rfc822_message_id: str = ""
    list_id: str = ""
    body_text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    # A short note of everything that went wrong; '' when nothing did.
    parse_error: str = ""
    # Display names of the recipients (for to:/cc:/bcc: search), and the Delivered-To and
    # X-Original-To addresses (deliveredto:).
    to_names: list[str] = field(default_factory=list)
    cc_names: list[str] = field(default_factory=list)
    bcc_names: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    # Text of the HTML alternative that the shown plain text lacks: searched, never shown.
    alternative_text: str = ""
    # The http(s) targets of the HTML parts' links (``<a href>``), for has:youtube and friends.
    links: list[str] = field(default_factory=list)
    # The Message-IDs the email answers (References, then In-Reply-To): the tracker links a
    # reply to the application of the mail it answers, even in another Gmail thread.
    references: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """One Gmail message as ``mails.models.Message`` stores it (without user and synced_at)."""

    gmail_id: str
    thread_id: str
    history_id: int
    internal_date: datetime
    label_ids: list[str]
    from_name: str
    from_address: str
    to_addresses: list[str]
    cc_addresses: list[str]
    bcc_addresses: list[str]
    subject: str
    date_header: datetime | None
    rfc822_message_id: str
    list_id: str
    snippet: str
    body_text: str
    attachments: list[Attachment]
    size_estimate: int
    parse_error: str
    to_names: list[str] = field(default_factory=list)
    cc_names: list[str] = field(default_factory=list)
    bcc_names: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    alternative_text: str = ""
    links: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    parser_version: int = PARSER_VERSION

    @property
    def is_unread(self) -> bool:
        return label_flags(self.label_ids)["is_unread"]

    @property
    def is_starred(self) -> bool:
        return label_flags(self.label_ids)["is_starred"]
