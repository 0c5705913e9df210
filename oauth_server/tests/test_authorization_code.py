"""The authorisation-code grant: PKCE (S256 only), one-time codes, exact redirects, consent."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from accounts.tokens.crypto import hash_token
from accounts.tokens.mongo import SESSIONS
from mailbox_project.mongo import get_database
from oauth_server.tests.flow import (
    HOST,
    REDIRECT,
    RESOURCE,
    authorize_query,
    code_from,
    consent,
    exchange,
    grant,
    pkce,
    register,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def signed(client: Client, owner: User) -> Client:
    client.force_login(owner)
    return client


def test_a_code_becomes_hashed_tokens_bound_to_the_mcp_resource(signed: Client, owner) -> None:
    client_id, token = grant(signed)
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["scope"] == "mail.read applications.read"
    stored = get_database()[SESSIONS].find_one({"client_id": client_id})
    assert stored is not None
    assert stored["access_token_hash"] == hash_token(token["access_token"])
    assert token["access_token"] not in str(stored)
    assert token["refresh_token"] not in str(stored)
    assert stored["resource"] == RESOURCE
    assert stored["user_id"] == str(owner.pk)


def test_the_consent_page_names_client_redirect_host_and_scopes(signed: Client) -> None:
    registered = register(signed, client_name="Claude Desktop")
    page = signed.get(authorize_query(registered["client_id"], pkce().challenge))
    text = page.content.decode()
    assert "Claude Desktop" in text
    assert "127.0.0.1:33418" in text
    assert "an app running on this computer" in text
    assert "mail.read" in text
    assert "applications.read" in text


def test_deny_sends_access_denied_back(signed: Client) -> None:
    registered = register(signed)
    answer = consent(signed, authorize_query(registered["client_id"], pkce().challenge), "deny")
    assert answer.status_code == 302
    assert "error=access_denied" in answer["Location"]
    assert "code=" not in answer["Location"]


def test_a_consent_answer_is_good_once(signed: Client) -> None:
    registered = register(signed)
    url = authorize_query(registered["client_id"], pkce().challenge)
    page = signed.get(url).content.decode()
    value = page.split('name="consent" value="', 1)[1].split('"', 1)[0]
    assert signed.post(url, {"consent": value, "decision": "allow"}).status_code == 302
    assert signed.post(url, {"consent": value, "decision": "allow"}).status_code == 400


def test_consent_needs_the_csrf_token() -> None:
    browser = Client(enforce_csrf_checks=True, HTTP_HOST=HOST)
    user = User.objects.create_user(email="csrf@example.com")
    browser.force_login(user)
    registered = register(browser)
    answer = browser.post(
        authorize_query(registered["client_id"], pkce().challenge), {"decision": "allow"}
    )
    assert answer.status_code == 403


def test_signed_out_people_sign_in_first_and_come_back(client: Client) -> None:
    registered = register(client)
    url = authorize_query(registered["client_id"], pkce().challenge)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/sign_in"
    assert client.session["next"] == url


@pytest.mark.parametrize(("challenge", "method"), [("", ""), ("x" * 43, "plain"), ("x" * 43, "")])
def test_pkce_is_required_and_s256_only(signed: Client, challenge: str, method: str) -> None:
    registered = register(signed)
    url = authorize_query(registered["client_id"], challenge, code_challenge_method=method)
    response = signed.get(url)
    assert response.status_code == 302
    assert "error=invalid_request" in response["Location"]


def test_a_wrong_or_missing_verifier_fails_and_burns_the_code(signed: Client) -> None:
    registered = register(signed)
    proof = pkce()
    code = code_from(consent(signed, authorize_query(registered["client_id"], proof.challenge)))
    wrong = exchange(signed, registered["client_id"], code, pkce().verifier)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    again = exchange(signed, registered["client_id"], code, proof.verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_missing_verifier_is_refused(signed: Client) -> None:
    registered = register(signed)
    proof = pkce()
    code = code_from(consent(signed, authorize_query(registered["client_id"], proof.challenge)))
    missing = exchange(signed, registered["client_id"], code, "")
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"


def test_a_code_is_used_once_and_its_reuse_revokes_what_it_bought(signed: Client) -> None:
    registered = register(signed)
    proof = pkce()
    code = code_from(consent(signed, authorize_query(registered["client_id"], proof.challenge)))
    first = exchange(signed, registered["client_id"], code, proof.verifier)
    assert first.status_code == 200
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {first.json()['access_token']}"}
    assert signed.get("/api/mails", **bearer).status_code == 200
    reused = exchange(signed, registered["client_id"], code, proof.verifier)
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    assert Client(HTTP_HOST=HOST).get("/api/mails", **bearer).status_code == 401


def test_redirect_uris_match_exactly_except_loopback_ports(signed: Client) -> None:
    registered = register(signed)
    challenge = pkce().challenge
    other_port = authorize_query(
        registered["client_id"], challenge, redirect_uri="http://127.0.0.1:5999/callback"
    )
    assert signed.get(other_port).status_code == 200  # RFC 8252: any loopback port
    for uri in ("http://127.0.0.1:33418/callback2", "https://evil.example/callback"):
        page = signed.get(authorize_query(registered["client_id"], challenge, redirect_uri=uri))
        assert page.status_code == 400  # shown here, never redirected to
        assert "Location" not in page


def test_the_token_request_must_repeat_the_redirect_uri(signed: Client) -> None:
    registered = register(signed)
    proof = pkce()
    code = code_from(consent(signed, authorize_query(registered["client_id"], proof.challenge)))
    response = exchange(
        signed, registered["client_id"], code, proof.verifier, redirect_uri=REDIRECT + "x"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_token_for_another_resource_is_refused(signed: Client) -> None:
    registered = register(signed)
    url = authorize_query(
        registered["client_id"], pkce().challenge, resource="https://other.example/mcp"
    )
    response = signed.get(url)
    assert response.status_code == 302
    assert "error=invalid_target" in response["Location"]


def test_unknown_scopes_are_refused(signed: Client) -> None:
    registered = register(signed)
    url = authorize_query(registered["client_id"], pkce().challenge, scope="mail.read mail.send")
    response = signed.get(url)
    assert response.status_code == 302
    assert "error=invalid_scope" in response["Location"]


def test_the_token_request_cannot_switch_resource(signed: Client) -> None:
    registered = register(signed)
    proof = pkce()
    code = code_from(consent(signed, authorize_query(registered["client_id"], proof.challenge)))
    response = exchange(
        signed, registered["client_id"], code, proof.verifier, resource="https://other.example/mcp"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_target"
