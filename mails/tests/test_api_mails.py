"""/api/mails and /api/mails/<id>: JSON search and read, by session or API bearer token."""

# The shared fixtures are imported from test_mail_pages; pytest injects them by parameter name.
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.test_api_tokens import create_token
from mails.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

LIST_KEYS = {
    "id", "thread_id", "from", "to", "cc", "subject", "snippet", "date", "labels", "is_unread",
    "is_starred", "has_attachment", "attachments", "size", "gmail_url", "badges",
}  # fmt: skip


@pytest.fixture
def bearer(client, mailbox) -> dict[str, str]:
    """Headers carrying an API token made on the account page, for a client without a session."""
    client.force_login(mailbox.user)
    token = create_token(client, name="api test")
    client.logout()
    return {"Authorization": f"Bearer {token}"}


def test_a_search_answers_results_and_a_cursor_without_bodies(signed_in, mailbox) -> None:
    older = mailbox.add(subject="Tamarack interview", body="Bring your portfolio")
    newer = mailbox.add(
        subject="Tamarack offer",
        body="Congratulations",
        sender="Tia Tam <tia@tamarack.example>",
        cc="boss@tamarack.example",
        attachments=[("offer.pdf", b"%PDF-1.4 offer")],
        labels=["INBOX", "UNREAD", "Job hunt"],
    )
    mailbox.sync()

    response = signed_in.get("/api/mails", {"q": "tamarack"})

    assert response.status_code == 200
    data = response.json()
    assert data["next_cursor"] is None
    assert [r["id"] for r in data["results"]] == [newer, older]
    first = data["results"][0]
    assert set(first) == LIST_KEYS
    stored = Message.objects.for_user(mailbox.user).get(gmail_id=newer)
    assert first["from"] == {"name": "Tia Tam", "address": "tia@tamarack.example"}
    assert first["to"] == ["alex.morgan@example.com"]
    assert first["cc"] == ["boss@tamarack.example"]
    assert first["subject"] == "Tamarack offer"
    assert first["snippet"] == stored.snippet
    assert first["date"] == stored.internal_date.isoformat()
    assert first["labels"] == ["Inbox", "Unread", "Job hunt"]
    assert first["is_unread"] is True
    assert first["has_attachment"] is True
    assert first["attachments"] == [{"name": "offer.pdf", "size": 14, "type": "application/pdf"}]
    assert first["gmail_url"] == stored.gmail_url
    assert first["thread_id"] == stored.thread_id
    assert first["size"] == stored.size_estimate > 0
    assert first["badges"] == []


def test_fields_body_adds_the_body_text(signed_in, mailbox) -> None:
    mailbox.add(subject="Sorrel notes", body="The whole body of the sorrel notes.")
    mailbox.sync()
    [result] = signed_in.get("/api/mails", {"q": "sorrel", "fields": "body"}).json()["results"]
    assert result["body_text"].strip() == "The whole body of the sorrel notes."


def test_an_unknown_field_is_a_400_listing_the_allowed_ones(signed_in) -> None:
    response = signed_in.get("/api/mails", {"fields": "body,headers"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_fields"
    assert "headers" in error["message"]
    assert "allowed: body" in error["message"]


def test_cursors_walk_every_match_once_newest_first(signed_in, mailbox) -> None:
    ids = [mailbox.add(subject=f"Yarrow digest {n}") for n in range(7)]
    mailbox.sync()
    seen, cursor, pages = [], None, 0
    while True:
        params = {"q": "yarrow", "page_size": "3", **({"cursor": cursor} if cursor else {})}
        data = signed_in.get("/api/mails", params).json()
        seen += [r["id"] for r in data["results"]]
        pages += 1
        cursor = data["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]
    assert pages == 3


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"page_size": "0"}, "bad_page_size"),
        ({"page_size": "101"}, "bad_page_size"),
        ({"page_size": "-5"}, "bad_page_size"),
        ({"page_size": "1e3"}, "bad_page_size"),
        ({"cursor": "garbage"}, "bad_cursor"),
        ({"q": "from:"}, "bad_query"),
        ({"q": "(unclosed"}, "bad_query"),
    ],
)
def test_bad_parameters_are_a_400_with_code_and_message(signed_in, params, code) -> None:
    response = signed_in.get("/api/mails", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_a_bad_query_names_the_position(signed_in) -> None:
    error = signed_in.get("/api/mails", {"q": "offer after:2024/13/45"}).json()["error"]
    assert error["position"] == 7
    assert "position 7" in error["message"]


def test_the_largest_page_size_is_one_page_of_what_smaller_pages_walk(signed_in, mailbox) -> None:
    mailbox.sync()
    walked, cursor = [], None
    while True:
        params = {"page_size": "25", **({"cursor": cursor} if cursor else {})}
        data = signed_in.get("/api/mails", params).json()
        walked += [r["id"] for r in data["results"]]
        if not (cursor := data["next_cursor"]):
            break
    assert 25 < len(walked) <= 100
    largest = signed_in.get("/api/mails", {"page_size": "100"}).json()
    assert [r["id"] for r in largest["results"]] == walked
    assert largest["next_cursor"] is None


def test_a_message_by_id_has_everything(signed_in, mailbox) -> None:
    gmail_id = mailbox.add(
        subject="Rowan details",
        body="Full text here.",
        bcc="me@private.example",
        labels=["INBOX"],
    )
    mailbox.sync()
    stored = Message.objects.for_user(mailbox.user).get(gmail_id=gmail_id)
    data = signed_in.get(f"/api/mails/{gmail_id}").json()
    assert set(data) == LIST_KEYS | {"body_text", "bcc", "rfc822_message_id", "list_id"}
    assert data["id"] == gmail_id
    assert data["body_text"].strip() == "Full text here."
    assert data["rfc822_message_id"] == stored.rfc822_message_id
    assert data["rfc822_message_id"].endswith("@lima.example>")
    assert data["bcc"] == list(stored.bcc_addresses)


def test_a_bearer_token_from_the_account_page_authenticates(client, mailbox, bearer) -> None:
    gmail_id = mailbox.add(subject="Bearer check")
    mailbox.sync()
    listing = client.get("/api/mails", {"q": "bearer"}, headers=bearer)
    assert listing.status_code == 200
    assert [r["id"] for r in listing.json()["results"]] == [gmail_id]
    assert client.get(f"/api/mails/{gmail_id}", headers=bearer).status_code == 200


def test_no_or_a_bad_credential_is_a_401(client, mailbox) -> None:
    anonymous = client.get("/api/mails")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    forged = client.get("/api/mails/abc", headers={"Authorization": "Bearer mbx_at_forged"})
    assert forged.status_code == 401
    assert forged["WWW-Authenticate"] == 'Bearer realm="mailbox"'


def test_another_users_mail_is_invisible_to_search_and_by_id(
    client, mailbox, other_mailbox, bearer
) -> None:
    mine = mailbox.add(subject="Cedar plans")
    theirs = other_mailbox.add(subject="Cedar plans", to="sam.rivera@example.com")
    mailbox.sync()
    other_mailbox.sync()
    found = client.get("/api/mails", {"q": "cedar"}, headers=bearer).json()["results"]
    assert [r["id"] for r in found] == [mine]
    response = client.get(f"/api/mails/{theirs}", headers=bearer)
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "No message with this id."}
    }


def test_only_get_is_allowed(signed_in) -> None:
    response = signed_in.post("/api/mails")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert signed_in.delete("/api/mails/abc").status_code == 405


@pytest.mark.parametrize("path", ["/api/mails", "/mails"])
def test_a_bigger_page_costs_no_more_database_queries(signed_in, mailbox, path) -> None:
    # Touching a deferred field (the body) or a relation per row would add a query per message.
    mailbox.sync()
    signed_in.get(path, {"page_size": "1"})  # once-per-session work (last seen) out of the way
    counts = []
    for size in ("2", "40"):
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.get(path, {"page_size": size})
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], [q["sql"][:80] for q in queries.captured_queries]
