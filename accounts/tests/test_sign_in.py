"""Sign in with Google end to end: Django test client, real social-auth, the emulator."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.http import HttpResponse
from social_django.models import UserSocialAuth

from accounts import google as google_oauth
from accounts.errors import UnrecoverableError
from accounts.models import User
from accounts.tests import oauth_flow
from accounts.tokens.factory import get_token_store
from mailbox_project.mongo import get_database

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_sign_in_page_offers_google_as_a_post_form(client) -> None:
    page = client.get("/sign_in")
    assert page.status_code == 200
    assert b'method="post"' in page.content
    assert b"csrfmiddlewaretoken" in page.content
    assert b"Sign in with Google" in page.content
    assert b"Demo mode" in page.content  # tests run against the emulator
    assert client.get("/login/google-oauth2/").status_code == 405


def test_home_sends_visitors_to_sign_in(client) -> None:
    assert client.get("/")["Location"] == "/sign_in"


def test_the_authorization_request_asks_for_offline_gmail_access(client, google) -> None:
    query = parse_qs(urlsplit(oauth_flow.begin(client)).query)
    scopes = query["scope"][0].split()
    assert {"openid", "email", "profile"} <= set(scopes)
    assert "https://www.googleapis.com/auth/gmail.readonly" in scopes
    assert query["access_type"] == ["offline"]
    assert query["prompt"] == ["consent"]
    assert query["state"][0]
    assert query["redirect_uri"] == ["http://testserver/complete/google-oauth2/"]


def test_a_new_user_signs_in_and_their_tokens_are_only_in_the_store(client, google) -> None:
    email = google.emails[0]
    response = oauth_flow.sign_in(client, google, email)
    assert response.status_code == 302
    assert response["Location"] == "/mails"
    user = User.objects.get(email=email)
    assert user.name == google.emulator.mailbox(email).name
    assert user.picture.startswith("https://")
    assert user.last_login is not None
    assert client.get("/")["Location"] == "/mails"

    credentials = get_token_store().load_provider_credentials(str(user.pk))
    assert credentials is not None
    assert credentials.refresh_token
    social = UserSocialAuth.objects.get(user=user)
    assert not {"access_token", "refresh_token", "id_token"} & set(social.extra_data)
    raw = str(list(get_database()["token_provider_credentials"].find()))
    assert credentials.access_token not in raw
    assert credentials.refresh_token not in raw
    assert credentials.access_token not in str(
        list(get_database()["social_auth_usersocialauth"].find())
    )


def test_a_returning_user_is_updated_not_duplicated(client, google) -> None:
    email = google.emails[0]
    existing = User.objects.create_user(email=email, name="Old Name")
    existing.needs_reconnect = True
    existing.save()
    oauth_flow.sign_in(client, google, email)
    client.post("/sign_out")
    oauth_flow.sign_in(client, google, email)
    assert User.objects.filter(email=email).count() == 1
    user = User.objects.get(email=email)
    assert user.pk == existing.pk
    assert user.name != "Old Name"
    assert user.needs_reconnect is False


def test_sign_in_enqueues_the_mailbox_sync(client, google) -> None:
    from mails import scheduling

    oauth_flow.sign_in(client, google, google.emails[0])
    user = User.objects.get(email=google.emails[0])
    assert scheduling.live_chain(user.pk) is not None


def test_denied_consent_is_a_friendly_message(client, google) -> None:
    response = oauth_flow.sign_in(client, google, google.emails[0], allow=False)
    assert response.status_code == 302
    assert response["Location"] == "/sign_in"
    page = client.get("/sign_in")
    assert b"You cancelled the Google sign-in" in page.content
    assert not User.objects.exists()


def test_a_forged_state_is_refused_politely(client, google) -> None:
    callback = oauth_flow.consent(oauth_flow.begin(client), google.emails[0])
    forged = callback.replace("state=", "state=forged")
    response = oauth_flow.complete(client, forged)
    assert response.status_code == 302
    assert response["Location"] == "/sign_in"
    assert b"Please try again" in client.get("/sign_in").content
    assert not User.objects.exists()


def test_a_callback_without_a_started_sign_in_is_refused(client, google) -> None:
    response = client.get("/complete/google-oauth2/", {"code": "x", "state": "y"})
    assert response.status_code == 302
    assert response["Location"] == "/sign_in"


def test_an_unreachable_token_endpoint_is_a_friendly_message(client, google, settings) -> None:
    authorize = oauth_flow.begin(client)
    callback = oauth_flow.consent(authorize, google.emails[0])
    settings.GOOGLE_TOKEN_URL = "http://127.0.0.1:9/token"
    response = oauth_flow.complete(client, callback)
    assert response.status_code == 302
    assert b"Google could not be reached" in client.get("/sign_in").content


def test_sign_out_needs_a_post_and_ends_the_session(client, google) -> None:
    oauth_flow.sign_in(client, google, google.emails[0])
    assert client.get("/sign_out").status_code == 405
    assert client.post("/sign_out")["Location"] == "/sign_in"
    assert client.get("/mails")["Location"].startswith("/sign_in")


def test_a_revoked_refresh_token_marks_the_user_for_reconnect(mailbox_owner, google) -> None:
    google.emulator.revoke_tokens(mailbox_owner.email)
    google.emulator.expire_access_token(mailbox_owner.email)
    credentials = get_token_store().load_provider_credentials(str(mailbox_owner.pk))
    assert credentials is not None
    with pytest.raises(UnrecoverableError) as raised:
        google_oauth.access_token(mailbox_owner, rejected=credentials.access_token)
    assert raised.value.needs_reconnect
    mailbox_owner.refresh_from_db()
    assert mailbox_owner.needs_reconnect is True
    assert get_token_store().load_provider_credentials(str(mailbox_owner.pk)) is None


def test_an_expiring_token_is_refreshed_once_for_concurrent_callers(mailbox_owner, google) -> None:
    from concurrent.futures import ThreadPoolExecutor

    old = get_token_store().load_provider_credentials(str(mailbox_owner.pk))
    assert old is not None

    def refresh(_: int) -> str:
        return google_oauth.access_token(mailbox_owner, rejected=old.access_token)

    with ThreadPoolExecutor(5) as pool:
        tokens = list(pool.map(refresh, range(5)))
    # One refresh for five callers: all of them got the same new token.
    assert len(set(tokens)) == 1
    assert tokens[0] != old.access_token
    assert google_oauth.access_token(mailbox_owner) == tokens[0]


def test_disconnect_revokes_at_google_and_forgets_the_tokens(client, google) -> None:
    oauth_flow.sign_in(client, google, google.emails[0])
    user = User.objects.get(email=google.emails[0])
    credentials = get_token_store().load_provider_credentials(str(user.pk))
    assert credentials is not None
    assert client.post("/account/disconnect").status_code == 302
    assert get_token_store().load_provider_credentials(str(user.pk)) is None
    user.refresh_from_db()
    assert user.needs_reconnect is True
    # The old refresh token is dead at Google too.
    response = requests.post(
        f"{google.url}/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": credentials.refresh_token,
            "client_id": "mailbox-demo-client",
            "client_secret": "mailbox-demo-secret",
        },
        timeout=10,
    )
    assert response.json()["error"] == "invalid_grant"
    # The person chose this: the page says so, with a way back, and warns of nothing.
    page = client.get("/account").content
    assert b"<strong>Disconnected.</strong>" in page
    assert b"Connect Gmail" in page
    assert b"lost access" not in page


def test_an_unverified_google_email_gets_its_own_message(rf) -> None:
    from social_core.exceptions import AuthResponseError

    from accounts.backends import GoogleOAuth2
    from accounts.middleware import UNVERIFIED_EMAIL, FriendlySocialAuthErrors

    backend = GoogleOAuth2()
    with pytest.raises(AuthResponseError) as raised:
        backend.validate_email_verified({"email": "x@example.com", "email_verified": False})
    middleware = FriendlySocialAuthErrors(lambda request: HttpResponse())
    assert middleware.get_message(rf.get("/"), raised.value) == UNVERIFIED_EMAIL
    assert middleware.get_redirect_uri(rf.get("/"), raised.value) == "/sign_in"
