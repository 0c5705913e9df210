"""Personal API tokens: created once-visible, listed, revoked, used as bearer tokens."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, JsonResponse
from django.test import RequestFactory
from django.utils import timezone

from accounts import api_tokens
from accounts.api_auth import api_login_required
from accounts.tokens.factory import get_buffered_token_store, get_token_store
from mailbox_project.mongo import get_database

pytestmark = pytest.mark.django_db


@api_login_required
def whoami(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"email": request.user.email})


def create_token(client, name="backup script", days=30):
    response = client.post("/account/tokens", {"name": name, "expires_in_days": days})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"].split(", ")
    page = response.content.decode()
    return page.split('<code class="token">', 1)[1].split("</code>", 1)[0]


def test_a_token_is_shown_once_and_stored_only_as_a_hash(client, owner) -> None:
    client.force_login(owner)
    token = create_token(client)
    assert token.startswith("mbx_at_")
    listing = client.get("/account/tokens").content.decode()
    assert "backup script" in listing
    assert token not in listing
    assert token not in str(list(get_database()["token_sessions"].find()))


def test_a_bearer_token_authenticates_and_records_last_use(client, owner) -> None:
    client.force_login(owner)
    token = create_token(client)
    request = RequestFactory().get("/api/x", HTTP_AUTHORIZATION=f"Bearer {token}")
    request.user = AnonymousUser()
    response = whoami(request)
    assert response.status_code == 200
    assert b"owner@example.com" in response.content
    get_buffered_token_store().flush()
    (session,) = api_tokens.list_for(owner)
    assert session.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer mbx_at_nope", "Bearer ", "Basic abc", "Bearer"])
def test_a_bad_bearer_token_is_a_json_401(header) -> None:
    request = RequestFactory().get("/api/x", HTTP_AUTHORIZATION=header)
    request.user = AnonymousUser()
    response = whoami(request)
    assert response.status_code == 401
    assert json.loads(response.content)["error"]["code"] == "unauthenticated"


def test_an_expired_token_is_refused(owner) -> None:
    issued = api_tokens.create(owner, "short", 1)
    store = get_token_store()
    store.store_session(
        dataclasses.replace(issued.record, access_expires_at=timezone.now() - timedelta(seconds=1))
    )
    request = RequestFactory().get("/api/x", HTTP_AUTHORIZATION=f"Bearer {issued.access_token}")
    request.user = AnonymousUser()
    assert whoami(request).status_code == 401


def test_another_user_can_neither_see_nor_revoke_my_tokens(client, owner, other_user) -> None:
    client.force_login(owner)
    create_token(client, name="owner's laptop")
    (mine,) = api_tokens.list_for(owner)

    client.force_login(other_user)
    assert "owner's laptop" not in client.get("/account/tokens").content.decode()
    response = client.post(f"/account/tokens/{mine.session_id}/revoke")
    assert response.status_code == 404
    assert [s.session_id for s in api_tokens.list_for(owner)] == [mine.session_id]

    client.force_login(owner)
    assert client.post(f"/account/tokens/{mine.session_id}/revoke").status_code == 302
    assert api_tokens.list_for(owner) == []


def test_a_blank_name_is_a_form_error(client, owner) -> None:
    client.force_login(owner)
    response = client.post("/account/tokens", {"name": "  ", "expires_in_days": 30})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert api_tokens.list_for(owner) == []
    bad = client.post("/account/tokens", {"name": "x", "expires_in_days": 9999})
    assert b"Select a valid choice" in bad.content


def test_the_tokens_page_needs_sign_in(client) -> None:
    assert client.get("/account/tokens")["Location"].startswith("/sign_in")
