"""A Gmail batch request whose multipart body is written and read with plain string work.

``googleapiclient.http.BatchHttpRequest`` writes each part with ``email.generator`` (header
folding per header) and reads the answer with ``email.feedparser`` twice (the multipart, then
each part's HTTP response, body included, line by line). Measured by bench/sync.py, that was
0.6 ms of the sync's CPU per fetched message, as much as parsing the message itself, all of it
under the GIL the parser needs. The wire format is unchanged
(https://developers.google.com/workspace/gmail/api/guides/batch); anything that is not the
plain shape Google and the emulator send (folded headers, a missing boundary) is handed to
the library's own code, so this only ever takes the common path faster.
"""

from __future__ import annotations

import copy
import re
import urllib.parse
import uuid
from typing import Any

import httplib2
from googleapiclient import _auth
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest, HttpRequest

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)
_CONTENT_ID = re.compile(rb"^content-id:[ \t]*(.*?)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
_UNSAFE = re.compile(r"[\r\n]")
Reply = tuple[httplib2.Response, bytes]


class LeanBatchHttpRequest(BatchHttpRequest):  # type: ignore[misc]  # untyped library class
    """``BatchHttpRequest`` with the same requests, callbacks and 401 handling, less CPU."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The text of a template's request (the id a placeholder), by what else it depends on.
        self._serialized: dict[tuple[object, ...], str] = {}

    def _serialize_request(self, request: HttpRequest) -> str:
        """Return the request in ``application/http`` form, as the library writes it.

        A request ``GetRequests`` made is its template's text with the id put in: the batch's
        requests differ only in the id, and writing each out (URL split, headers, checks)
        was a quarter of a fetch thread's CPU.
        """
        headers = dict(request.headers)
        if request.http is not None:
            credentials = _auth.get_credentials_from_http(request.http)
            if credentials is not None:
                _auth.apply_credentials(credentials, headers)
        made = getattr(request, MADE_FROM, None)
        if made is not None:
            template_uri, message_id = made
            # Unless the request was changed after it was made (it never is, here).
            if request.uri == template_uri.replace(_PLACEHOLDER, message_id, 1):
                key = (template_uri, request.method, request.body, *headers.items())
                text = self._serialized.get(key)
                if text is None:
                    text = self._plain_text(request, template_uri, headers)
                    if text is not None and text.count(_PLACEHOLDER) == 1:
                        self._serialized[key] = text
                if text is not None and text.count(_PLACEHOLDER) == 1:
                    return text.replace(_PLACEHOLDER, message_id, 1)
        text = self._plain_text(request, request.uri, headers)
        if text is None:
            return str(super()._serialize_request(request))  # the library's own escaping
        return text

    @staticmethod
    def _plain_text(request: HttpRequest, uri: str, headers: dict[str, str]) -> str | None:
        """Return the request to ``uri`` with ``headers`` written out; None if a line would
        need escaping (a CR or LF in it)."""
        parsed = urllib.parse.urlparse(uri)
        target = urllib.parse.urlunparse(("", "", parsed.path, parsed.params, parsed.query, ""))
        headers = dict(headers)
        content_type = headers.pop("content-type", "application/json")
        lines = [f"{request.method} {target} HTTP/1.1", f"Content-Type: {content_type}"]
        lines.append("MIME-Version: 1.0")
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        lines.append(f"Host: {parsed.netloc}")
        if request.body is not None:
            lines.append(f"content-length: {len(request.body)}")
        if any(_UNSAFE.search(str(line)) for line in lines):
            return None
        return "\n".join(lines) + "\n\n" + (request.body or "")

    def _execute(self, http: Any, order: list[str], requests: dict[str, HttpRequest]) -> None:
        """Send ``requests`` as one multipart POST and keep each part's (response, content)."""
        boundary = f"batch_{uuid.uuid4().hex}"
        parts = [
            f"--{boundary}\nContent-Type: application/http\nMIME-Version: 1.0\n"
            f"Content-Transfer-Encoding: binary\nContent-ID: {self._id_to_header(request_id)}"
            f"\n\n{self._serialize_request(requests[request_id])}\n"
            for request_id in order
        ]
        body = "".join(parts) + f"--{boundary}--\n"
        headers = {"content-type": f'multipart/mixed; boundary="{boundary}"'}
        resp, content = http.request(self._batch_uri, method="POST", body=body, headers=headers)
        if resp.status >= 300:
            raise HttpError(resp, content, uri=self._batch_uri)
        replies = read_batch(resp.get("content-type", ""), content)
        if replies is None:
            self._read_as_library(resp, content)  # not the plain shape: the library reads it
            return
        for content_id, reply in replies:
            self._responses[self._header_to_id(content_id)] = reply

    def _read_as_library(self, resp: httplib2.Response, content: bytes) -> None:
        """Read a batch response the library's way (FeedParser), without sending anything."""
        # BatchHttpRequest._execute sends and reads in one method: it is given an HTTP object
        # that answers with the response at hand, and no requests to write.
        BatchHttpRequest._execute(self, _Answered(resp, content), [], {})


class _Answered:
    """An HTTP object whose one answer is already known."""

    def __init__(self, resp: httplib2.Response, content: bytes) -> None:
        self.answer = (resp, content)

    def request(self, *args: Any, **kwargs: Any) -> tuple[httplib2.Response, bytes]:
        return self.answer


def read_batch(content_type: str, content: bytes) -> list[tuple[str, Reply]] | None:
    """Return (Content-ID, (response, body)) of each part; None if the shape is not plain."""
    match = _BOUNDARY.search(content_type)
    if match is None or not content_type.lower().startswith("multipart/"):
        return None
    delimiter = b"--" + (match.group(1) or match.group(2)).encode("ascii", "replace")
    chunks = content.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        return None
    replies = []
    for chunk in chunks[1:-1]:
        reply = _read_part(chunk)
        if reply is None:
            return None
        replies.append(reply)
    return replies


def _read_part(chunk: bytes) -> tuple[str, Reply] | None:
    """Return one part's Content-ID and HTTP response; None if it is not the plain shape."""
    # The line break before a delimiter belongs to it (RFC 2046 §5.1.1), as does the one
    # that ends the delimiter's own line.
    chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.removeprefix(b"\n")
    chunk = chunk[:-2] if chunk.endswith(b"\r\n") else chunk.removesuffix(b"\n")
    head, separator, payload = chunk.partition(b"\r\n\r\n")
    if not separator or b"\n\n" in head:
        return None
    found = _CONTENT_ID.search(head)
    response = _read_response(payload)
    if found is None or response is None:
        return None
    return found.group(1).decode("latin-1"), response


def _read_response(payload: bytes) -> Reply | None:
    """Return an ``application/http`` response as ``_deserialize_response`` would read it."""
    try:
        return _read_plain_response(payload)
    except (UnicodeDecodeError, ValueError):
        return None  # odd bytes or an odd version: never an error here, the library reads it


def _read_plain_response(payload: bytes) -> Reply | None:
    head, separator, body = payload.partition(b"\r\n\r\n")
    if not separator:
        return None
    lines = head.decode("utf-8").split("\r\n")
    status_line = lines[0].split(" ", 2)
    if len(status_line) != 3 or not status_line[1].isdigit() or "/" not in status_line[0]:
        return None
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name[0] in " \t" or name != name.strip():
            return None  # a folded or broken header: the library knows how it reads those
        fields[name.lower()] = value.lstrip(" \t")
    fields["status"] = status_line[1]
    response = httplib2.Response(fields)
    response.reason = status_line[2]
    response.version = int(status_line[0].split("/", 1)[1].replace(".", ""))
    return response, body


# A message id that stands for itself in a URL path: Gmail's are hex.
_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_PLACEHOLDER = "ID0OF0THE0MESSAGE0ID"
# Set on a request ``GetRequests`` made from its template: (the template's URI, the id).
MADE_FROM = "mailbox_made_from"


class GetRequests:
    """``messages.get`` requests of one shape for many ids, from one the library built.

    The discovery client spends 66 us building each request (URL template, query, headers),
    and 1.5 ms building the ``users().messages()`` resource per batch; requests that differ
    only in the id are copies of one template with the id put in its path. With ``http``,
    each request is sent on it rather than on the resource's (a thread's own connections).
    """

    def __init__(self, messages: Any, http: Any = None, **params: str) -> None:
        self.messages = messages
        self.http = http
        self.params = params
        self.template: HttpRequest = messages.get(id=_PLACEHOLDER, **params)

    def __call__(self, message_id: str) -> HttpRequest:
        if not _PLAIN_ID.fullmatch(message_id):
            request: HttpRequest = self.messages.get(id=message_id, **self.params)  # quoted
        else:
            request = copy.copy(self.template)
            request.uri = self.template.uri.replace(_PLACEHOLDER, message_id, 1)
            request.headers = dict(self.template.headers)  # a 401 retry writes a new token here
            request.response_callbacks = []
            setattr(request, MADE_FROM, (self.template.uri, message_id))
        if self.http is not None:
            request.http = self.http
        return request
