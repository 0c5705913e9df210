"""history.list after deliveries, deletions and label changes; expiry; paging."""

from __future__ import annotations

from typing import Any

from google_emulator.config import EmulatorConfig
from google_emulator.testing import EmulatorServer

from .helpers import assert_google_error, call, token_for

HISTORY = "/gmail/v1/users/me/history"


def history(server: EmulatorServer, token: str, **query: Any) -> Any:
    reply = call(server, "GET", HISTORY, token=token, query=query)
    assert reply.status == 200, reply.body
    return reply.json()


def current_history_id(server: EmulatorServer, token: str) -> str:
    reply = call(server, "GET", "/gmail/v1/users/me/profile", token=token)
    return str(reply.json()["historyId"])


def test_no_changes_means_no_records(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    start = current_history_id(google_emulator, token)
    assert history(google_emulator, token, startHistoryId=start) == {"historyId": start}


def test_delivery_deletion_and_label_changes_are_recorded_in_order(
    google_emulator: EmulatorServer,
) -> None:
    email = google_emulator.emails[0]
    emulator = google_emulator.emulator
    token = token_for(google_emulator)
    start = current_history_id(google_emulator, token)
    new_id = emulator.deliver(email, kind="interview_invitation", labels=["INBOX", "UNREAD"])
    emulator.modify_labels(email, new_id, add=["STARRED"], remove=["UNREAD"])
    old = next(iter(emulator.mailbox(email).messages))
    old_labels = list(emulator.mailbox(email).messages[old].label_ids)
    emulator.delete(email, old)

    body = history(google_emulator, token, startHistoryId=start)
    records = body["history"]
    assert [int(r["id"]) for r in records] == [int(start) + 1, int(start) + 2, int(start) + 3]
    assert body["historyId"] == str(int(start) + 3)
    thread = emulator.mailbox(email).messages[new_id].thread_id
    added, labelled, deleted = records
    assert added["messagesAdded"] == [
        {"message": {"id": new_id, "threadId": thread, "labelIds": ["INBOX", "UNREAD"]}}
    ]
    assert labelled["labelsAdded"][0]["labelIds"] == ["STARRED"]
    assert labelled["labelsRemoved"][0]["labelIds"] == ["UNREAD"]
    assert labelled["labelsAdded"][0]["message"]["labelIds"] == ["INBOX", "STARRED"]
    assert deleted["messagesDeleted"][0]["message"]["id"] == old
    assert deleted["messagesDeleted"][0]["message"]["labelIds"] == old_labels
    assert all(r["messages"][0]["id"] in (new_id, old) for r in records)
    message = call(google_emulator, "GET", f"/gmail/v1/users/me/messages/{new_id}", token=token)
    assert message.json()["historyId"] == str(int(start) + 2)


def test_history_types_and_label_filters(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    emulator = google_emulator.emulator
    token = token_for(google_emulator)
    start = current_history_id(google_emulator, token)
    first = emulator.deliver(email, kind="newsletter", labels=["INBOX"])
    emulator.deliver(email, kind="rejection", labels=["Job search"])
    emulator.modify_labels(email, first, add=["TRASH"], remove=["INBOX"])

    only_added = history(google_emulator, token, startHistoryId=start, historyTypes="messageAdded")
    assert [list(r) for r in only_added["history"]] == [["id", "messages", "messagesAdded"]] * 2
    removed = history(google_emulator, token, startHistoryId=start, historyTypes="labelRemoved")
    assert len(removed["history"]) == 1
    assert "labelsAdded" not in removed["history"][0]
    job = emulator.mailbox(email).label_id_for("Job search")
    by_label = history(google_emulator, token, startHistoryId=start, labelId=job)
    assert len(by_label["history"]) == 1
    bad = call(
        google_emulator,
        "GET",
        HISTORY,
        token=token,
        query={"startHistoryId": start, "historyTypes": "messageExploded"},
    )
    assert_google_error(bad, 400)


def test_paging_returns_every_record_once_oldest_first(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[1]
    emulator = google_emulator.emulator
    token = token_for(google_emulator, email)
    start = current_history_id(google_emulator, token)
    for _ in range(7):
        emulator.deliver(email, kind="personal")
    seen: list[int] = []
    query: dict[str, Any] = {"startHistoryId": start, "maxResults": 3}
    pages = 0
    while True:
        body = history(google_emulator, token, **query)
        seen += [int(r["id"]) for r in body["history"]]
        pages += 1
        if "nextPageToken" not in body:
            break
        query["pageToken"] = body["nextPageToken"]
    assert seen == list(range(int(start) + 1, int(start) + 8))
    assert pages == 3


def test_expired_history_answers_404_and_new_history_works(
    google_emulator: EmulatorServer,
) -> None:
    email = google_emulator.emails[0]
    token = token_for(google_emulator)
    start = current_history_id(google_emulator, token)
    google_emulator.emulator.deliver(email, kind="offer")
    now = google_emulator.emulator.expire_history(email)
    assert_google_error(
        call(google_emulator, "GET", HISTORY, token=token, query={"startHistoryId": start}),
        404,
        "notFound",
    )
    assert history(google_emulator, token, startHistoryId=now) == {"historyId": str(now)}
    google_emulator.emulator.deliver(email, kind="offer")
    assert len(history(google_emulator, token, startHistoryId=now)["history"]) == 1


def test_start_in_the_future_is_empty_with_current_history_id(
    google_emulator: EmulatorServer,
) -> None:
    token = token_for(google_emulator)
    current = current_history_id(google_emulator, token)
    body = history(google_emulator, token, startHistoryId=str(int(current) + 1000))
    assert body == {"historyId": current}


def test_missing_or_bad_start_history_id_is_400(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    assert_google_error(call(google_emulator, "GET", HISTORY, token=token), 400)
    reply = call(google_emulator, "GET", HISTORY, token=token, query={"startHistoryId": "abc"})
    assert_google_error(reply, 400)


def test_retention_window_expires_old_start_ids() -> None:
    with EmulatorServer(EmulatorConfig(accounts=1, messages=5, history_retention=3)) as server:
        email = server.emails[0]
        token = token_for(server)
        start = current_history_id(server, token)
        ids = [server.emulator.deliver(email, kind="personal") for _ in range(5)]
        assert len(ids) == 5
        assert_google_error(
            call(server, "GET", HISTORY, token=token, query={"startHistoryId": start}), 404
        )
        # The three newest records are retained: starting just before them works.
        body = history(server, token, startHistoryId=str(int(start) + 2))
        assert [int(r["id"]) for r in body["history"]] == [int(start) + i for i in (3, 4, 5)]
