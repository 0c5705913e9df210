"""An independent reading of a message's part tree, to check the emulator's payload against.

It walks Python's ``email`` package with ``policy.default`` (header values unfolded and
RFC 2047-decoded by the header registry's unstructured header, content decoded by the
content manager), not
the compat32 walk and the hand-written decoder that ``google_emulator.mime`` uses.  Each
part becomes a flat record, listed in ``partId`` order, so a mismatch names its part.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, fields
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from google_emulator.mime import ATTACHMENT_INLINE_LIMIT

_PARSER = BytesParser(policy=policy.default)


@dataclass(frozen=True, slots=True)
class PartView:
    """The fields of one part that Gmail's documented structure fixes."""

    part_id: str
    mime_type: str
    filename: str
    headers: tuple[tuple[str, str], ...]
    size: int
    fetched_separately: bool


def reference_parts(raw: bytes) -> list[PartView]:
    """Return the reference view of every part of ``raw``."""
    msg = _PARSER.parsebytes(raw)
    assert isinstance(msg, EmailMessage)  # policy.default's message factory
    parts: list[PartView] = []
    _walk(msg, "", parts)
    return parts


def emulator_parts(payload: dict[str, Any]) -> list[PartView]:
    """Return the same view of an emulator ``format=full`` payload."""
    parts: list[PartView] = []
    _flatten(payload, parts)
    return parts


def part_mismatches(expected: list[PartView], served: list[PartView]) -> list[str]:
    """Return one line per part field that differs (and for a different part count)."""
    problems = [f"{len(served)} parts, expected {len(expected)}"] * (len(expected) != len(served))
    for want, got in zip(expected, served, strict=False):
        for field in fields(PartView):
            if getattr(want, field.name) != getattr(got, field.name):
                problems.append(f"part {want.part_id!r} {field.name}")
    return problems


def _flatten(node: dict[str, Any], out: list[PartView]) -> None:
    body = node["body"]
    if "data" in body:  # the size Gmail states must be that of the data it sends
        assert len(base64.urlsafe_b64decode(body["data"])) == body["size"], node["partId"]
    out.append(
        PartView(
            node["partId"],
            node["mimeType"],
            node["filename"],
            tuple((h["name"], h["value"]) for h in node["headers"]),
            body["size"],
            "attachmentId" in body,
        )
    )
    for child in node.get("parts", []):
        _flatten(child, out)


def _walk(msg: EmailMessage, part_id: str, out: list[PartView]) -> None:
    mime_type = msg.get_content_type()
    filename = _text(msg.get_filename) or ""
    headers = tuple((name, _header_text(value)) for name, value in msg.raw_items())
    children = msg.get_payload() if mime_type.startswith("multipart/") else None
    if isinstance(children, list):
        out.append(PartView(part_id, mime_type, filename, headers, 0, False))
        prefix = f"{part_id}." if part_id else ""
        for index, child in enumerate(children):
            _walk(child, f"{prefix}{index}", out)
        return
    size = len(_body_bytes(msg, mime_type, filename))
    attachment_like = bool(filename) or msg.get_content_disposition() == "attachment"
    attachment_like = attachment_like or not mime_type.startswith("text/")
    separate = attachment_like and size > ATTACHMENT_INLINE_LIMIT
    out.append(PartView(part_id, mime_type, filename, headers, size, separate))
    enclosed = msg.get_payload() if mime_type in ("message/rfc822", "message/global") else None
    if isinstance(enclosed, list) and len(enclosed) == 1:
        # Gmail nests an attached message's own tree under it, its top part numbered ".0".
        _walk(enclosed[0], f"{part_id}.0" if part_id else "0", out)


def _header_text(value: str) -> str:
    # Gmail gives a header as sent, only unfolded and with encoded-words decoded; it
    # does not re-render structured values (quotes, comments, spacing) as policy.default's
    # str() of a header would.  So every value goes through the unstructured header
    # class, which unfolds and decodes without restructuring.
    unfolded = "".join(value.splitlines())
    text = str(policy.default.header_factory("X-Reference", unfolded))
    # 8-bit bytes come back as surrogate escapes: Gmail shows them as UTF-8 or U+FFFD.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _text(read: Any) -> str | None:
    try:
        value = read()
    except Exception:  # noqa: BLE001 - broken parameters: Gmail shows no filename
        return None
    return value if isinstance(value, str) else None


def _body_bytes(msg: EmailMessage, mime_type: str, filename: str) -> bytes:
    if mime_type == "message/rfc822" or msg.is_multipart():
        inner = msg.get_payload()
        if isinstance(inner, list):  # the enclosed message, as its bytes
            return b"".join(m.as_bytes(policy=policy.compat32) for m in inner)
    if mime_type.startswith("text/") and not filename:
        try:  # text is served as UTF-8, whatever charset it was sent in
            return str(msg.get_content()).encode("utf-8", "surrogateescape")
        except (LookupError, KeyError, ValueError, AssertionError):
            pass
    data = msg.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""
