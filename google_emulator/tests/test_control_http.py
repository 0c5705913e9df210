"""The /_emulator/ control endpoints mirror the Python API for out-of-process tests."""

from __future__ import annotations

import base64

from google_emulator.testing import EmulatorServer

from .helpers import call, token_for, wait_for


def post(server: EmulatorServer, name: str, body: dict[str, object]) -> tuple[int, object]:
    reply = call(server, "POST", f"/_emulator/{name}", json_body=body)
    return reply.status, reply.json()


def test_state_truth_and_stats(google_emulator: EmulatorServer) -> None:
    state = call(google_emulator, "GET", "/_emulator/state").json()
    assert [a["email"] for a in state["accounts"]] == google_emulator.emails
    assert state["accounts"][0]["messages"] == 60
    email = google_emulator.emails[0]
    truth = call(google_emulator, "GET", f"/_emulator/truth/{email}").json()["messages"]
    assert truth == google_emulator.emulator.truth(email)
    call(
        google_emulator,
        "GET",
        "/gmail/v1/users/me/profile",
        token=token_for(google_emulator, email),
    )
    stats = call(google_emulator, "GET", "/_emulator/stats").json()
    assert stats["accounts"][email]["calls"] == {"users.getProfile": 1}
    one = call(google_emulator, "GET", "/_emulator/stats", query={"email": email}).json()
    assert one["quota_units"] == 1


def test_deliver_modify_delete_and_history(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    raw = b"From: a@b.example\r\nSubject: hello\r\n\r\nbody\r\n"
    status, body = post(
        google_emulator, "deliver", {"email": email, "raw_base64": base64.b64encode(raw).decode()}
    )
    assert status == 200
    message_id = body["id"]
    assert google_emulator.emulator.mailbox(email).messages[message_id].raw == raw
    status, body = post(google_emulator, "deliver", {"email": email, "kind": "offer"})
    assert status == 200
    status, body = post(
        google_emulator,
        "modify-labels",
        {"email": email, "id": message_id, "add": ["STARRED"], "remove": ["UNREAD"]},
    )
    assert body == {"labelIds": ["INBOX", "STARRED"]}
    assert post(google_emulator, "delete", {"email": email, "id": message_id}) == (200, {})
    assert post(google_emulator, "delete", {"email": email, "id": message_id})[0] == 404
    status, body = post(google_emulator, "expire-history", {"email": email})
    assert body == {"historyId": str(google_emulator.emulator.mailbox(email).history_id)}


def test_tokens_quota_faults_push_and_reset(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[1]
    status, grant = post(google_emulator, "issue-tokens", {"email": email})
    assert status == 200
    token = grant["access_token"]
    path = "/gmail/v1/users/me/profile"
    assert call(google_emulator, "GET", path, token=token).status == 200
    assert post(google_emulator, "expire-access-token", {"token": token}) == (200, {"expired": 1})
    assert call(google_emulator, "GET", path, token=token).status == 401
    assert post(google_emulator, "revoke-tokens", {"email": email})[1] == {"revoked": 1}
    assert (
        post(
            google_emulator, "quota", {"email": email, "units_per_second": 1, "concurrent_limit": 4}
        )[0]
        == 200
    )
    limits = google_emulator.emulator.gate(email).limits
    assert (limits.units_per_second, limits.concurrent_limit) == (1, 4)
    assert (
        post(
            google_emulator,
            "faults",
            {"email": email, "error_rate": 0.5, "statuses": [503], "latency_ms": 5},
        )[0]
        == 200
    )
    assert google_emulator.emulator.gate(email).limits.fault_statuses == (503,)
    assert post(google_emulator, "faults", {"error_rate": 7})[0] == 400
    assert post(google_emulator, "push", {"url": "http://127.0.0.1:1/hook", "token": "t"})[0] == 200
    state = call(google_emulator, "GET", "/_emulator/state").json()
    assert state["pushUrl"] == "http://127.0.0.1:1/hook"
    assert post(google_emulator, "reset", {}) == (200, {})
    assert call(google_emulator, "GET", "/_emulator/state").json()["pushUrl"] is None
    assert google_emulator.emulator.gate(email).limits.fault_rate == 0


def test_bad_control_requests(google_emulator: EmulatorServer) -> None:
    assert post(google_emulator, "deliver", {"email": "nobody@example.com"})[0] == 404
    assert post(google_emulator, "deliver", {})[0] == 400
    assert (
        post(google_emulator, "deliver", {"email": google_emulator.emails[0], "kind": "telegram"})[
            0
        ]
        == 400
    )
    assert post(google_emulator, "frobnicate", {})[0] == 404
    assert call(google_emulator, "POST", "/_emulator/reset", body=b"[1]").status == 400
    assert call(google_emulator, "GET", "/_emulator/truth/nobody@example.com").status == 404


def test_demo_mode_delivers_until_stopped(google_emulator: EmulatorServer) -> None:
    emulator = google_emulator.emulator
    before = sum(len(emulator.mailbox(e).messages) for e in emulator.emails)
    assert post(google_emulator, "demo", {"every_seconds": 0.02}) == (200, {})
    wait_for(lambda: sum(len(emulator.mailbox(e).messages) for e in emulator.emails) >= before + 3)
    assert post(google_emulator, "demo", {"every_seconds": 0}) == (200, {})
    assert emulator._demo_stop is None
