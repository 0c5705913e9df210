"""Malformed requests get a 4xx with a reason from every OAuth endpoint, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import User
from oauth_server.tests.flow import HOST

pytestmark = pytest.mark.django_db

REGISTRATIONS = [
    {"redirect_uris": "https://app.example/cb"},
    {"redirect_uris": [42]},
    {"redirect_uris": ["https://app.example/cb"], "grant_types": "authorization_code"},
    {"redirect_uris": ["https://app.example/cb"], "token_endpoint_auth_method": "private_key_jwt"},
    {"redirect_uris": ["https://app.example/cb"], "client_name": ["x"]},
    {"redirect_uris": ["https://app.example/cb"], "scope": 7},
]
TOKEN_FORMS = [
    {},
    {"grant_type": "password", "username": "a", "password": "b"},
    {"grant_type": "authorization_code"},
    {"grant_type": "authorization_code", "code": "x", "client_id": "nobody"},
    {"grant_type": "refresh_token", "refresh_token": "mbx_rt_zz.yy", "client_id": "nobody"},
    {"grant_type": "refresh_token", "refresh_token": "garbage"},
]
AUTHORIZE_QUERIES = [
    "",
    "response_type=token&client_id=x",
    "response_type=code",
    "response_type=code&client_id=unknown&redirect_uri=https%3A%2F%2Fx.example%2F",
]


@pytest.mark.parametrize("body", REGISTRATIONS)
def test_bad_registrations(body: dict[str, object]) -> None:
    answer = Client(HTTP_HOST=HOST).post(
        "/oauth/register", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 400, answer.content
    assert "error" in answer.json()


@pytest.mark.parametrize("form", TOKEN_FORMS)
def test_bad_token_requests(form: dict[str, str]) -> None:
    answer = Client(HTTP_HOST=HOST).post("/oauth/token", form)
    assert 400 <= answer.status_code < 500, answer.content
    assert "error" in answer.json()


def test_bad_revocations() -> None:
    browser = Client(HTTP_HOST=HOST)
    assert browser.post("/oauth/revoke", {}).status_code in {400, 401}
    unknown = browser.post("/oauth/revoke", {"token": "x", "client_id": "nobody"})
    assert unknown.status_code in {400, 401}
    assert unknown.json()["error"] == "invalid_client"


@pytest.mark.parametrize("query", AUTHORIZE_QUERIES)
def test_bad_authorisation_requests(query: str, owner: User) -> None:
    browser = Client(HTTP_HOST=HOST)
    browser.force_login(owner)
    answer = browser.get(f"/oauth/authorize?{query}")
    assert answer.status_code == 400, answer.content


def test_methods_other_than_post_are_405() -> None:
    browser = Client(HTTP_HOST=HOST)
    for path in ("/oauth/token", "/oauth/revoke", "/oauth/register"):
        assert browser.get(path).status_code == 405
