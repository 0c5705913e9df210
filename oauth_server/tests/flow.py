"""Drive the authorisation server through the Django test client, as an MCP client would."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client

REDIRECT = "http://127.0.0.1:33418/callback"
# Authlib refuses plain http except on loopback hosts (RFC 8252), so tests speak as localhost.
HOST = "localhost"
RESOURCE = f"http://{HOST}/mcp"


@dataclass
class Pkce:
    verifier: str
    challenge: str


def pkce() -> Pkce:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return Pkce(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode())


def register(client: Client, **metadata: Any) -> dict[str, Any]:
    body = {
        "client_name": "Test Assistant",
        "redirect_uris": [REDIRECT],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        **metadata,
    }
    response = client.post("/oauth/register", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def authorize_query(client_id: str, challenge: str, **params: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": "mail.read applications.read",
        "state": "st-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "resource": RESOURCE,
        **params,
    }
    return "/oauth/authorize?" + urlencode({k: v for k, v in query.items() if v != ""})


def consent(client: Client, url: str, decision: str = "allow") -> Any:
    """Open the consent page at ``url`` and answer it; return the answer's response."""
    page = client.get(url)
    assert page.status_code == 200, page.content
    token = re.search(r'name="consent" value="([^"]+)"', page.content.decode())
    assert token is not None
    return client.post(url, {"consent": token.group(1), "decision": decision})


def code_from(response: Any) -> str:
    assert response.status_code == 302, response.content
    params = parse_qs(urlsplit(response["Location"]).query)
    assert params["state"] == ["st-123"]
    return str(params["code"][0])


def exchange(client: Client, client_id: str, code: str, verifier: str, **extra: str) -> Any:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": client_id,
        "code_verifier": verifier,
        **extra,
    }
    return client.post("/oauth/token", {k: v for k, v in form.items() if v != ""})


def refresh(client: Client, client_id: str, refresh_token: str, **extra: str) -> Any:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    return client.post("/oauth/token", {**form, **extra})


def grant(client: Client, **params: str) -> tuple[str, dict[str, Any]]:
    """Register, consent and exchange; return the client id and the token response."""
    registered = register(client)
    proof = pkce()
    code = code_from(
        consent(client, authorize_query(registered["client_id"], proof.challenge, **params))
    )
    response = exchange(client, registered["client_id"], code, proof.verifier)
    assert response.status_code == 200, response.content
    return registered["client_id"], dict(response.json())
