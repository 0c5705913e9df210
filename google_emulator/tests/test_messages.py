"""messages.list filters and paging, messages.get formats, attachments, fields, gzip."""

from __future__ import annotations

import base64
import gzip
import json
import urllib.request
from typing import Any

from google_emulator.mailbox import StoredMessage
from google_emulator.testing import EmulatorServer

from .helpers import MODIFY, call, token_for

BASE = "/gmail/v1/users/me"


def list_ids(server: EmulatorServer, token: str, **query: Any) -> list[str]:
    ids: list[str] = []
    while True:
        body = call(server, "GET", f"{BASE}/messages", token=token, query=query).json()
        ids += [m["id"] for m in body.get("messages", [])]
        if "nextPageToken" not in body:
            return ids
        query["pageToken"] = body["nextPageToken"]


def stored(server: EmulatorServer, email: str | None = None) -> list[StoredMessage]:
    return list(server.emulator.mailbox(email or server.emails[0]).newest_first())


def test_default_list_is_newest_first_without_spam_and_trash(
    google_emulator: EmulatorServer,
) -> None:
    token = token_for(google_emulator)
    expected = [m.id for m in stored(google_emulator) if not {"SPAM", "TRASH"} & set(m.label_ids)]
    assert list_ids(google_emulator, token, maxResults=11) == expected
    body = call(google_emulator, "GET", f"{BASE}/messages", token=token).json()
    assert body["resultSizeEstimate"] == len(expected)
    assert all(set(m) == {"id", "threadId"} for m in body["messages"])
    dates = [m.internal_date for m in stored(google_emulator)]
    assert dates == sorted(dates, reverse=True)


def test_include_spam_trash_and_label_filters(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    token = token_for(google_emulator, email)
    google_emulator.emulator.deliver(email, kind="spam", labels=["SPAM"])
    everything = [m.id for m in stored(google_emulator)]
    assert list_ids(google_emulator, token, includeSpamTrash="true") == everything
    spam = [m.id for m in stored(google_emulator) if "SPAM" in m.label_ids]
    assert spam
    assert list_ids(google_emulator, token, labelIds="SPAM") == spam
    both = [m.id for m in stored(google_emulator) if {"INBOX", "UNREAD"} <= set(m.label_ids)]
    assert list_ids(google_emulator, token, labelIds=["INBOX", "UNREAD"]) == both
    assert list_ids(google_emulator, token, labelIds="Label_99") == []


def test_max_results_clamps_at_500(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    body = call(
        google_emulator, "GET", f"{BASE}/messages", token=token, query={"maxResults": 100000}
    ).json()
    assert "nextPageToken" not in body
    assert len(body["messages"]) == body["resultSizeEstimate"]


def test_paging_is_stable_while_new_mail_arrives(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    token = token_for(google_emulator, email)
    before = [m.id for m in stored(google_emulator) if not {"SPAM", "TRASH"} & set(m.label_ids)]
    first = call(
        google_emulator, "GET", f"{BASE}/messages", token=token, query={"maxResults": 10}
    ).json()
    google_emulator.emulator.deliver(email, kind="offer")
    rest = list_ids(google_emulator, token, maxResults=10, pageToken=first["nextPageToken"])
    assert [m["id"] for m in first["messages"]] + rest == before


def test_q_subset_matches_gmail_semantics(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    token = token_for(google_emulator, email)
    raw = (
        b"From: Lever <no-reply@hire.lever.co>\r\nTo: x@example.com\r\n"
        b"Subject: Your application to Hooli\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n"
        b"\r\nThanks for applying to the Staff Plumber role.\r\n"
    )
    new_id = google_emulator.emulator.deliver(
        email, raw, labels=["INBOX", "UNREAD"], internal_date=1_704_103_200_000
    )
    queries = {
        "from:hire.lever.co plumber": True,
        'subject:"application to hooli"': True,
        "is:unread in:inbox": True,
        "after:2023/12/31 before:2024/01/02": True,
        "-plumber": False,
        "plumb": False,  # Gmail matches whole words
        "{plumber nonexistentword}": True,
        "from:(nobody.example OR hire.lever.co)": True,
        "label:job-search": False,
        "older_than:1d": True,
    }
    for q, expected in queries.items():
        assert (new_id in list_ids(google_emulator, token, q=q)) is expected, q
    job_ids = {m.id for m in stored(google_emulator) if "Label_1" in m.label_ids}
    hidden = {m.id for m in stored(google_emulator) if {"SPAM", "TRASH"} & set(m.label_ids)}
    assert set(list_ids(google_emulator, token, q="label:job-search")) == job_ids - hidden
    assert set(list_ids(google_emulator, token, q='label:"Job search"')) == job_ids - hidden
    attachments = {m.id for m in stored(google_emulator) if m.content.has_attachment}
    assert set(list_ids(google_emulator, token, q="has:attachment")) == attachments - hidden


def test_formats_return_the_stored_message(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    message = next(m for m in stored(google_emulator) if m.content.attachments)
    path = f"{BASE}/messages/{message.id}"
    raw = call(google_emulator, "GET", path, token=token, query={"format": "raw"}).json()
    assert base64.urlsafe_b64decode(raw["raw"]) == message.raw
    assert "payload" not in raw
    assert raw["sizeEstimate"] == len(message.raw)
    full = call(google_emulator, "GET", path, token=token).json()
    assert "raw" not in full
    assert full["payload"]["partId"] == ""
    assert full["internalDate"] == str(message.internal_date)
    minimal = call(google_emulator, "GET", path, token=token, query={"format": "minimal"}).json()
    assert set(minimal) == {
        "id",
        "threadId",
        "labelIds",
        "snippet",
        "sizeEstimate",
        "historyId",
        "internalDate",
    }
    meta = call(
        google_emulator,
        "GET",
        path,
        token=token,
        query={"format": "metadata", "metadataHeaders": ["subject", "FROM"]},
    ).json()
    assert [h["name"] for h in meta["payload"]["headers"]] == ["From", "Subject"]


def test_attachments_are_fetched_by_id(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    message = next(m for m in stored(google_emulator) if m.content.attachments)
    full = call(google_emulator, "GET", f"{BASE}/messages/{message.id}", token=token).json()
    leaves = [p for p in full["payload"].get("parts", []) if "attachmentId" in p["body"]]
    assert leaves, "a large attachment is referenced by id, not inlined"
    part = leaves[0]
    reply = call(
        google_emulator,
        "GET",
        f"{BASE}/messages/{message.id}/attachments/{part['body']['attachmentId']}",
        token=token,
    ).json()
    data = base64.urlsafe_b64decode(reply["data"])
    assert len(data) == part["body"]["size"] == reply["size"]
    assert data[:4] in (b"%PDF", b"\x89PNG")


def test_fields_masks_top_level_and_nested(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    message = stored(google_emulator)[0]
    body = call(
        google_emulator,
        "GET",
        f"{BASE}/messages/{message.id}",
        token=token,
        query={"fields": "id,labelIds,payload/headers(name)"},
    ).json()
    assert set(body) == {"id", "labelIds", "payload"}
    assert set(body["payload"]) == {"headers"}
    assert all(set(h) == {"name"} for h in body["payload"]["headers"])
    listing = call(
        google_emulator,
        "GET",
        f"{BASE}/messages",
        token=token,
        query={"fields": "messages(id),nextPageToken", "maxResults": 3},
    ).json()
    assert set(listing) == {"messages", "nextPageToken"}
    assert all(set(m) == {"id"} for m in listing["messages"])


def test_modify_trash_untrash_and_delete_over_http(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    token = token_for(google_emulator, email, MODIFY, "https://mail.google.com/")
    message_id = google_emulator.emulator.deliver(email, kind="personal", labels=["INBOX"])
    path = f"{BASE}/messages/{message_id}"
    body = call(
        google_emulator,
        "POST",
        f"{path}/modify",
        token=token,
        json_body={"addLabelIds": ["STARRED"], "removeLabelIds": ["INBOX"]},
    ).json()
    assert body["labelIds"] == ["STARRED"]
    assert call(google_emulator, "POST", f"{path}/trash", token=token).json()["labelIds"] == [
        "STARRED",
        "TRASH",
    ]
    assert (
        "TRASH"
        not in call(google_emulator, "POST", f"{path}/untrash", token=token).json()["labelIds"]
    )
    assert call(google_emulator, "DELETE", path, token=token).status == 204
    assert call(google_emulator, "GET", path, token=token).status == 404


def test_responses_are_gzipped_when_asked(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    request = urllib.request.Request(
        f"{google_emulator.url}{BASE}/messages?maxResults=100",
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        body = json.loads(gzip.decompress(response.read()))
    assert len(body["messages"]) == body["resultSizeEstimate"] > 20


def test_profile_and_labels(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    token = token_for(google_emulator, email)
    profile = call(google_emulator, "GET", f"{BASE}/profile", token=token).json()
    mailbox = google_emulator.emulator.mailbox(email)
    assert profile == {
        "emailAddress": email,
        "messagesTotal": len(mailbox.messages),
        "threadsTotal": len(mailbox.threads),
        "historyId": str(mailbox.history_id),
    }
    labels = call(google_emulator, "GET", f"{BASE}/labels", token=token).json()["labels"]
    ids = {label["id"] for label in labels}
    assert {
        "INBOX",
        "SENT",
        "TRASH",
        "SPAM",
        "DRAFT",
        "UNREAD",
        "STARRED",
        "IMPORTANT",
        "CATEGORY_PERSONAL",
        "CATEGORY_SOCIAL",
        "CATEGORY_PROMOTIONS",
        "CATEGORY_UPDATES",
        "CATEGORY_FORUMS",
    } <= ids
    user = [label for label in labels if label["type"] == "user"]
    assert {label["name"] for label in user} == {"Job search", "Receipts", "Travel", "Family"}
    inbox = call(google_emulator, "GET", f"{BASE}/labels/INBOX", token=token).json()
    expected = sum("INBOX" in m.label_ids for m in mailbox.messages.values())
    assert inbox["messagesTotal"] == expected
