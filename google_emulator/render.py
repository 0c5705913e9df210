"""Gmail JSON for messages, threads and labels, plus opaque page tokens.

Rendering is on the hot path of a sync (``messages.get`` in batches), so message JSON
is assembled from pieces serialised once — the parsed payload is stored as JSON bytes
when the message arrives, and each message caches its rendered bytes per format until
its labels change.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from .mailbox import HIDDEN_SYSTEM_LABELS, SYSTEM_LABELS, Mailbox, StoredMessage
from .mime import b64url

FORMATS = ("minimal", "full", "raw", "metadata")


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def message_json(message: StoredMessage, fmt: str, metadata_headers: list[str]) -> bytes:
    """Return the Gmail ``Message`` JSON for one format (``fmt`` must be valid)."""
    cacheable = not (fmt == "metadata" and metadata_headers)
    if cacheable:
        cached = message.cache.get(fmt)
        if cached is not None:
            return cached
    content = message.content
    head = f'{{"id":"{message.id}","threadId":"{message.thread_id}"'
    if message.label_ids:
        head += f',"labelIds":{_dumps(message.label_ids)}'
    head += f',"snippet":{_dumps(content.snippet)}'
    tail = f',"historyId":"{message.history_id}","internalDate":"{message.internal_date}"}}'
    size = f',"sizeEstimate":{message.size_estimate}'
    if fmt == "full":
        body = f'{head},"payload":{content.payload_json.decode()}{size}{tail}'
    elif fmt == "raw":
        body = f'{head}{size},"raw":"{b64url(message.raw)}"{tail}'
    elif fmt == "metadata":
        headers = content.headers_named(metadata_headers) if metadata_headers else content.headers
        payload = {"mimeType": content.payload.get("mimeType", "text/plain"), "headers": headers}
        body = f'{head},"payload":{_dumps(payload)}{size}{tail}'
    else:
        body = f"{head}{size}{tail}"
    data = body.encode()
    if cacheable:
        message.cache[fmt] = data
    return data


def message_dict(message: StoredMessage, fmt: str, metadata_headers: list[str]) -> Any:
    """Return the Gmail ``Message`` as data (for ``fields`` masks and threads)."""
    return json.loads(message_json(message, fmt, metadata_headers))


def label_ref(message: StoredMessage) -> dict[str, Any]:
    """Return ``{id, threadId, labelIds}`` (what modify/trash/untrash answer)."""
    out: dict[str, Any] = {"id": message.id, "threadId": message.thread_id}
    if message.label_ids:
        out["labelIds"] = list(message.label_ids)
    return out


def labels_list(mailbox: Mailbox) -> list[dict[str, Any]]:
    """Return ``labels.list`` entries: system labels, then user labels."""
    labels: list[dict[str, Any]] = []
    for label_id in SYSTEM_LABELS:
        entry: dict[str, Any] = {"id": label_id, "name": label_id, "type": "system"}
        if label_id in HIDDEN_SYSTEM_LABELS or label_id.startswith("CATEGORY_"):
            entry["messageListVisibility"] = "hide"
            entry["labelListVisibility"] = "labelHide"
        labels.append(entry)
    for label_id, name in mailbox.user_labels.items():
        labels.append(
            {
                "id": label_id,
                "name": name,
                "messageListVisibility": "show",
                "labelListVisibility": "labelShow",
                "type": "user",
            }
        )
    return labels


def label_detail(mailbox: Mailbox, label_id: str) -> dict[str, Any] | None:
    """Return ``labels.get`` for one label (with counts), or None if unknown."""
    for entry in labels_list(mailbox):
        if entry["id"] == label_id:
            return {**entry, **mailbox.label_counts(label_id)}
    return None


# -- page tokens ---------------------------------------------------------------------
# Opaque decimal strings like Gmail's, carrying a position and a fingerprint of the
# query they belong to, so a token replayed with a different query is rejected.


def fingerprint(*parts: object) -> int:
    """Return a stable 32-bit fingerprint of the query parameters."""
    return zlib.crc32(repr(parts).encode())


def encode_token(position: tuple[int, int], query_fp: int) -> str:
    """Return an opaque page token for a position (two non-negative ints)."""
    a, b = position
    check = zlib.crc32(f"{a}:{b}:{query_fp}".encode()) % 100_000
    return f"{a:020d}{b:020d}{check:05d}"


def decode_token(token: str, query_fp: int) -> tuple[int, int] | None:
    """Return the position in a page token, or None if it is not one of ours."""
    if len(token) != 45 or not token.isdigit():
        return None
    a, b, check = int(token[:20]), int(token[20:40]), int(token[40:])
    if zlib.crc32(f"{a}:{b}:{query_fp}".encode()) % 100_000 != check:
        return None
    return a, b
