"""The OAuth 2.0 authorization-code flow over plain HTTP, as social-auth drives it."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from google_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URIS
from google_emulator.testing import EmulatorServer

from .helpers import READONLY, Reply, call

REDIRECT = DEFAULT_REDIRECT_URIS[0]
SCOPE = f"openid email profile {READONLY}"


def authorize(server: EmulatorServer, **overrides: str) -> Reply:
    params = {
        "client_id": DEFAULT_CLIENT_ID,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": SCOPE,
        "state": "st4te-ü",
        "access_type": "offline",
    }
    params.update(overrides)
    return call(server, "GET", "/o/oauth2/auth", query={k: v for k, v in params.items() if v})


def consent(server: EmulatorServer, page: Reply, email: str, action: str = "allow") -> Reply:
    txn = re.search(r'name="txn" value="([^"]+)"', page.body.decode())
    assert txn is not None
    form = {"txn": txn.group(1), "email": email, "action": action}
    return call(server, "POST", "/o/oauth2/auth/consent", form=form)


def redirected_params(reply: Reply) -> dict[str, str]:
    assert reply.status == 302, reply.body[:200]
    location = reply.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(server: EmulatorServer, email: str | None = None, **overrides: str) -> str:
    email = email or server.emails[0]
    params = redirected_params(consent(server, authorize(server, **overrides), email))
    return params["code"]


def exchange(server: EmulatorServer, code: str, **overrides: str) -> Reply:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
    }
    form.update(overrides)
    return call(server, "POST", "/token", form={k: v for k, v in form.items() if v})


def assert_oauth_error(reply: Reply, status: int, error: str) -> None:
    assert reply.status == status, reply.body
    body = reply.json()
    assert body["error"] == error
    assert isinstance(body["error_description"], str)


def jwt_claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_consent_page_lists_demo_accounts_and_scopes(google_emulator: EmulatorServer) -> None:
    second = google_emulator.emails[1]
    page = authorize(google_emulator, login_hint=second)
    html = page.body.decode()
    assert page.status == 200
    assert "Google emulator — demo accounts" in html
    for email in google_emulator.emails:
        assert f'data-email="{email}"' in html
    assert re.search(rf'data-email="{re.escape(second)}" id="[^"]+" checked', html)
    assert 'id="allow"' in html
    assert 'id="deny"' in html
    assert f'data-scope="{READONLY}"' in html


def test_allow_returns_code_and_state_and_the_code_buys_tokens(
    google_emulator: EmulatorServer,
) -> None:
    email = google_emulator.emails[0]
    params = redirected_params(consent(google_emulator, authorize(google_emulator), email))
    assert params["state"] == "st4te-ü"
    reply = exchange(google_emulator, params["code"])
    assert reply.status == 200
    body = reply.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token"].startswith("1//")
    assert READONLY in body["scope"].split()
    assert "https://www.googleapis.com/auth/userinfo.email" in body["scope"].split()
    claims = jwt_claims(body["id_token"])
    assert claims["email"] == email
    assert claims["aud"] == DEFAULT_CLIENT_ID
    info = call(google_emulator, "GET", "/oauth2/v3/userinfo", token=body["access_token"]).json()
    mailbox = google_emulator.emulator.mailbox(email)
    assert info == {
        "sub": mailbox.sub,
        "name": mailbox.name,
        "given_name": mailbox.name.split(" ")[0],
        "family_name": mailbox.name.split(" ", 1)[1],
        "picture": mailbox.picture,
        "email": email,
        "email_verified": True,
    }


def test_online_access_gets_no_refresh_token(google_emulator: EmulatorServer) -> None:
    body = exchange(google_emulator, get_code(google_emulator, access_type="")).json()
    assert "refresh_token" not in body
    assert body["access_token"]


def test_refresh_token_only_on_first_consent_unless_prompt_consent(
    google_emulator: EmulatorServer,
) -> None:
    assert "refresh_token" in exchange(google_emulator, get_code(google_emulator)).json()
    assert "refresh_token" not in exchange(google_emulator, get_code(google_emulator)).json()
    again = exchange(google_emulator, get_code(google_emulator, prompt="consent")).json()
    assert "refresh_token" in again


def test_deny_redirects_with_access_denied_and_state(google_emulator: EmulatorServer) -> None:
    page = authorize(google_emulator)
    params = redirected_params(consent(google_emulator, page, google_emulator.emails[0], "deny"))
    assert params == {"error": "access_denied", "state": "st4te-ü"}


@pytest.mark.parametrize(
    ("overrides", "status", "error"),
    [
        ({"client_id": "someone-else"}, 401, "invalid_client"),
        ({"redirect_uri": "http://127.0.0.1:8000/evil/"}, 400, "redirect_uri_mismatch"),
        ({"redirect_uri": REDIRECT + "x"}, 400, "redirect_uri_mismatch"),
        ({"response_type": "token"}, 400, "unsupported_response_type"),
        ({"scope": ""}, 400, "invalid_request"),
    ],
)
def test_bad_authorization_requests_get_an_error_page_not_a_redirect(
    google_emulator: EmulatorServer, overrides: dict[str, str], status: int, error: str
) -> None:
    reply = authorize(google_emulator, **overrides)
    assert reply.status == status
    assert "Location" not in reply.headers
    assert f"Error {status}: {error}" in reply.body.decode()


def test_a_code_is_single_use(google_emulator: EmulatorServer) -> None:
    code = get_code(google_emulator)
    assert exchange(google_emulator, code).status == 200
    assert_oauth_error(exchange(google_emulator, code), 400, "invalid_grant")


def test_an_expired_code_is_invalid_grant(google_emulator: EmulatorServer) -> None:
    code = get_code(google_emulator)
    google_emulator.emulator.tokens.codes[code].expires_at = 0
    assert_oauth_error(exchange(google_emulator, code), 400, "invalid_grant")


def test_token_endpoint_checks_client_and_redirect_uri(google_emulator: EmulatorServer) -> None:
    code = get_code(google_emulator)
    assert_oauth_error(exchange(google_emulator, code, client_secret="nope"), 401, "invalid_client")
    assert_oauth_error(exchange(google_emulator, code, client_id="nope"), 401, "invalid_client")
    mismatch = exchange(google_emulator, code, redirect_uri=DEFAULT_REDIRECT_URIS[1])
    assert_oauth_error(mismatch, 400, "redirect_uri_mismatch")
    assert_oauth_error(exchange(google_emulator, code), 400, "invalid_grant")  # burnt by then


def test_http_basic_client_authentication(google_emulator: EmulatorServer) -> None:
    code = get_code(google_emulator)
    basic = base64.b64encode(f"{DEFAULT_CLIENT_ID}:{DEFAULT_CLIENT_SECRET}".encode()).decode()
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    reply = call(
        google_emulator,
        "POST",
        "/o/oauth2/token",
        form=form,
        headers={"Authorization": f"Basic {basic}"},
    )
    assert reply.status == 200
    assert reply.json()["access_token"]


def test_grant_type_errors(google_emulator: EmulatorServer) -> None:
    assert_oauth_error(
        exchange(google_emulator, "x", grant_type="password"), 400, "unsupported_grant_type"
    )
    assert_oauth_error(exchange(google_emulator, "x", grant_type=""), 400, "invalid_request")


def test_pkce_s256_good_and_bad_verifier(google_emulator: EmulatorServer) -> None:
    verifier = "a-verifier-that-is-at-least-43-characters-long-0123456789"
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    overrides = {"code_challenge": challenge.decode().rstrip("="), "code_challenge_method": "S256"}
    good = get_code(google_emulator, **overrides)
    assert exchange(google_emulator, good, code_verifier=verifier).status == 200
    bad = get_code(google_emulator, **overrides)
    assert_oauth_error(
        exchange(google_emulator, bad, code_verifier=verifier + "x"), 400, "invalid_grant"
    )
    missing = get_code(google_emulator, **overrides)
    assert_oauth_error(exchange(google_emulator, missing), 400, "invalid_grant")


def test_refresh_grant_then_revocation(google_emulator: EmulatorServer) -> None:
    tokens = exchange(google_emulator, get_code(google_emulator)).json()
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
    }
    refreshed = call(google_emulator, "POST", "/token", form=form).json()
    assert refreshed["access_token"] != tokens["access_token"]
    assert "refresh_token" not in refreshed  # Google does not rotate refresh tokens
    revoke = call(google_emulator, "POST", "/revoke", form={"token": tokens["refresh_token"]})
    assert revoke.status == 200
    assert revoke.json() == {}
    assert_oauth_error(call(google_emulator, "POST", "/token", form=form), 400, "invalid_grant")
    for access in (tokens["access_token"], refreshed["access_token"]):
        assert call(google_emulator, "GET", "/oauth2/v3/userinfo", token=access).status == 401
    again = call(google_emulator, "POST", "/revoke", form={"token": tokens["refresh_token"]})
    assert_oauth_error(again, 400, "invalid_token")


def test_revoking_an_access_token_revokes_the_grant(google_emulator: EmulatorServer) -> None:
    tokens = exchange(google_emulator, get_code(google_emulator)).json()
    revoke = call(
        google_emulator, "GET", "/o/oauth2/revoke", query={"token": tokens["access_token"]}
    )
    assert revoke.status == 200
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
    }
    assert_oauth_error(call(google_emulator, "POST", "/token", form=form), 400, "invalid_grant")


def test_userinfo_needs_a_valid_token_and_v2_uses_legacy_names(
    google_emulator: EmulatorServer,
) -> None:
    assert call(google_emulator, "GET", "/oauth2/v3/userinfo").status == 401
    assert call(google_emulator, "GET", "/oauth2/v3/userinfo", token="ya29.nope").status == 401
    tokens = exchange(google_emulator, get_code(google_emulator)).json()
    legacy = call(google_emulator, "GET", "/oauth2/v2/userinfo", token=tokens["access_token"])
    assert legacy.json()["verified_email"] is True
    assert "id" in legacy.json()
    assert_oauth_error(
        call(google_emulator, "POST", "/revoke", form={"token": "nope"}), 400, "invalid_token"
    )
