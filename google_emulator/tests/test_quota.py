"""Per-account quota (token bucket in Gmail units) and the concurrent-request limit."""

from __future__ import annotations

import threading
from typing import Any

from googleapiclient.http import BatchHttpRequest

from google_emulator.testing import EmulatorServer

from .helpers import assert_google_error, call, token_for, wait_for


def first_id(server: EmulatorServer, email: str) -> str:
    return next(server.emulator.mailbox(email).newest_first()).id


def get_message(server: EmulatorServer, token: str, message_id: str) -> Any:
    return call(server, "GET", f"/gmail/v1/users/me/messages/{message_id}", token=token)


def test_over_quota_answers_429_with_retry_after(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    google_emulator.emulator.set_quota(email, 10)  # two messages.get (5 units) per second
    token = token_for(google_emulator, email)
    message_id = first_id(google_emulator, email)
    assert get_message(google_emulator, token, message_id).status == 200
    assert get_message(google_emulator, token, message_id).status == 200
    limited = get_message(google_emulator, token, message_id)
    error = assert_google_error(limited, 429, "rateLimitExceeded")
    assert error["errors"][0]["domain"] == "usageLimits"
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert int(limited.headers["Retry-After"]) >= 1
    # The bucket refills at 10 units/s: the call succeeds again shortly.
    wait_for(lambda: get_message(google_emulator, token, message_id).status == 200, timeout=3)
    stats = google_emulator.emulator.stats(email)
    assert stats["rate_limited"] >= 1
    assert stats["quota_units"] == 5 * stats["statuses"]["200"]


def test_other_accounts_are_not_affected(google_emulator: EmulatorServer) -> None:
    first, second = google_emulator.emails
    google_emulator.emulator.set_quota(first, 1)
    token = token_for(google_emulator, second)
    for _ in range(5):
        assert get_message(google_emulator, token, first_id(google_emulator, second)).status == 200


def test_quota_can_answer_403_user_rate_limit_exceeded(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    google_emulator.emulator.set_quota(email, 5, exceeded_status=403)
    token = token_for(google_emulator, email)
    message_id = first_id(google_emulator, email)
    assert get_message(google_emulator, token, message_id).status == 200
    reply = get_message(google_emulator, token, message_id)
    assert_google_error(reply, 403, "userRateLimitExceeded")
    assert "Retry-After" in reply.headers


def batch_statuses(server: EmulatorServer, email: str, count: int) -> list[int]:
    service = server.gmail_service(email)
    ids = [m.id for m in server.emulator.mailbox(email).newest_first()][:count]
    statuses: dict[str, int] = {}

    def collect(request_id: str, response: Any, exception: Any) -> None:
        statuses[request_id] = 200 if exception is None else exception.resp.status

    batch = BatchHttpRequest(callback=collect, batch_uri=server.batch_uri)
    for message_id in ids:
        batch.add(service.users().messages().get(userId="me", id=message_id))
    batch.execute()
    return [statuses[str(i + 1)] for i in range(count)]


def test_batch_parts_are_charged_one_by_one(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    google_emulator.emulator.set_quota(email, 25)  # five messages.get
    statuses = batch_statuses(google_emulator, email, 10)
    assert statuses == [200] * 5 + [429] * 5


def test_batch_parts_beyond_the_concurrency_limit_get_429(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[1]
    google_emulator.emulator.set_quota(email, None, concurrent_limit=3)
    assert batch_statuses(google_emulator, email, 7) == [200] * 3 + [429] * 4


def test_concurrent_single_requests_beyond_the_limit_get_429(
    google_emulator: EmulatorServer,
) -> None:
    email = google_emulator.emails[0]
    emulator = google_emulator.emulator
    emulator.set_quota(email, None, concurrent_limit=1)
    emulator.set_faults(email, 0.0, latency_ms=300)
    token = token_for(google_emulator, email)
    message_id = first_id(google_emulator, email)
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def fetch() -> None:
        barrier.wait()
        results.append(get_message(google_emulator, token, message_id))

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status for r in results) == [200, 429]
    limited = next(r for r in results if r.status == 429)
    error = assert_google_error(limited, 429, "rateLimitExceeded")
    assert error["message"] == "Too many concurrent requests for user"
