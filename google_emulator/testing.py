"""Run the emulator in-process, for tests.

with EmulatorServer(EmulatorConfig(messages=50)) as server:
    server.url               # "http://127.0.0.1:<free port>"
    server.emulator.deliver(server.emails[0], kind="rejection")
    gmail = server.gmail_service(server.emails[0])   # a real googleapiclient Resource
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from .config import EmulatorConfig
from .server import EmulatorHTTPServer, make_server
from .state import Emulator
from .tokens import DEFAULT_TEST_SCOPES


class EmulatorServer:
    """An emulator serving HTTP on a free local port from a daemon thread."""

    def __init__(
        self, config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = config or EmulatorConfig()
        self.host = host
        self.port = port
        self._emulator: Emulator | None = None
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> EmulatorServer:
        """Build the emulator and start serving; return self."""
        if self._server is not None:
            return self
        self._emulator = Emulator(self.config)
        self._server = make_server(self._emulator, self.host, self.port, self.config.gzip)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="google-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port and background threads."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._emulator is not None:
            self._emulator.close()
        self._server = self._thread = self._emulator = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def emulator(self) -> Emulator:
        """Return the state object, for Python-side mutations and assertions."""
        if self._emulator is None:
            raise RuntimeError("EmulatorServer is not running")
        return self._emulator

    @property
    def url(self) -> str:
        """Return the base URL (use it as ``api_endpoint`` and as the OAuth host)."""
        if self._server is None:
            raise RuntimeError("EmulatorServer is not running")
        return self._server.url

    @property
    def token_uri(self) -> str:
        """Return the token endpoint URL."""
        return f"{self.url}/token"

    @property
    def batch_uri(self) -> str:
        """Return the Gmail batch endpoint URL.

        ``service.new_batch_http_request()`` ignores ``api_endpoint`` and would target
        https://gmail.googleapis.com/batch, so build batches with
        ``BatchHttpRequest(batch_uri=server.batch_uri)`` (or use :meth:`gmail_service`).
        """
        return f"{self.url}/batch/gmail/v1"

    @property
    def emails(self) -> list[str]:
        """Return the account addresses."""
        return self.emulator.emails

    def reset(self) -> None:
        """Restore the start-up state (mailboxes, tokens, limits, stats)."""
        self.emulator.reset()

    def issue_tokens(
        self, email: str, scopes: tuple[str, ...] = DEFAULT_TEST_SCOPES, offline: bool = True
    ) -> dict[str, Any]:
        """Return a token response for ``email`` (skipping the consent page)."""
        return self.emulator.issue_tokens(email, scopes, offline=offline)

    def credentials(self, email: str, scopes: tuple[str, ...] = DEFAULT_TEST_SCOPES) -> Any:
        """Return refreshable ``google.oauth2.credentials.Credentials`` for ``email``."""
        from google.oauth2.credentials import Credentials

        grant = self.issue_tokens(email, scopes)
        return Credentials(  # type: ignore[no-untyped-call]
            token=grant["access_token"],
            refresh_token=grant.get("refresh_token"),
            token_uri=self.token_uri,
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            scopes=list(scopes),
        )

    def gmail_service(self, email: str, credentials: Any = None) -> Any:
        """Return a real ``googleapiclient`` Gmail service pointed at the emulator.

        Built from the bundled discovery document with ``rootUrl`` replaced, so
        ``service.new_batch_http_request()`` also targets the emulator.
        """
        import json

        from googleapiclient import discovery
        from googleapiclient.discovery_cache import get_static_doc

        doc = json.loads(get_static_doc("gmail", "v1") or "{}")
        doc["rootUrl"] = self.url + "/"
        doc["batchPath"] = "batch/gmail/v1"
        creds = credentials if credentials is not None else self.credentials(email)
        return discovery.build_from_document(doc, credentials=creds)
