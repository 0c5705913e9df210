"""OAuth 2.0 endpoints on Google's real paths (only the host differs).

* ``GET /o/oauth2/auth`` (and ``/o/oauth2/v2/auth``): consent page listing the demo
  accounts; its form POSTs to ``/o/oauth2/auth/consent``, which 302s to the
  ``redirect_uri`` with ``code``/``state`` (Allow) or ``error=access_denied`` (Deny).
  Unknown client or unregistered ``redirect_uri`` → an error page, never a redirect.
* ``POST /token`` (also ``/o/oauth2/token``, ``/oauth2/v4/token``):
  ``authorization_code`` and ``refresh_token`` grants; client credentials as form
  fields or HTTP Basic; form-encoded or JSON body.
* ``GET /oauth2/v3/userinfo`` and ``/v1/userinfo`` (OpenID fields), ``/oauth2/v2/userinfo``
  and ``/oauth2/v1/userinfo`` (legacy ``id``/``verified_email`` fields);
  ``GET /oauth2/v3/tokeninfo``.
* ``POST``/``GET /revoke`` and ``/o/oauth2/revoke`` with ``token=``.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import time
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from .errors import OAuthError
from .httpmsg import (
    JSON_TYPE,
    Request,
    Response,
    html_response,
    json_response,
    oauth_error_response,
    redirect,
)
from .state import Emulator
from .tokens import SCOPE_ALIASES, AccessToken, AuthPageError, PendingAuthorization

AUTH_PATHS = ("/o/oauth2/auth", "/o/oauth2/v2/auth")
CONSENT_PATH = "/o/oauth2/auth/consent"
TOKEN_PATHS = ("/token", "/o/oauth2/token", "/oauth2/v4/token")
USERINFO_V3_PATHS = ("/oauth2/v3/userinfo", "/v1/userinfo")
USERINFO_V2_PATHS = ("/oauth2/v2/userinfo", "/oauth2/v1/userinfo")
REVOKE_PATHS = ("/revoke", "/o/oauth2/revoke")
TOKENINFO_PATHS = ("/oauth2/v3/tokeninfo", "/tokeninfo")

_STYLE = """
body{font-family:Roboto,Arial,sans-serif;background:#f1f3f4;margin:0;color:#202124}
main{max-width:460px;margin:48px auto;background:#fff;border:1px solid #dadce0;
border-radius:8px;padding:32px 40px}
h1{font-size:22px;font-weight:400;margin:0 0 4px}
.sub{color:#5f6368;margin:0 0 24px;font-size:14px}
.banner{background:#fef7e0;border:1px solid #f9ab00;border-radius:4px;padding:8px 12px;
font-size:13px;margin-bottom:20px}
.account{display:flex;gap:12px;align-items:center;border:1px solid #dadce0;border-radius:6px;
padding:10px 12px;margin:8px 0;cursor:pointer}
.account input{margin:0}.account small{display:block;color:#5f6368}
ul{font-size:14px;padding-left:20px}li{margin:4px 0;word-break:break-all}
.actions{display:flex;justify-content:flex-end;gap:12px;margin-top:24px}
button{font-size:14px;border-radius:4px;padding:8px 20px;cursor:pointer}
#allow{background:#1a73e8;color:#fff;border:0}#deny{background:#fff;color:#1a73e8;
border:1px solid #dadce0}.error{color:#d93025}
"""


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def error_page(error: AuthPageError) -> Response:
    """Return Google's style of authorization error page (no redirect)."""
    body = (
        '<p class="banner">Google emulator — demo accounts</p>'
        f"<h1>Access blocked: authorization error</h1>"
        f'<p class="error" id="error-code">Error {error.status}: {html.escape(error.error)}</p>'
        f'<p id="error-description">{html.escape(error.description)}</p>'
    )
    return html_response(_page("Error", body), error.status)


def _scope_label(scope: str) -> str:
    for alias, url in SCOPE_ALIASES.items():
        if scope == url:
            return f"See your {'email address' if alias == 'email' else 'personal info'}"
    if scope == "openid":
        return "Associate you with your personal info on Google"
    if scope.startswith("https://www.googleapis.com/auth/gmail.") or scope == (
        "https://mail.google.com/"
    ):
        return f"Gmail: {scope.rsplit('/', 1)[-1]}"
    return scope


class OAuthEndpoints:
    """Serves the OAuth 2.0 and OpenID endpoints."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handles(self, path: str) -> bool:
        """Return True for the paths this class serves."""
        return path in _ALL_PATHS

    def handle(self, req: Request) -> Response:
        """Serve one OAuth request (never raises)."""
        path = req.path
        try:
            with self.emulator.lock:
                if path in AUTH_PATHS:
                    return self.authorize(req)
                if path == CONSENT_PATH:
                    return self.consent(req)
                if path in TOKEN_PATHS:
                    return self.token(req)
                if path in USERINFO_V3_PATHS or path in USERINFO_V2_PATHS:
                    return self.userinfo(req, legacy=path in USERINFO_V2_PATHS)
                if path in TOKENINFO_PATHS:
                    return self.tokeninfo(req)
                return self.revoke(req)
        except OAuthError as exc:
            return oauth_error_response(exc)
        except AuthPageError as exc:
            return error_page(exc)

    # -- authorization ------------------------------------------------------------------

    def authorize(self, req: Request) -> Response:
        if req.method != "GET":
            raise AuthPageError("invalid_request", "Use GET for the authorization endpoint.")
        params = {k: v[0] for k, v in req.query.items() if v}
        pending = self.emulator.tokens.begin(params)
        return html_response(self._consent_page(pending))

    def _consent_page(self, pending: PendingAuthorization) -> str:
        hint = pending.login_hint.lower()
        emails = self.emulator.emails
        chosen = hint if hint in emails else (emails[0] if emails else "")
        accounts = []
        for email in emails:
            mailbox = self.emulator.mailbox(email)
            checked = " checked" if email == chosen else ""
            e = html.escape(email)
            accounts.append(
                f'<label class="account"><input type="radio" name="email" value="{e}" '
                f'data-email="{e}" id="account-{e}"{checked}>'
                f"<span>{html.escape(mailbox.name)}<small>{e}</small></span></label>"
            )
        scopes = "".join(
            f'<li data-scope="{html.escape(s)}">{html.escape(_scope_label(s))}</li>'
            for s in pending.scopes
        )
        body = (
            '<p class="banner" id="emulator-banner">Google emulator — demo accounts</p>'
            "<h1>Choose an account</h1>"
            f'<p class="sub">to continue to <b id="client-id">{html.escape(pending.client_id)}'
            "</b></p>"
            f'<form method="post" action="{CONSENT_PATH}" id="consent-form">'
            f'<input type="hidden" name="txn" value="{html.escape(pending.txn)}">'
            f'<div id="accounts">{"".join(accounts)}</div>'
            f'<p>This will allow the app to:</p><ul id="scopes">{scopes}</ul>'
            '<div class="actions">'
            '<button type="submit" name="action" value="deny" id="deny">Deny</button>'
            '<button type="submit" name="action" value="allow" id="allow">Allow</button>'
            "</div></form>"
        )
        return _page("Sign in - Google emulator", body)

    def consent(self, req: Request) -> Response:
        if req.method != "POST":
            raise AuthPageError("invalid_request", "The consent form must be POSTed.")
        form = req.form()
        allow = form.get("action", "allow") == "allow"
        pending, code = self.emulator.tokens.decide(
            form.get("txn", ""), form.get("email", "").lower(), allow
        )
        if not allow:
            params = {"error": "access_denied"}
        else:
            params = {"code": code, "scope": " ".join(pending.scopes), "authuser": "0"}
            params["prompt"] = "consent"
        if pending.state is not None:
            params["state"] = pending.state
        return redirect(_with_query(pending.redirect_uri, params))

    # -- token --------------------------------------------------------------------------

    def token(self, req: Request) -> Response:
        if req.method != "POST":
            raise OAuthError("invalid_request", "The token endpoint only accepts POST.")
        form = req.form()
        client_id, client_secret = _client_credentials(req, form)
        grant_type = form.get("grant_type", "")
        if not grant_type:
            raise OAuthError("invalid_request", "Required parameter is missing: grant_type")
        if grant_type not in ("authorization_code", "refresh_token"):
            raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant_type}")
        tokens = self.emulator.tokens
        client = tokens.authenticate_client(client_id, client_secret)
        if grant_type == "authorization_code":
            body = tokens.exchange_code(
                client,
                form.get("code", ""),
                form.get("redirect_uri", ""),
                form.get("code_verifier"),
            )
        else:
            body = tokens.refresh(client, form.get("refresh_token", ""), form.get("scope"))
        response = json_response(body)
        response.headers += [
            ("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"),
            ("Pragma", "no-cache"),
        ]
        return response

    # -- userinfo, tokeninfo, revoke ----------------------------------------------------------

    def _bearer(self, req: Request) -> AccessToken | None:
        scheme, _, value = req.headers.get("authorization", "").partition(" ")
        raw = value.strip() if scheme.lower() == "bearer" else (req.param("access_token") or "")
        return self.emulator.tokens.access(raw) if raw else None

    def userinfo(self, req: Request, legacy: bool) -> Response:
        token = self._bearer(req)
        if token is None:
            body = {"error": "invalid_request", "error_description": "Invalid Credentials"}
            headers = [
                (
                    "WWW-Authenticate",
                    'Bearer realm="https://accounts.google.com/", error="invalid_token"',
                )
            ]
            return Response(401, json.dumps(body, indent=2).encode(), JSON_TYPE, headers)
        mailbox = self.emulator.mailbox(token.email)
        info: dict[str, Any] = {"id" if legacy else "sub": mailbox.sub}
        if SCOPE_ALIASES["profile"] in token.scopes:
            given, _, family = mailbox.name.partition(" ")
            info.update(name=mailbox.name, given_name=given, family_name=family)
            info["picture"] = mailbox.picture
        if SCOPE_ALIASES["email"] in token.scopes:
            info["email"] = mailbox.email
            info["verified_email" if legacy else "email_verified"] = True
        return json_response(info)

    def tokeninfo(self, req: Request) -> Response:
        raw = req.param("access_token") or ""
        token = self.emulator.tokens.access(raw) if raw else None
        if token is None:
            raise OAuthError("invalid_token", "Invalid Value")
        expires_in = int(token.expires_at - time.time())
        mailbox = self.emulator.mailbox(token.email)
        info = {
            "azp": token.client_id,
            "aud": token.client_id,
            "sub": mailbox.sub,
            "scope": " ".join(sorted(token.scopes)),
            "exp": str(int(token.expires_at)),
            "expires_in": str(expires_in),
            "email": mailbox.email,
            "email_verified": "true",
            "access_type": "offline" if token.refresh_token else "online",
        }
        return json_response(info)

    def revoke(self, req: Request) -> Response:
        token = req.form().get("token", "")
        tokens = self.emulator.tokens
        access = tokens.access_tokens.get(token)
        refresh = tokens.refresh_tokens.get(token)
        live = (access is not None and not access.revoked) or (
            refresh is not None and not refresh.revoked
        )
        if not token or not live or not tokens.revoke(token):
            raise OAuthError("invalid_token", "Token expired or revoked")
        return Response(200, b"{}", JSON_TYPE)


_ALL_PATHS = frozenset(
    (
        *AUTH_PATHS,
        CONSENT_PATH,
        *TOKEN_PATHS,
        *USERINFO_V3_PATHS,
        *USERINFO_V2_PATHS,
        *REVOKE_PATHS,
        *TOKENINFO_PATHS,
    )
)


def _client_credentials(req: Request, form: dict[str, str]) -> tuple[str, str]:
    scheme, _, value = req.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_client", "Malformed HTTP Basic credentials.", 401) from None
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return form.get("client_id", ""), form.get("client_secret", "")


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
