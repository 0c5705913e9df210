"""Every JSON response validates against the bundled Gmail discovery document."""

from __future__ import annotations

from typing import Any

import pytest

from google_emulator.testing import EmulatorServer

from .discovery_schema import response_schema, validate
from .helpers import MODIFY, call, token_for

BASE = "/gmail/v1/users/me"


def check(reply_json: Any, method: str) -> None:
    errors = validate(reply_json, response_schema(method))
    assert errors == [], errors[:5]


def get_json(server: EmulatorServer, token: str, path: str, **query: Any) -> Any:
    reply = call(server, "GET", BASE + path, token=token, query=query or None)
    assert reply.status == 200, reply.body[:300]
    return reply.json()


def test_the_validator_rejects_unknown_properties_and_unquoted_int64() -> None:
    assert validate({"id": "1", "bogus": 1}, "Message") == ["$: unknown property 'bogus'"]
    assert validate({"historyId": 5}, "Message") == ["$.historyId: expected string, got 5"]
    assert validate({"historyId": "x5"}, "Message")


@pytest.mark.parametrize("fmt", ["minimal", "metadata", "full", "raw"])
def test_every_message_in_every_format_matches_the_schema(
    google_emulator: EmulatorServer, fmt: str
) -> None:
    token = token_for(google_emulator)
    ids = [m.id for m in google_emulator.emulator.mailbox(google_emulator.emails[0]).newest_first()]
    for message_id in ids:
        check(
            get_json(google_emulator, token, f"/messages/{message_id}", format=fmt),
            "users.messages.get",
        )


def test_metadata_with_selected_headers_matches_the_schema(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    message_id = next(iter(google_emulator.emulator.mailbox(google_emulator.emails[0]).messages))
    data = get_json(
        google_emulator,
        token,
        f"/messages/{message_id}",
        format="metadata",
        metadataHeaders=["Subject", "From"],
    )
    check(data, "users.messages.get")
    assert {h["name"] for h in data["payload"]["headers"]} <= {"Subject", "From"}


def test_lists_history_labels_profile_threads_attachments_match_the_schema(
    google_emulator: EmulatorServer,
) -> None:
    server = google_emulator
    email = server.emails[0]
    token = token_for(server, email, MODIFY, "https://mail.google.com/")
    start = get_json(server, token, "/profile")
    check(start, "users.getProfile")
    check(get_json(server, token, "/messages", maxResults=7), "users.messages.list")
    check(get_json(server, token, "/messages", q="from:nobody-at-all"), "users.messages.list")
    check(get_json(server, token, "/labels"), "users.labels.list")
    for label in get_json(server, token, "/labels")["labels"]:
        check(get_json(server, token, f"/labels/{label['id']}"), "users.labels.get")

    added = server.emulator.deliver(email, kind="offer")
    server.emulator.modify_labels(email, added, add=["STARRED"], remove=["UNREAD"])
    victim = next(iter(server.emulator.mailbox(email).messages))
    server.emulator.delete(email, victim)
    history = get_json(server, token, "/history", startHistoryId=start["historyId"])
    assert len(history["history"]) == 3
    check(history, "users.history.list")

    mailbox = server.emulator.mailbox(email)
    thread_id = max(mailbox.threads, key=lambda t: len(mailbox.threads[t]))
    check(get_json(server, token, f"/threads/{thread_id}"), "users.threads.get")

    with_attachment = [m for m in mailbox.messages.values() if m.content.attachments]
    assert with_attachment, "the generator must produce attachments large enough for an id"
    message = with_attachment[0]
    attachment_id = next(iter(message.content.attachments))
    data = get_json(server, token, f"/messages/{message.id}/attachments/{attachment_id}")
    check(data, "users.messages.attachments.get")

    for action in ("modify", "trash", "untrash"):
        reply = call(
            server,
            "POST",
            f"{BASE}/messages/{added}/{action}",
            token=token,
            json_body={"addLabelIds": ["IMPORTANT"]} if action == "modify" else {},
        )
        assert reply.status == 200
        check(reply.json(), f"users.messages.{action}")

    watch = call(
        server,
        "POST",
        f"{BASE}/watch",
        token=token,
        json_body={"topicName": "projects/p/topics/gmail"},
    )
    check(watch.json(), "users.watch")
