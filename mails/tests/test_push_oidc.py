"""POST /mails/push/ with Pub/Sub's OIDC JWT: Google's certificates are fetched through a seam
with a short timeout and cached as long as their Cache-Control says, never per request.

A real HTTP server in the test plays Google's certificate endpoint (PEM certificates by key id,
like https://www.googleapis.com/oauth2/v1/certs); the tokens are signed with its key.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

from mails import push
from mails.tests.test_push_webhook import envelope

pytestmark = pytest.mark.django_db

AUDIENCE = "https://mailbox.example/mails/push/"
SERVICE_ACCOUNT = "pubsub-push@mailbox-demo.iam.gserviceaccount.com"
KEY_ID = "test-key-1"


def _key_and_cert() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "certs.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem_key, cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class CertServer:
    """Google's certificate endpoint: counts fetches; can answer with a delay."""

    url: str = ""
    fetches: int = 0
    max_age: int = 3600
    delay: float = 0.0
    key: bytes = b""
    cert: bytes = b""
    release: threading.Event = field(default_factory=threading.Event)

    def token(self, audience: str = AUDIENCE, email: str = SERVICE_ACCOUNT) -> str:
        now = int(time.time())
        claims = {
            "iss": "https://accounts.google.com",
            "aud": audience,
            "iat": now,
            "exp": now + 3600,
            "email": email,
            "email_verified": True,
            "sub": "1234",
        }
        signer = crypt.RSASigner.from_string(self.key, key_id=KEY_ID)
        return str(jwt.encode(signer, claims).decode())


@pytest.fixture
def certs(settings) -> Iterator[CertServer]:
    state = CertServer()
    state.key, state.cert = _key_and_cert()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.fetches += 1
            if state.delay:
                state.release.wait(state.delay)
            body = json.dumps({KEY_ID: state.cert.decode()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", f"public, max-age={state.max_age}, must-revalidate")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/oauth2/v1/certs"
    settings.PUSH_WEBHOOK_TOKEN = ""
    settings.PUSH_OIDC_AUDIENCE = AUDIENCE
    settings.PUSH_OIDC_SERVICE_ACCOUNT = SERVICE_ACCOUNT
    settings.PUSH_OIDC_CERTS_URL = state.url
    push.GOOGLE_CERTS.forget()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    push.GOOGLE_CERTS.forget()


def post(client, token: str):
    return client.post(
        "/mails/push/",
        envelope("owner@example.com", 99),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_signed_push_is_accepted_and_the_certificates_are_fetched_once(
    client, owner, certs
) -> None:
    for _ in range(3):
        assert post(client, certs.token()).status_code == 204
    assert certs.fetches == 1


def test_the_certificates_are_fetched_again_when_their_max_age_passes(client, owner, certs) -> None:
    certs.max_age = 1
    assert post(client, certs.token()).status_code == 204
    time.sleep(1.2)
    assert post(client, certs.token()).status_code == 204
    assert certs.fetches == 2


@pytest.mark.parametrize(
    ("audience", "email"),
    [("https://elsewhere.example/", SERVICE_ACCOUNT), (AUDIENCE, "someone@example.com")],
)
def test_a_token_for_another_audience_or_account_is_refused(
    client, owner, certs, audience, email
) -> None:
    assert post(client, certs.token(audience, email)).status_code == 403


def test_a_forged_token_is_refused(client, owner, certs) -> None:
    forged = CertServer()
    forged.key, forged.cert = _key_and_cert()
    assert post(client, forged.token()).status_code == 403


def test_a_slow_certificate_endpoint_is_a_quick_503_not_a_hung_request(
    client, owner, certs, monkeypatch
) -> None:
    monkeypatch.setattr(push, "CERTS_TIMEOUT_SECONDS", 0.5)
    certs.delay = 30
    began = time.monotonic()
    response = post(client, certs.token())
    elapsed = time.monotonic() - began
    assert response.status_code == 503
    assert "certificates" in response.json()["error"]["message"]
    assert elapsed < 5
