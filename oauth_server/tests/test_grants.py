"""Refresh rotation with replay detection, revocation (RFC 7009), registration, API bearer use."""

from __future__ import annotations

import json
import threading

import pytest
from django.test import Client
from django.test.utils import override_settings

from accounts import api_tokens
from accounts.models import User
from accounts.tokens.factory import get_token_store
from oauth_server import connected
from oauth_server.tests.flow import HOST, REDIRECT, grant, refresh, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def signed(client: Client, owner: User) -> Client:
    client.force_login(owner)
    return client


def api(client: Client, path: str, token: str) -> int:
    return Client(HTTP_HOST=HOST).get(path, HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_refresh_rotates_both_tokens_and_the_old_ones_stop(signed: Client) -> None:
    client_id, first = grant(signed)
    rotated = refresh(signed, client_id, first["refresh_token"])
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert api(signed, "/api/mails", second["access_token"]) == 200
    assert api(signed, "/api/mails", first["access_token"]) == 401


def test_a_replayed_refresh_token_revokes_the_whole_grant(signed: Client) -> None:
    client_id, first = grant(signed)
    second = refresh(signed, client_id, first["refresh_token"]).json()
    replay = refresh(signed, client_id, first["refresh_token"])
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    # The thief's replay ended the legitimate holder's tokens too.
    assert api(signed, "/api/mails", second["access_token"]) == 401
    assert refresh(signed, client_id, second["refresh_token"]).status_code == 400


def test_two_concurrent_refreshes_with_one_token_cannot_both_win(owner: User) -> None:
    browser = Client(HTTP_HOST=HOST)
    browser.force_login(owner)
    client_id, first = grant(browser)
    answers: list[int] = []

    def refresh_once() -> None:
        answers.append(
            refresh(Client(HTTP_HOST=HOST), client_id, first["refresh_token"]).status_code
        )

    threads = [threading.Thread(target=refresh_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers)[0] == 200
    assert answers.count(200) == 1


def test_refresh_cannot_widen_the_scope(signed: Client) -> None:
    client_id, first = grant(signed, scope="applications.read")
    wider = refresh(signed, client_id, first["refresh_token"], scope="mail.read applications.read")
    assert wider.status_code == 400
    assert wider.json()["error"] == "invalid_scope"


def test_another_clients_refresh_token_is_refused(signed: Client) -> None:
    _, first = grant(signed)
    stranger = register(signed)["client_id"]
    assert refresh(signed, stranger, first["refresh_token"]).status_code == 400


def test_api_access_follows_the_granted_scope(signed: Client) -> None:
    _, token = grant(signed, scope="applications.read")
    assert api(signed, "/api/applications", token["access_token"]) == 200
    assert api(signed, "/api/mails", token["access_token"]) == 403


def test_revocation_of_either_token_ends_the_grant(signed: Client) -> None:
    client_id, token = grant(signed)
    answer = signed.post("/oauth/revoke", {"token": token["refresh_token"], "client_id": client_id})
    assert answer.status_code == 200
    assert api(signed, "/api/mails", token["access_token"]) == 401
    # RFC 7009: an unknown token is answered 200 as well.
    again = signed.post("/oauth/revoke", {"token": token["refresh_token"], "client_id": client_id})
    assert again.status_code == 200


def test_a_client_cannot_revoke_a_personal_api_token(signed: Client, owner: User) -> None:
    personal = api_tokens.create(owner, "script", days=1)
    client_id = register(signed)["client_id"]
    signed.post("/oauth/revoke", {"token": personal.access_token, "client_id": client_id})
    assert api(signed, "/api/mails", personal.access_token) == 200


def test_connected_apps_are_listed_and_revoked_by_their_owner_only(
    signed: Client, owner: User, other_user: User
) -> None:
    _, token = grant(signed)
    (app,) = connected.list_for(owner)
    assert app.name == "Test Assistant"
    assert api_tokens.list_for(owner) == []  # not a personal token
    assert not connected.revoke(other_user, app.session_id)
    page = signed.get("/account")
    assert "Test Assistant" in page.content.decode()
    signed.post(f"/account/apps/{app.session_id}/revoke")
    assert connected.list_for(owner) == []
    assert api(signed, "/api/mails", token["access_token"]) == 401


def test_deleting_a_client_ends_its_grants(signed: Client) -> None:
    client_id, token = grant(signed)
    get_token_store().delete_client(client_id)
    assert api(signed, "/api/mails", token["access_token"]) == 401


def test_registration_returns_no_secret_to_public_clients(client: Client) -> None:
    registered = register(client)
    assert "client_secret" not in registered
    assert registered["token_endpoint_auth_method"] == "none"


def test_confidential_clients_get_a_secret_shown_once(client: Client) -> None:
    registered = register(client, token_endpoint_auth_method="client_secret_basic")
    assert registered["client_secret"].startswith("mbx_cs_")
    stored = get_token_store().load_client(registered["client_id"])
    assert stored is not None
    assert registered["client_secret"] not in repr(stored)


@pytest.mark.parametrize(
    "metadata",
    [
        {"redirect_uris": ["http://evil.example/cb"]},
        {"redirect_uris": []},
        {"redirect_uris": ["https://app.example/cb#frag"]},
        {"grant_types": ["client_credentials"]},
    ],
)
def test_bad_registrations_are_400(client: Client, metadata: dict[str, object]) -> None:
    body = {"client_name": "x", "redirect_uris": [REDIRECT], **metadata}
    answer = client.post("/oauth/register", json.dumps(body), content_type="application/json")
    assert answer.status_code == 400


def test_a_body_that_is_no_json_object_is_400(client: Client) -> None:
    for body in ("not json", "[1, 2]"):
        answer = client.post("/oauth/register", body, content_type="application/json")
        assert answer.status_code == 400


@override_settings(OAUTH_REGISTRATION_RATE=(3, 60))
def test_a_registration_flood_is_429_with_retry_after(client: Client) -> None:
    for _ in range(3):
        register(client)
    flood = client.post(
        "/oauth/register",
        json.dumps({"redirect_uris": [REDIRECT]}),
        content_type="application/json",
    )
    assert flood.status_code == 429
    assert 1 <= int(flood["Retry-After"]) <= 61


def test_metadata_documents_what_is_enforced(client: Client) -> None:
    meta = client.get("/.well-known/oauth-authorization-server").json()
    assert meta["issuer"] == f"http://{HOST}"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["grant_types_supported"] == ["authorization_code", "refresh_token"]
    resource = client.get("/.well-known/oauth-protected-resource").json()
    assert resource["resource"] == f"http://{HOST}/mcp"
    assert resource["authorization_servers"] == [meta["issuer"]]
