"""Google's tokens never reach MongoDB in plain text, not even for a moment (issue 11).

A change stream over the whole test database sees every write of a real sign-in through the
emulator — inserts, updates, replacements, i.e. what also goes to the oplog — and none may carry
a token the emulator issued. Reading the collections afterwards would miss a token that was
written and then stripped again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from bson import json_util

from accounts.tests import oauth_flow
from mailbox_project.mongo import get_database

pytestmark = pytest.mark.django_db(transaction=True)


class ChangeRecorder:
    """Records every change event of a database from a background thread."""

    def __init__(self, database: Any) -> None:
        self.events: list[dict[str, Any]] = []
        self._stream = database.watch(max_await_time_ms=100)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set() and self._stream.alive:
            event = self._stream.try_next()
            if event is not None:
                self.events.append(event)

    def drain(self, marker_collection: Any) -> list[dict[str, Any]]:
        """Write a marker, wait until it is seen (so every earlier write is too), stop."""
        marker_collection.insert_one({"marker": True})
        deadline = threading.Event()
        for _ in range(200):
            if any(e.get("ns", {}).get("coll") == marker_collection.name for e in self.events):
                break
            deadline.wait(0.05)
        self._stop.set()
        self._thread.join(timeout=5)
        self._stream.close()
        marker_collection.drop()
        return self.events


@pytest.fixture
def changes() -> Iterator[ChangeRecorder]:
    recorder = ChangeRecorder(get_database())
    yield recorder
    recorder._stop.set()


def written(event: dict[str, Any]) -> str:
    """Everything a change event says was written, as text."""
    parts = {k: event.get(k) for k in ("fullDocument", "updateDescription", "documentKey")}
    return json_util.dumps(parts)


def test_sign_in_writes_no_google_token_anywhere(client, google, changes) -> None:
    response = oauth_flow.sign_in(client, google, google.emails[0])
    assert response.status_code == 302
    assert response["Location"] == "/mails"
    oauth_flow.sign_in(client, google, google.emails[0])  # a returning user, too

    events = changes.drain(get_database()["test_change_marker"])
    issued = google.emulator.tokens
    secrets = [*issued.access_tokens, *issued.refresh_tokens]
    assert len(secrets) >= 4  # two sign-ins, each an access and a refresh token
    assert any(e["ns"]["coll"] == "social_auth_usersocialauth" for e in events)
    leaks = [
        (event["ns"]["coll"], event["operationType"])
        for event in events
        for secret in secrets
        if secret in written(event)
    ]
    assert leaks == []
