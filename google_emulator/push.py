"""Pub/Sub push delivery for ``users.watch``.

Gmail publishes ``{"emailAddress", "historyId"}`` to the watch's topic; a push
subscription POSTs it to the app's webhook wrapped in Pub/Sub's envelope.  Gmail
sends at most about one notification per second per user and coalesces changes, so
the notifier keeps only the latest historyId per account and sends it once the
account's 1-second window has passed.  Delivery runs on one background thread so a
mutation never waits for the network; failures are retried twice and then dropped
(real Pub/Sub would retry for days — the app must not depend on every push arriving).
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

log = logging.getLogger(__name__)

MIN_INTERVAL = 1.0
ATTEMPTS = 3
TIMEOUT = 5.0


@dataclass(slots=True)
class PushTarget:
    """Where pushes go and how they authenticate."""

    url: str | None = None
    token: str | None = None


@dataclass(slots=True)
class _Pending:
    history_id: int
    subscription: str
    due: float


class PushNotifier:
    """Coalescing, rate-limited push sender running on a daemon thread."""

    def __init__(self, target: PushTarget) -> None:
        self.target = target
        self._cond = threading.Condition()
        self._pending: dict[str, _Pending] = {}
        self._last_sent: dict[str, float] = {}
        self._ids = itertools.count(1)
        self._stopped = False
        self.sent = 0
        self.failed = 0
        self._thread = threading.Thread(target=self._run, name="gmail-push", daemon=True)
        self._thread.start()

    def notify(self, email: str, history_id: int, topic_name: str) -> None:
        """Queue a notification; within an account's 1 s window only the latest is sent."""
        if not self.target.url or not self.target.url.startswith(("http://", "https://")):
            return
        project, _, topic = topic_name.partition("/topics/")
        subscription = f"{project or 'projects/emulator'}/subscriptions/{topic or 'gmail'}-push"
        with self._cond:
            due = max(time.monotonic(), self._last_sent.get(email, 0.0) + MIN_INTERVAL)
            pending = self._pending.get(email)
            if pending is not None:
                pending.history_id = max(pending.history_id, history_id)
                pending.subscription = subscription
            else:
                self._pending[email] = _Pending(history_id, subscription, due)
            self._cond.notify()

    def reset(self, target: PushTarget) -> None:
        """Drop queued notifications and switch target."""
        with self._cond:
            self._pending.clear()
            self._last_sent.clear()
            self.target = target

    def stop(self) -> None:
        """Stop the sender thread."""
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout=2)

    def _next(self) -> tuple[str, _Pending, PushTarget] | None:
        with self._cond:
            while not self._stopped:
                now = time.monotonic()
                if self._pending:
                    email, pending = min(self._pending.items(), key=lambda kv: kv[1].due)
                    if pending.due <= now:
                        del self._pending[email]
                        self._last_sent[email] = now
                        return email, pending, PushTarget(self.target.url, self.target.token)
                    self._cond.wait(pending.due - now)
                else:
                    self._cond.wait()
            return None

    def _run(self) -> None:
        while (item := self._next()) is not None:
            email, pending, target = item
            if target.url:
                self._send(email, pending, target)

    def _send(self, email: str, pending: _Pending, target: PushTarget) -> None:
        assert target.url is not None
        data = json.dumps({"emailAddress": email, "historyId": pending.history_id})
        message_id = str(next(self._ids))
        publish_time = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        publish_time = publish_time.replace("+00:00", "Z")
        envelope = {
            "message": {
                "data": base64.b64encode(data.encode()).decode(),
                "messageId": message_id,
                "message_id": message_id,
                "publishTime": publish_time,
                "publish_time": publish_time,
                "attributes": {},
            },
            "subscription": pending.subscription,
        }
        headers = {"Content-Type": "application/json", "User-Agent": "APIs-Google"}
        if target.token:
            headers["Authorization"] = f"Bearer {target.token}"
        body = json.dumps(envelope).encode()
        for attempt in range(ATTEMPTS):
            request = urllib.request.Request(  # noqa: S310 - scheme checked in notify()
                target.url, body, headers, method="POST"
            )
            try:
                # The URL comes from the operator's config and is checked to be http(s).
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                    response.read()
                self.sent += 1
                return
            except (urllib.error.URLError, OSError, ValueError) as exc:
                log.warning("push to %s failed (attempt %d): %s", target.url, attempt + 1, exc)
                if self._stopped:
                    break
                time.sleep(0.2 * (attempt + 1))
        self.failed += 1
