"""Drive Google sign-in through the Django test client and the emulator's real consent form."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from django.test import Client

from google_emulator.testing import EmulatorServer


def consent(authorize_url: str, email: str, *, allow: bool = True) -> str:
    """Open the emulator's consent page at ``authorize_url``, decide; return the redirect URL."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    txn = page.text.split('name="txn" value="', 1)[1].split('"', 1)[0]
    consent_url = authorize_url.split("/o/oauth2/", 1)[0] + "/o/oauth2/auth/consent"
    form = {"txn": txn, "email": email, "action": "allow" if allow else "deny"}
    decided = requests.post(consent_url, data=form, allow_redirects=False, timeout=10)
    assert decided.status_code in (302, 303), decided.text
    return str(decided.headers["Location"])


def begin(client: Client) -> str:
    """POST the sign-in form; return the Google authorization URL it redirects to."""
    response = client.post("/login/google-oauth2/")
    assert response.status_code == 302, response.content
    return str(response["Location"])


def complete(client: Client, callback_url: str) -> Any:
    """Follow Google's redirect back to our callback with the test client."""
    parts = urlsplit(callback_url)
    return client.get(parts.path, parse_qs(parts.query))


def sign_in(client: Client, emulator: EmulatorServer, email: str, *, allow: bool = True) -> Any:
    """Run the whole sign-in and return the callback's response."""
    return complete(client, consent(begin(client), email, allow=allow))
