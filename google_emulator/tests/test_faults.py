"""Injected 5xx answers at a chosen rate, and added latency."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from googleapiclient.http import BatchHttpRequest

from google_emulator.testing import EmulatorServer

from .helpers import assert_google_error, call, token_for


def fetch_many(server: EmulatorServer, email: str, rounds: int) -> Counter[int]:
    service = server.gmail_service(email)
    ids = [m.id for m in server.emulator.mailbox(email).newest_first()][:50]
    statuses: Counter[int] = Counter()

    def collect(request_id: str, response: Any, exception: Any) -> None:
        statuses[200 if exception is None else exception.resp.status] += 1

    for _ in range(rounds):
        batch = BatchHttpRequest(callback=collect, batch_uri=server.batch_uri)
        for message_id in ids:
            batch.add(service.users().messages().get(userId="me", id=message_id))
        batch.execute()
    return statuses


def test_faults_appear_at_roughly_the_chosen_rate(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    google_emulator.emulator.set_faults(email, 0.3, statuses=[500, 503])
    statuses = fetch_many(google_emulator, email, rounds=8)
    assert set(statuses) <= {200, 500, 503}
    faults = statuses[500] + statuses[503]
    assert sum(statuses.values()) == 400
    assert 80 <= faults <= 160, statuses  # 120 expected; binomial sd ≈ 9
    assert statuses[500] > 0
    assert statuses[503] > 0
    assert google_emulator.emulator.stats(email)["faults_injected"] == faults


def test_no_faults_by_default_and_faults_are_per_account(google_emulator: EmulatorServer) -> None:
    first, second = google_emulator.emails
    google_emulator.emulator.set_faults(first, 1.0, statuses=[503])
    assert fetch_many(google_emulator, second, rounds=1) == Counter({200: 50})
    token = token_for(google_emulator, first)
    reply = call(google_emulator, "GET", "/gmail/v1/users/me/profile", token=token)
    assert_google_error(reply, 503, "backendError")


def test_latency_is_added_once_per_request_and_once_per_batch(
    google_emulator: EmulatorServer,
) -> None:
    email = google_emulator.emails[0]
    google_emulator.emulator.set_faults(email, 0.0, latency_ms=150)
    token = token_for(google_emulator, email)
    started = time.monotonic()
    assert call(google_emulator, "GET", "/gmail/v1/users/me/profile", token=token).status == 200
    assert time.monotonic() - started >= 0.15
    started = time.monotonic()
    assert fetch_many(google_emulator, email, rounds=1) == Counter({200: 50})
    assert 0.15 <= time.monotonic() - started < 0.15 * 10
