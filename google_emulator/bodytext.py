"""The text a reader is shown of a ``format=full`` payload, as Gmail and Mailbox choose it.

Restated from Mailbox's reader (``mails/parsing/parts.py``; the emulator imports nothing
from the apps) so that the snippet and the words ``q`` searches are the ones the app keeps:

* every inline text part of a mixed message is shown, one after another;
* of a ``multipart/alternative`` the plain part is shown, else the last HTML one, else the
  last part; an HTML alternative not shown is still searched (``alternative``);
* when nothing is shown, the first spare part that yields text is: an attached message's
  own text, a named inline text part, a delivery-status report or another text type.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Node = dict[str, Any]
BODY_TYPES = ("text/plain", "text/html")
MESSAGE_TYPES = ("message/rfc822", "message/global")
# Text for programs, not readers: never a body, even when there is nothing else.
MACHINE_TEXT_TYPES = ("text/rfc822-headers", "text/calendar", "text/css", "text/javascript")
MAX_DEPTH = 30
MAX_PARTS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u200b]+")
_TRAILING = re.compile(r"[ \t]+\n")
_LEADING = re.compile(r"\n[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class Shown:
    """What a reader sees (``text``) and the HTML alternatives' text searched beside it."""

    text: str
    alternative: str


@dataclass
class _Walk:
    read: Callable[[Node], bytes]
    to_text: Callable[[str], str]
    texts: list[str] = field(default_factory=list)
    spare: list[Node] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    seen: int = 0


def shown_text(payload: Node, html_to_text: Callable[[str], str]) -> Shown:
    """Return the shown text of ``payload`` and its HTML alternatives' text."""
    walk = _Walk(part_data, html_to_text)
    _visit(payload, 0, walk)
    for part in walk.spare:
        if walk.texts:
            break
        _add_spare(part, walk)
    return Shown("\n\n".join(walk.texts), "\n\n".join(walk.alternatives))


def _disposition(node: Node) -> str:
    for header in node.get("headers", []):
        if header["name"].lower() == "content-disposition":
            return str(header["value"]).split(";", 1)[0].strip().lower()
    return ""


def _is_attachment(node: Node) -> bool:
    if node.get("filename") or _disposition(node) == "attachment":
        return True
    mime_type: str = node["mimeType"]
    main_type = mime_type.split("/", 1)[0]
    return main_type not in ("text", "multipart", "message") or mime_type in MESSAGE_TYPES


def _visit(node: Node, depth: int, walk: _Walk) -> None:
    walk.seen += 1
    if depth > MAX_DEPTH or walk.seen > MAX_PARTS:
        return
    mime_type: str = node["mimeType"]
    if mime_type.startswith("multipart/"):
        _visit_multipart(node, depth, walk)
    elif _is_attachment(node):
        if mime_type in MESSAGE_TYPES or (
            mime_type in BODY_TYPES and _disposition(node) != "attachment"
        ):
            walk.spare.append(node)
    elif mime_type in BODY_TYPES:
        _add_text(node, mime_type, walk)
    elif mime_type == "message/delivery-status" or (
        mime_type.startswith("text/") and mime_type not in MACHINE_TEXT_TYPES
    ):
        walk.spare.append(node)


def _visit_multipart(node: Node, depth: int, walk: _Walk) -> None:
    children: list[Node] = node.get("parts", [])
    if not children:  # no boundary found: shown as text
        _add_text(node, "text/plain", walk)
    elif node["mimeType"] == "multipart/alternative":
        _visit_alternative(children, depth, walk)
    else:
        for child in children:
            _visit(child, depth + 1, walk)


def _offers(node: Node, mime_type: str) -> bool:
    if node["mimeType"] == mime_type:
        return not _is_attachment(node)
    if not node["mimeType"].startswith("multipart/"):
        return False
    return any(c["mimeType"] == mime_type and not _is_attachment(c) for c in node.get("parts", []))


def _visit_alternative(children: list[Node], depth: int, walk: _Walk) -> None:
    plain = [c for c in children if _offers(c, "text/plain")]
    html = [c for c in children if _offers(c, "text/html")]
    tried: list[Node] = []
    for child in [*plain[:1], *html[-1:], children[-1]]:
        if any(child is seen for seen in tried):
            continue
        tried.append(child)
        before = len(walk.texts)
        _visit(child, depth + 1, walk)
        if len(walk.texts) > before:
            break
    if html and not any(html[-1] is seen for seen in tried):
        aside = _Walk(walk.read, walk.to_text, seen=walk.seen)
        _visit(html[-1], depth + 1, aside)
        walk.seen = aside.seen
        walk.alternatives.extend(aside.texts)


def _add_spare(node: Node, walk: _Walk) -> None:
    if node["mimeType"] not in MESSAGE_TYPES:
        _add_text(node, "text/html" if node["mimeType"] == "text/html" else "text/plain", walk)
        return
    inner = _Walk(walk.read, walk.to_text, seen=walk.seen)
    for child in node.get("parts", []):
        _visit(child, 1, inner)
    walk.texts.extend(inner.texts)


def _add_text(node: Node, mime_type: str, walk: _Walk) -> None:
    raw = walk.read(node).decode("utf-8", "replace")
    text = tidy(walk.to_text(raw) if mime_type == "text/html" else raw)
    if text:
        walk.texts.append(text)


def tidy(text: str) -> str:
    """Return text with unified line ends, no control characters, blanks collapsed and at
    most one blank line, as Mailbox stores a body (so a capped body holds the same words)."""
    text = _SPACES.sub(" ", _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    text = _LEADING.sub("\n", _TRAILING.sub("\n", text))
    return _BLANK_LINES.sub("\n\n", text).strip()


def part_data(node: Node) -> bytes:
    """Return a part's inline ``data``: Mailbox never fetches a body by its attachmentId."""
    data = node.get("body", {}).get("data")
    return base64.urlsafe_b64decode(data) if isinstance(data, str) else b""
