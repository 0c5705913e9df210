"""HTTP server and routing.

One ``ThreadingHTTPServer`` (a thread per connection, HTTP/1.1 keep-alive) serves
every Google host the app talks to — accounts.google.com, oauth2.googleapis.com,
www.googleapis.com and gmail.googleapis.com — on one port, because only the paths
matter.  Responses are gzip-compressed when the client asks (httplib2 always does),
as Google's front ends do.
"""

from __future__ import annotations

import gzip
import html
import logging
import socket
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .batch import BatchEndpoint
from .control import PREFIX as CONTROL_PREFIX
from .control import ControlEndpoints
from .errors import ApiError, not_found
from .gmail_api import GmailApi
from .httpmsg import Request, Response, error_response, html_response
from .oauth import OAuthEndpoints
from .state import Emulator

log = logging.getLogger(__name__)

BATCH_PATHS = ("/batch/gmail/v1", "/batch")
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 1  # ~5x smaller JSON for a fraction of level 6's CPU
MAX_BODY = 64 * 1024 * 1024


class Router:
    """Sends each request to the Gmail API, batch, OAuth or control endpoints."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.gmail = GmailApi(emulator)
        self.oauth = OAuthEndpoints(emulator)
        self.control = ControlEndpoints(emulator)
        self.batch = BatchEndpoint(emulator, self.dispatch_inner)

    def dispatch(self, req: Request) -> Response:
        """Serve any request; unexpected exceptions become Google-shaped 500s."""
        try:
            self.emulator.counters["http_requests"] += 1
            path = req.path
            if path.startswith("/gmail/v1/"):
                return self.gmail.handle(req)
            if path in BATCH_PATHS:
                return self.batch.handle(req)
            if self.oauth.handles(path):
                return self.oauth.handle(req)
            if path.startswith(CONTROL_PREFIX):
                return self.control.handle(req)
            if path == "/" and req.method == "GET":
                return self.index()
            return error_response(not_found(f"Not found: {req.method} {path}"))
        except Exception:  # a bug must cost one request, never the server
            log.exception("unhandled error serving %s %s", req.method, req.path)
            return error_response(ApiError(500, "Internal error encountered.", "backendError"))

    def dispatch_inner(self, req: Request) -> Response:
        """Serve one part of a batch: only Gmail API calls are allowed there."""
        if not req.path.startswith("/gmail/v1/"):
            return error_response(not_found(f"Not found: {req.method} {req.path}"))
        return self.dispatch(req)

    def index(self) -> Response:
        rows = "".join(
            f"<li>{html.escape(a['name'])} &lt;{html.escape(a['email'])}&gt; — "
            f"{a['messages']} messages, historyId {a['historyId']}</li>"
            for a in self.emulator.summary()["accounts"]
        )
        body = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Google emulator</title>"
            "</head><body><h1>Google emulator — demo accounts</h1>"
            f"<ul>{rows}</ul><p>See <a href='/_emulator/state'>/_emulator/state</a>.</p>"
            "</body></html>"
        )
        return html_response(body)


class _DateCache:
    """``Date`` header value, formatted at most once per second."""

    def __init__(self) -> None:
        self._second = -1
        self._value = ""

    def get(self) -> str:
        now = int(time.time())
        if now != self._second:
            self._second, self._value = now, formatdate(now, usegmt=True)
        return self._value


class EmulatorHTTPServer(ThreadingHTTPServer):
    """Threaded HTTP server holding the router."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], router: Router, use_gzip: bool = True) -> None:
        self.router = router
        self.use_gzip = use_gzip
        self.dates = _DateCache()
        super().__init__(address, RequestHandler)

    @property
    def url(self) -> str:
        """Return the base URL, e.g. ``http://127.0.0.1:8765``."""
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        if host in ("0.0.0.0", "::", ""):  # noqa: S104 - comparing, not binding
            host = "127.0.0.1"
        return f"http://{host}:{port}"


class RequestHandler(BaseHTTPRequestHandler):
    """Turns one HTTP request into a :class:`Request` and writes the :class:`Response`."""

    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""
    server: EmulatorHTTPServer
    timeout = 120

    def setup(self) -> None:
        super().setup()
        # Small responses must not wait for Nagle's algorithm on keep-alive sockets.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request.from_target(self.command, self.path, headers, body)
        response = self.server.router.dispatch(req)
        self._write(response, "gzip" in headers.get("accept-encoding", ""))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            error = ApiError(400 if length < 0 else 413, "Bad Content-Length", "badRequest")
            self.close_connection = True
            self._write(error_response(error), False)
            return None
        return self.rfile.read(length) if length else b""

    def _write(self, response: Response, gzip_ok: bool) -> None:
        body = response.body
        lines = [
            f"HTTP/1.1 {response.status} {response.reason}",
            f"Content-Type: {response.content_type}",
            f"Date: {self.server.dates.get()}",
            "Server: ESF",
            "Vary: Origin, X-Origin, Referer",
        ]
        if gzip_ok and self.server.use_gzip and len(body) >= GZIP_MIN_BYTES:
            body = gzip.compress(body, GZIP_LEVEL, mtime=0)
            lines.append("Content-Encoding: gzip")
        lines += [f"{name}: {value}" for name, value in response.headers]
        lines.append(f"Content-Length: {len(body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        try:
            self.wfile.write(head + body if self.command != "HEAD" else head)
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


def make_server(
    emulator: Emulator, host: str = "127.0.0.1", port: int = 0, use_gzip: bool = True
) -> EmulatorHTTPServer:
    """Return a bound (not yet serving) HTTP server for ``emulator``."""
    return EmulatorHTTPServer((host, port), Router(emulator), use_gzip)
