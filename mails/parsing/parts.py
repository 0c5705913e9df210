"""One walk over a MIME tree, whichever format it came in: body text and attachments.

``format=raw`` parts (Python ``email`` messages) and ``format=full`` parts (Gmail payload
dicts) are both seen through :class:`Part`, so the two formats choose the same body and
list the same attachments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from mails.parsing.body_text import BODY_TEXT_LIMIT, cap_utf8, tidy_text
from mails.parsing.charsets import clean_str, decode_text
from mails.parsing.htmltext import MAX_LINKS, read_html
from mails.parsing.notes import Notes, part_label
from mails.parsing.result import Attachment

# Deeper or wider trees are attacks or loops (a bounce of a bounce of ...): stop, keep the rest.
MAX_DEPTH = 30
MAX_PARTS = 500
# Bytes of one text part worth decoding: enough for the 100 KB cap in any charset.
PLAIN_BYTES_LIMIT = 4 * BODY_TEXT_LIMIT
HTML_BYTES_LIMIT = 40 * BODY_TEXT_LIMIT
BODY_TYPES = ("text/plain", "text/html")
MESSAGE_TYPES = ("message/rfc822", "message/global")
# Text for programs, not readers: never a body, even when there is nothing else.
MACHINE_TEXT_TYPES = ("text/rfc822-headers", "text/calendar", "text/css", "text/javascript")


class Part(Protocol):
    """A MIME part, read defensively: no method raises."""

    @property
    def path(self) -> str:
        """Return the part's position ("1.2"), for notes."""
        ...

    @property
    def mime_type(self) -> str:
        """Return the lower-case content type, ``text/plain`` when missing."""
        ...

    @property
    def filename(self) -> str:
        """Return the decoded file name, '' when none."""
        ...

    @property
    def disposition(self) -> str:
        """Return ``attachment``, ``inline`` or ''."""
        ...

    @property
    def charset(self) -> str | None:
        """Return the declared charset label, if any."""
        ...

    @property
    def gmail_normalized(self) -> bool:
        """Return True when text bytes may have been converted to UTF-8 by Gmail."""
        ...

    def children(self) -> list[Part]:
        """Return the sub-parts of a multipart, [] when none could be parsed."""
        ...

    def payload(self) -> bytes:
        """Return the transfer-decoded bytes of a leaf."""
        ...

    def size(self) -> int:
        """Return the decoded size in bytes, as Gmail reports ``body.size``."""
        ...


@dataclass
class _Walk:
    notes: Notes
    texts: list[str] = field(default_factory=list)
    text_chars: int = 0
    attachments: list[Attachment] = field(default_factory=list)
    parts_seen: int = 0
    # Parts read only if the message has no body at all: a bounce made only of
    # delivery-status, a body sent as a named inline file, a digest of attached messages.
    spare: list[Part] = field(default_factory=list)
    # The text of HTML alternatives not shown (the plain one was): searched, not shown.
    alternative_texts: list[str] = field(default_factory=list)
    # The http(s) targets of links in every HTML part read, shown or not (in order, unique).
    links: dict[str, None] = field(default_factory=dict)

    def add_links(self, links: list[str] | dict[str, None]) -> None:
        for link in links:
            if len(self.links) >= MAX_LINKS:
                return
            self.links[link] = None


def is_attachment(part: Part) -> bool:
    """Return True for a part Gmail lists as an attachment (named, or not text)."""
    mime_type = part.mime_type
    if part.filename or part.disposition == "attachment":
        return True
    main_type = mime_type.split("/", 1)[0]
    return main_type not in ("text", "multipart", "message") or mime_type in MESSAGE_TYPES


@dataclass(frozen=True, slots=True)
class Body:
    """A MIME tree's body text, attachments, and the text of HTML alternatives not shown."""

    text: str
    attachments: list[Attachment]
    alternative_text: str = ""
    links: list[str] = field(default_factory=list)


def body_and_attachments(root: Part, notes: Notes) -> tuple[str, list[Attachment]]:
    """Return the body text (capped) and the attachments of a MIME tree."""
    body = read_body(root, notes)
    return body.text, body.attachments


def read_body(root: Part, notes: Notes) -> Body:
    """Return the body text (capped), the attachments, and the HTML alternatives' text."""
    walk = _Walk(notes)
    _visit(root, 0, walk)
    _read_spares(walk, 0)
    alternative = cap_utf8("\n\n".join(walk.alternative_texts))
    text = cap_utf8("\n\n".join(walk.texts))
    return Body(text, walk.attachments, alternative, list(walk.links))


def _read_spares(walk: _Walk, depth: int) -> None:
    """With no body found, read the spare parts in order until one gives text."""
    for part in walk.spare:
        if walk.texts:
            break
        _add_spare_text(part, walk, depth)


def _add_spare_text(part: Part, walk: _Walk, depth: int) -> None:
    """Read a spare part as the body: an attached message's own body, or the part's text."""
    if part.mime_type not in MESSAGE_TYPES:
        _add_text(part, "text/html" if part.mime_type == "text/html" else "text/plain", walk)
        return
    if depth >= MAX_DEPTH:
        walk.notes.add(f"attached messages nested deeper than {MAX_DEPTH}: cut")
        return
    inner = _Walk(walk.notes, parts_seen=walk.parts_seen)
    for child in part.children():  # the attached message; its attachments stay its own
        _visit(child, 1, inner)
    # A forward of a forward (message/rfc822 all the way down, as "forward as attachment"
    # makes it): the innermost message with a body of its own is what there is to read.
    _read_spares(inner, depth + 1)
    walk.parts_seen = inner.parts_seen
    walk.texts.extend(inner.texts)
    walk.add_links(inner.links)


def _visit(part: Part, depth: int, walk: _Walk) -> None:
    try:
        _visit_part(part, depth, walk)
    except Exception as error:  # noqa: BLE001 -- one bad part must not lose the others
        walk.notes.add(f"{part_label(part.path)}: unreadable ({type(error).__name__})")


def _visit_part(part: Part, depth: int, walk: _Walk) -> None:
    walk.parts_seen += 1
    if depth > MAX_DEPTH or walk.parts_seen > MAX_PARTS:
        walk.notes.add(f"MIME tree deeper than {MAX_DEPTH} or wider than {MAX_PARTS}: cut")
        return
    mime_type = part.mime_type
    if mime_type.startswith("multipart/"):
        _visit_multipart(part, depth, walk)
    elif is_attachment(part):
        walk.attachments.append(_attachment(part))
        if mime_type in MESSAGE_TYPES or (
            mime_type in BODY_TYPES and part.disposition != "attachment"
        ):
            walk.spare.append(part)
    elif mime_type in BODY_TYPES:
        _add_text(part, mime_type, walk)
    elif mime_type == "message/delivery-status" or (
        mime_type.startswith("text/") and mime_type not in MACHINE_TEXT_TYPES
    ):
        walk.spare.append(part)


def _visit_multipart(part: Part, depth: int, walk: _Walk) -> None:
    children = part.children()
    if not children:
        # No boundary, or none found: Gmail shows such a body as text, so do we.
        walk.notes.add(f"{part_label(part.path)}: multipart without parts, read as text")
        _add_text(part, "text/plain", walk)
    elif part.mime_type == "multipart/alternative":
        _visit_alternative(children, depth, walk)
    else:
        for child in children:
            _visit(child, depth + 1, walk)


def _visit_alternative(children: list[Part], depth: int, walk: _Walk) -> None:
    """Visit the plain-text alternative; if it yields no text, the HTML one, then the last."""
    plain = [c for c in children if _offers(c, "text/plain")]
    html = [c for c in children if _offers(c, "text/html")]
    tried: list[Part] = []
    for child in [*plain[:1], *html[-1:], children[-1]]:
        if any(child is seen for seen in tried):
            continue
        tried.append(child)
        before = len(walk.texts)
        _visit(child, depth + 1, walk)
        if len(walk.texts) > before:
            break
    if html and tried[-1] is not html[-1] and not any(html[-1] is seen for seen in tried):
        _read_alternative(html[-1], depth + 1, walk)
    for child in children:
        if not any(child is seen for seen in tried):
            _visit_for_attachments(child, depth + 1, walk)


def _read_alternative(part: Part, depth: int, walk: _Walk) -> None:
    """Keep the text of an HTML alternative that is not shown: Gmail finds words that only
    the HTML holds. Its notes and files are not this body's (the files are listed apart)."""
    aside = _Walk(Notes(), parts_seen=walk.parts_seen)
    _visit(part, depth, aside)
    walk.parts_seen = aside.parts_seen
    walk.alternative_texts.extend(aside.texts)
    walk.add_links(aside.links)


def _visit_for_attachments(part: Part, depth: int, walk: _Walk) -> None:
    """Collect the files of an alternative not shown: Gmail lists the inline images of the
    HTML alternative (multipart/related) as attachments even when the plain text is shown,
    and a file sent as an "alternative" of its own (a mailer's mistake) is still a file."""
    if not part.mime_type.startswith("multipart/"):
        if is_attachment(part):
            walk.attachments.append(_attachment(part))
        return
    aside = _Walk(walk.notes, parts_seen=walk.parts_seen)
    _visit(part, depth, aside)
    walk.parts_seen = aside.parts_seen
    walk.attachments.extend(aside.attachments)


def _offers(part: Part, mime_type: str) -> bool:
    """Return True if ``part`` is, or directly holds, a body part of ``mime_type``."""
    if part.mime_type == mime_type:
        return not is_attachment(part)
    if not part.mime_type.startswith("multipart/"):
        return False
    return any(c.mime_type == mime_type and not is_attachment(c) for c in part.children())


def _add_text(part: Part, mime_type: str, walk: _Walk) -> None:
    """Decode one body part and keep its text, unless the body is already full."""
    if walk.text_chars >= BODY_TEXT_LIMIT:
        return
    where = part_label(part.path)
    is_html = mime_type == "text/html"
    limit = HTML_BYTES_LIMIT if is_html else PLAIN_BYTES_LIMIT
    raw = decode_text(
        part.payload(), part.charset, walk.notes, where,
        gmail_normalized=part.gmail_normalized, limit=limit,
    )  # fmt: skip
    if is_html:
        read = read_html(raw)
        text = clean_str(read.text)
        walk.add_links([clean_str(link) for link in read.links])
    else:
        text = clean_str(tidy_text(raw[: 2 * BODY_TEXT_LIMIT]))
    if text:
        walk.texts.append(text)
        walk.text_chars += len(text)


def _attachment(part: Part) -> Attachment:
    return {
        "filename": clean_str(part.filename)[:500],
        "size": part.size(),
        "mime_type": part.mime_type,
    }
