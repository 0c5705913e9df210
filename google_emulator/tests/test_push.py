"""users.watch → Pub/Sub push POSTs to the app's webhook, at most one per second."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from google_emulator.testing import EmulatorServer

from .helpers import assert_google_error, call, token_for, wait_for

TOPIC = "projects/mailbox-demo/topics/gmail"


class Receiver:
    """A tiny webhook that records every push it receives."""

    def __init__(self) -> None:
        self.pushes: list[tuple[float, dict[str, str], dict[str, Any]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.pushes.append((time.monotonic(), dict(self.headers), json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/push?token=abc"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def data(self, index: int) -> dict[str, Any]:
        return dict(json.loads(base64.b64decode(self.pushes[index][2]["message"]["data"])))


@pytest.fixture
def receiver(google_emulator: EmulatorServer) -> Iterator[Receiver]:
    receiver = Receiver()
    google_emulator.emulator.configure_push(receiver.url, "push-secret")
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def watch(server: EmulatorServer, token: str, **body: Any) -> Any:
    reply = call(
        server,
        "POST",
        "/gmail/v1/users/me/watch",
        token=token,
        json_body={"topicName": TOPIC, **body},
    )
    assert reply.status == 200, reply.body
    return reply.json()


def test_a_change_pushes_the_pubsub_envelope_with_the_bearer_token(
    google_emulator: EmulatorServer, receiver: Receiver
) -> None:
    email = google_emulator.emails[0]
    token = token_for(google_emulator, email)
    started = watch(google_emulator, token)
    assert int(started["expiration"]) > time.time() * 1000 + 6 * 86_400_000
    google_emulator.emulator.deliver(email, kind="offer")
    wait_for(lambda: receiver.pushes)
    _, headers, envelope = receiver.pushes[0]
    assert headers["Authorization"] == "Bearer push-secret"
    assert envelope["subscription"] == "projects/mailbox-demo/subscriptions/gmail-push"
    assert set(envelope["message"]) >= {"data", "messageId", "publishTime"}
    assert receiver.data(0) == {
        "emailAddress": email,
        "historyId": int(started["historyId"]) + 1,
    }


def test_pushes_are_coalesced_to_one_per_second_per_account(
    google_emulator: EmulatorServer, receiver: Receiver
) -> None:
    email = google_emulator.emails[0]
    watch(google_emulator, token_for(google_emulator, email))
    first = google_emulator.emulator.deliver(email, kind="personal")
    wait_for(lambda: receiver.pushes)
    # Within the account's 1-second window after that push, changes are coalesced.
    for _ in range(4):
        google_emulator.emulator.deliver(email, kind="personal")
    google_emulator.emulator.modify_labels(email, first, add=["STARRED"])
    wait_for(lambda: len(receiver.pushes) >= 2, timeout=5)
    assert not google_emulator.emulator.push._pending
    assert len(receiver.pushes) == 2
    assert receiver.pushes[1][0] - receiver.pushes[0][0] >= 0.9
    latest = google_emulator.emulator.mailbox(email).history_id
    assert receiver.data(1)["historyId"] == latest


def test_accounts_have_separate_windows(
    google_emulator: EmulatorServer, receiver: Receiver
) -> None:
    for email in google_emulator.emails:
        watch(google_emulator, token_for(google_emulator, email))
        google_emulator.emulator.deliver(email, kind="update")
    wait_for(lambda: len(receiver.pushes) == 2, timeout=0.9)
    assert {receiver.data(i)["emailAddress"] for i in range(2)} == set(google_emulator.emails)


def test_stop_and_label_filters_suppress_pushes(
    google_emulator: EmulatorServer, receiver: Receiver
) -> None:
    email = google_emulator.emails[0]
    token = token_for(google_emulator, email)
    watch(google_emulator, token, labelIds=["INBOX"])
    google_emulator.emulator.deliver(email, kind="spam", labels=["SPAM"])
    assert not google_emulator.emulator.push._pending
    stop = call(google_emulator, "POST", "/gmail/v1/users/me/stop", token=token)
    assert stop.status == 204
    google_emulator.emulator.deliver(email, kind="offer", labels=["INBOX"])
    assert not google_emulator.emulator.push._pending
    assert receiver.pushes == []


def test_watch_validates_the_topic(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    for body in ({}, {"topicName": "gmail"}, {"topicName": TOPIC, "labelIds": ["NOPE"]}):
        reply = call(
            google_emulator, "POST", "/gmail/v1/users/me/watch", token=token, json_body=body
        )
        assert_google_error(reply, 400)


def test_failed_pushes_are_dropped_not_fatal(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    google_emulator.emulator.configure_push("http://127.0.0.1:9/unreachable", None)
    watch(google_emulator, token_for(google_emulator, email))
    google_emulator.emulator.deliver(email, kind="offer")
    wait_for(lambda: google_emulator.emulator.push.failed == 1, timeout=5)
    assert (
        call(
            google_emulator,
            "GET",
            "/gmail/v1/users/me/profile",
            token=token_for(google_emulator, email),
        ).status
        == 200
    )
