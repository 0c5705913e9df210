"""The real google-api-python-client and google-auth work against the emulator unchanged."""

from __future__ import annotations

from typing import Any

import google_auth_httplib2
import httplib2
import pytest
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request as AuthRequest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from google_emulator.testing import EmulatorServer

from .helpers import READONLY


def real_service(server: EmulatorServer, credentials: Any) -> Any:
    """Build the service exactly as production code will: only api_endpoint changes."""
    return build(
        "gmail",
        "v1",
        credentials=credentials,
        static_discovery=True,
        client_options={"api_endpoint": server.url},
    )


def test_list_next_pages_through_the_whole_mailbox(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    service = real_service(google_emulator, google_emulator.credentials(email))
    messages = service.users().messages()
    request = messages.list(userId="me", maxResults=7, includeSpamTrash=True)
    seen: list[str] = []
    pages = 0
    while request is not None:
        response = request.execute()
        seen += [m["id"] for m in response["messages"]]
        pages += 1
        request = messages.list_next(request, response)
    mailbox = google_emulator.emulator.mailbox(email)
    assert seen == [m.id for m in mailbox.newest_first()]
    assert pages == -(-len(mailbox.messages) // 7)


def test_batch_of_fifty_gets_with_the_real_batch_request(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    service = real_service(google_emulator, google_emulator.credentials(email))
    ids = [m.id for m in google_emulator.emulator.mailbox(email).newest_first()][:50]
    results: dict[str, Any] = {}

    def collect(request_id: str, response: Any, exception: Exception | None) -> None:
        results[request_id] = exception or response

    batch = BatchHttpRequest(callback=collect, batch_uri=google_emulator.batch_uri)
    for message_id in ids:
        batch.add(service.users().messages().get(userId="me", id=message_id, format="raw"))
    batch.execute()
    assert [results[str(i + 1)]["id"] for i in range(50)] == ids
    stats = google_emulator.emulator.stats(email)
    assert stats["calls"]["users.messages.get"] == 50
    assert google_emulator.emulator.stats()["batch_requests"] == 1


def test_new_batch_http_request_works_with_the_helper_service(
    google_emulator: EmulatorServer,
) -> None:
    email = google_emulator.emails[1]
    service = google_emulator.gmail_service(email)
    ids = [m.id for m in google_emulator.emulator.mailbox(email).newest_first()][:5]
    got: list[str] = []
    batch = service.new_batch_http_request(callback=lambda rid, resp, exc: got.append(resp["id"]))
    assert batch._batch_uri == google_emulator.batch_uri
    for message_id in ids:
        batch.add(service.users().messages().get(userId="me", id=message_id, format="minimal"))
    batch.execute()
    assert got == ids


def test_credentials_refresh_against_the_token_endpoint(google_emulator: EmulatorServer) -> None:
    grant = google_emulator.issue_tokens(google_emulator.emails[0])
    credentials = Credentials(
        token=None,
        refresh_token=grant["refresh_token"],
        token_uri=google_emulator.token_uri,
        client_id=google_emulator.config.client_id,
        client_secret=google_emulator.config.client_secret,
    )
    credentials.refresh(AuthRequest())
    assert credentials.token
    assert credentials.token.startswith("ya29.")
    assert credentials.expiry is not None
    profile = real_service(google_emulator, credentials).users().getProfile(userId="me").execute()
    assert profile["emailAddress"] == google_emulator.emails[0]


def test_revoked_refresh_token_raises_refresh_error(google_emulator: EmulatorServer) -> None:
    grant = google_emulator.issue_tokens(google_emulator.emails[0])
    google_emulator.emulator.revoke_tokens(google_emulator.emails[0])
    credentials = Credentials(
        token=None,
        refresh_token=grant["refresh_token"],
        token_uri=google_emulator.token_uri,
        client_id=google_emulator.config.client_id,
        client_secret=google_emulator.config.client_secret,
    )
    with pytest.raises(RefreshError, match="invalid_grant"):
        credentials.refresh(AuthRequest())


def test_an_expired_access_token_is_refreshed_by_authorized_http(
    google_emulator: EmulatorServer,
) -> None:
    email = google_emulator.emails[0]
    credentials = google_emulator.credentials(email)
    old_token = credentials.token
    google_emulator.emulator.expire_access_token(old_token)
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http())
    service = build(
        "gmail",
        "v1",
        http=http,
        static_discovery=True,
        client_options={"api_endpoint": google_emulator.url},
    )
    profile = service.users().getProfile(userId="me").execute()
    assert profile["emailAddress"] == email
    assert credentials.token != old_token
    statuses = google_emulator.emulator.stats(email)["statuses"]
    assert statuses == {"200": 1, "401": 1}


def test_batch_parts_with_an_expired_token_are_retried_after_refresh(
    google_emulator: EmulatorServer,
) -> None:
    email = google_emulator.emails[0]
    credentials = google_emulator.credentials(email)
    service = real_service(google_emulator, credentials)
    google_emulator.emulator.expire_access_token(email)
    ids = [m.id for m in google_emulator.emulator.mailbox(email).newest_first()][:3]
    ok: list[str] = []
    batch = BatchHttpRequest(
        callback=lambda rid, resp, exc: ok.append(resp["id"]) if exc is None else None,
        batch_uri=google_emulator.batch_uri,
    )
    for message_id in ids:
        batch.add(service.users().messages().get(userId="me", id=message_id))
    batch.execute()
    assert sorted(ok) == sorted(ids)


def test_http_errors_carry_googles_error_details(google_emulator: EmulatorServer) -> None:
    email = google_emulator.emails[0]
    service = real_service(google_emulator, google_emulator.credentials(email, (READONLY,)))
    with pytest.raises(HttpError) as caught:
        service.users().messages().get(userId="me", id="0000000000000000").execute()
    assert caught.value.resp.status == 404
    assert caught.value.error_details == [
        {"message": "Requested entity was not found.", "domain": "global", "reason": "notFound"}
    ]
    with pytest.raises(HttpError) as caught:
        service.users().history().list(userId="me", startHistoryId="1").execute()
    assert caught.value.resp.status == 404
