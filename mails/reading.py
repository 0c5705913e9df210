"""What a message's page fetches from Gmail when asked: its HTML and its files.

Mailbox stores a message's text, not its HTML or its files (``mails.parsing`` keeps the plain
text and the files' names and sizes). Showing the HTML or downloading a file fetches the one
message again through the Gmail seam (``messages.get format=full``, then
``messages.attachments.get`` for a file Gmail did not inline), quota-accounted like the sync.
Nothing fetched here is stored.

Files are named on the page by their position in the stored list (``Message.attachments``,
which the parser built from the same tree); the part is found again by its name, size and
type, the n-th of equals for the n-th, since Gmail's attachment ids are not stable between
two fetches of the same message.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from mails.gmail import GmailClient, MessageGone
from mails.parsing.charsets import decode_text
from mails.parsing.notes import Notes
from mails.parsing.parts import is_attachment
from mails.parsing.payload import PayloadPart, header_pairs
from mails.parsing.result import Attachment

# The HTML of one message we are willing to sanitise and show (a newsletter is ~100 KB).
HTML_BYTES_LIMIT = 2_000_000
# The message's own images (cid:) shown inline as data: URIs, at most this many bytes in all.
INLINE_IMAGES_LIMIT = 3_000_000
INLINE_TYPES = frozenset({"image/png", "image/gif", "image/jpeg", "image/webp"})


@dataclass(frozen=True)
class FilePart:
    """One file of a fetched message: what the page shows, and how to get its bytes."""

    filename: str
    mime_type: str
    size: int
    attachment_id: str  # empty when Gmail inlined the bytes
    inline: bytes


def fetch_payload(user: User, gmail_id: str, client: GmailClient | None = None) -> dict[str, Any]:
    """Return the message's ``format=full`` body from Gmail; ``MessageGone`` if it is gone."""
    client = client or GmailClient(user)
    result = client.get_messages([gmail_id])
    if gmail_id in result.gone or gmail_id not in result.messages:
        if result.error is not None:
            raise result.error
        raise MessageGone(result.failed.get(gmail_id, "message not found"))
    return result.messages[gmail_id]


def _leaves(part: PayloadPart) -> Iterator[PayloadPart]:
    """Yield the message's leaf parts; an attached message is a leaf (its HTML and images are
    its own, not this message's body)."""
    children = part.children()
    if not children or (not part.mime_type.startswith("multipart/") and is_attachment(part)):
        yield part
        return
    for child in children:
        assert isinstance(child, PayloadPart)
        yield from _leaves(child)


def _root(message: Mapping[str, Any]) -> PayloadPart:
    return PayloadPart(message.get("payload"), "", Notes())


def html_parts(message: Mapping[str, Any]) -> list[PayloadPart]:
    """Return the message's HTML body parts (not attached ``.html`` files), in order."""
    return [
        leaf
        for leaf in _leaves(_root(message))
        if leaf.mime_type == "text/html" and not is_attachment(leaf)
    ]


def html_of(message: Mapping[str, Any], client: GmailClient | None = None) -> str | None:
    """Return the message's HTML (its HTML parts joined), or None when it has none.

    A part Gmail did not inline (a very long HTML body) is fetched by its attachment id.
    """
    parts = html_parts(message)
    if not parts:
        return None
    texts = []
    for part in parts:
        data = part.payload()
        attachment_id = _attachment_id(part)
        if not data and attachment_id and client is not None:
            data = client.get_attachment(str(message.get("id", "")), attachment_id).data
        texts.append(
            decode_text(
                data[:HTML_BYTES_LIMIT], part.charset, Notes(), part.path, gmail_normalized=True
            )
        )
    return "\n".join(texts)


def inline_images(message: Mapping[str, Any], client: GmailClient | None = None) -> dict[str, str]:
    """Return ``{content id: data: URI}`` of the message's raster image parts (what ``cid:``
    references in its HTML point at), up to ``INLINE_IMAGES_LIMIT`` bytes in all."""
    found: dict[str, str] = {}
    budget = INLINE_IMAGES_LIMIT
    for leaf in _leaves(_root(message)):
        content_id = _content_id(leaf)
        if not content_id or leaf.mime_type not in INLINE_TYPES or leaf.size() > budget:
            continue
        data = leaf.payload()
        attachment_id = _attachment_id(leaf)
        if not data and attachment_id and client is not None:
            data = client.get_attachment(str(message.get("id", "")), attachment_id).data
        if data and len(data) <= budget:
            budget -= len(data)
            found[content_id] = f"data:{leaf.mime_type};base64,{base64.b64encode(data).decode()}"
    return found


def _content_id(part: PayloadPart) -> str:
    for name, value in header_pairs(part.node):
        if name.lower() == "content-id":
            return value.strip().strip("<>").strip()
    return ""


def _attachment_id(part: PayloadPart) -> str:
    body = part.node.get("body")
    value = body.get("attachmentId") if isinstance(body, Mapping) else None
    return value if isinstance(value, str) else ""


def _file_nodes(part: PayloadPart) -> Iterator[PayloadPart]:
    """Yield the parts listed as attachments; an attached message is one file (its own
    parts, which Gmail also serves, are not this message's files: the parser agrees)."""
    if not part.mime_type.startswith("multipart/") and is_attachment(part):
        yield part
        return
    for child in part.children():
        assert isinstance(child, PayloadPart)
        yield from _file_nodes(child)


def file_parts(message: Mapping[str, Any]) -> list[FilePart]:
    """Return every part Gmail lists as an attachment, in tree order."""
    files = []
    for node in _file_nodes(_root(message)):
        attachment_id = _attachment_id(node)
        inline = b"" if attachment_id else node.payload()
        files.append(FilePart(node.filename, node.mime_type, node.size(), attachment_id, inline))
    return files


def find_file(files: Sequence[FilePart], stored: Sequence[Attachment], index: int) -> FilePart:
    """Return the fetched part that is the ``index``-th stored attachment; ``LookupError``."""
    if not 0 <= index < len(stored):
        raise LookupError(index)
    wanted = stored[index]
    key = (wanted.get("filename", ""), wanted.get("size", 0), wanted.get("mime_type", ""))
    # The n-th stored file with this name, size and type is the n-th such part.
    nth = sum(
        1
        for earlier in stored[:index]
        if (earlier.get("filename", ""), earlier.get("size", 0), earlier.get("mime_type", ""))
        == key
    )
    matches = [f for f in files if (f.filename[:500], f.size, f.mime_type) == key]
    if nth >= len(matches):
        raise LookupError(index)
    return matches[nth]


def file_bytes(client: GmailClient, gmail_id: str, part: FilePart) -> bytes:
    """Return the file's bytes: inlined by Gmail, or fetched by its attachment id."""
    if not part.attachment_id:
        return part.inline
    return client.get_attachment(gmail_id, part.attachment_id).data
