"""The batch endpoint (``POST /batch/gmail/v1`` and ``/batch``), multipart/mixed.

Request parts are ``application/http`` entities holding one HTTP request each, as
``googleapiclient.http.BatchHttpRequest`` writes them (LF or CRLF line endings);
response parts carry ``Content-ID: <response-{request Content-ID}>`` and an
``HTTP/1.1`` status line, headers, a blank CRLF line and the body — the framing the
client's ``_deserialize_response`` expects.

Each part is served by the same handler as a lone request: authenticated, charged and
fault-injected on its own, so one batch can mix 200s, 404s and 429s.  Gmail executes
a batch's parts in parallel, so they all count against the per-user concurrency limit
at once: parts beyond the limit get 429 "Too many concurrent requests for user".
"""

from __future__ import annotations

import re
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from . import errors
from .errors import ApiError
from .httpmsg import Request, Response, error_response
from .state import Emulator

MAX_PARTS = 100
_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.I)
_HEADER_LINE = re.compile(r"^([^:\r\n]+):([^\r\n]*)", re.M)
_CONTINUATION = re.compile(r"\r?\n[ \t]+")
_BAD_LINE = re.compile(r"^[ \t]*[^:\s][^:\r\n]*$", re.M)  # a non-blank line without a colon


@dataclass(slots=True)
class BatchPart:
    """One request inside a batch."""

    content_id: str | None
    request: Request


def _split_head(data: bytes) -> tuple[bytes, bytes]:
    """Split at the first blank line (CRLF CRLF or LF LF), whichever comes first."""
    candidates = [(i, n) for i, n in ((data.find(b"\r\n\r\n"), 4), (data.find(b"\n\n"), 2))]
    found = [(i, n) for i, n in candidates if i >= 0]
    if not found:
        return data, b""
    index, width = min(found)
    return data[:index], data[index + width :]


def _headers(block: bytes) -> dict[str, str]:
    """Parse header lines (one C-level regex pass: this runs twice per batch part)."""
    text = block.decode("utf-8", "replace")
    if _CONTINUATION.search(text):
        text = _CONTINUATION.sub(" ", text)
    bad = _BAD_LINE.search(text)
    if bad is not None:
        raise ValueError(f"malformed header line {bad.group(0).strip()!r}")
    return {name.lower(): value.strip() for name, value in _HEADER_LINE.findall(text)}


def parse_batch(content_type: str, body: bytes, outer: dict[str, str]) -> list[BatchPart]:
    """Return the requests in a batch body; raise ValueError if it is malformed."""
    if not content_type.lower().startswith("multipart/mixed"):
        raise ValueError("Content-Type must be multipart/mixed")
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise ValueError("multipart boundary is missing")
    delimiter = b"--" + (match.group(1) or match.group(2)).encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise ValueError("multipart body has no parts or no closing delimiter")
    inherited = {k: v for k, v in outer.items() if not k.startswith("content-")}
    inherited.pop("accept-encoding", None)
    parts = []
    for chunk in chunks[1:-1]:
        chunk = chunk.lstrip(b" \t")
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.removeprefix(b"\n")
        chunk = chunk[:-2] if chunk.endswith(b"\r\n") else chunk.removesuffix(b"\n")
        head, http = _split_head(chunk)
        part_headers = _headers(head)
        if not part_headers.get("content-type", "").lower().startswith("application/http"):
            raise ValueError("each part must be Content-Type: application/http")
        parts.append(BatchPart(part_headers.get("content-id"), _inner_request(http, inherited)))
    if not parts:
        raise ValueError("batch contains no requests")
    return parts


def _inner_request(http: bytes, inherited: dict[str, str]) -> Request:
    line_end = http.find(b"\n")
    request_line = (http if line_end < 0 else http[:line_end]).decode("utf-8", "replace").strip()
    pieces = request_line.split(" ")
    if len(pieces) not in (2, 3) or not pieces[1].startswith("/"):
        raise ValueError(f"malformed request line {request_line!r}")
    head, body = _split_head(http[line_end + 1 :] if line_end >= 0 else b"")
    headers = dict(inherited)
    headers.update(_headers(head))
    if "content-length" in headers:
        try:
            body = body[: int(headers["content-length"])]
        except ValueError:
            raise ValueError("invalid Content-Length") from None
    request = Request.from_target(pieces[0], pieces[1], headers, body)
    request.in_batch = True
    return request


def format_batch(parts: list[tuple[str | None, Response]]) -> tuple[str, bytes]:
    """Return (Content-Type, body) of a batch response."""
    boundary = "batch_" + secrets.token_urlsafe(12).replace("-", "").replace("_", "")
    out: list[bytes] = []
    for index, (content_id, response) in enumerate(parts, 1):
        cid = content_id.strip() if content_id else f"<{index}>"
        cid = f"<response-{cid[1:]}" if cid.startswith("<") else f"<response-{cid}>"
        headers = f"Content-Type: {response.content_type}\r\nVary: Origin\r\nVary: X-Origin\r\n"
        headers += "Vary: Referer\r\n"
        headers += "".join(f"{name}: {value}\r\n" for name, value in response.headers)
        out.append(
            f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: {cid}\r\n\r\n"
            f"HTTP/1.1 {response.status} {response.reason}\r\n{headers}\r\n".encode()
        )
        out.append(response.body)
        out.append(b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return f"multipart/mixed; boundary={boundary}", b"".join(out)


class BatchEndpoint:
    """Serves batch requests by routing each part through ``dispatch``."""

    def __init__(self, emulator: Emulator, dispatch: Callable[[Request], Response]) -> None:
        self.emulator = emulator
        self.dispatch = dispatch

    def handle(self, req: Request) -> Response:
        """Serve one batch request (never raises)."""
        if req.method != "POST":
            return error_response(ApiError(405, "Batch requests must be POST", "badRequest"))
        try:
            parts = parse_batch(req.headers.get("content-type", ""), req.body, req.headers)
        except ValueError as exc:
            return error_response(
                ApiError(400, f"Failed to parse batch request, error: {exc}", "badRequest")
            )
        if len(parts) > MAX_PARTS:
            message = f"Too many requests in batch: {len(parts)} > {MAX_PARTS}"
            return error_response(ApiError(400, message, "badRequest"))
        self.emulator.counters["batch_requests"] += 1
        owners = [self._owner(part.request) for part in parts]
        demand = Counter(owner for owner in owners if owner is not None)
        acquired = {email: self.emulator.gate(email).acquire(n) for email, n in demand.items()}
        granted = dict(acquired)
        try:
            self._sleep(demand)
            results = []
            for part, owner in zip(parts, owners, strict=True):
                if owner is not None and granted[owner] <= 0:
                    response = error_response(errors.rate_limited(1, 429, concurrent=True))
                    self.emulator.gate(owner).record_status(429)
                else:
                    if owner is not None:
                        granted[owner] -= 1
                    if part.request.path.startswith("/batch"):
                        message = "Nested batch requests are not allowed"
                        response = error_response(ApiError(400, message, "badRequest"))
                    else:
                        response = self.dispatch(part.request)
                results.append((part.content_id, response))
        finally:
            for email, n in acquired.items():
                self.emulator.gate(email).release(n)
        content_type, body = format_batch(results)
        return Response(200, body, content_type)

    def _owner(self, req: Request) -> str | None:
        """Return the account a part's access token belongs to (for concurrency)."""
        scheme, _, value = req.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = self.emulator.tokens.access(value.strip())
        return token.email if token is not None else None

    def _sleep(self, demand: Counter[str]) -> None:
        # Gmail runs the parts in parallel: one batch pays the added latency once.
        latency = max((self.emulator.gate(e).limits.latency_ms for e in demand), default=0.0)
        if latency:
            time.sleep(latency / 1000)
