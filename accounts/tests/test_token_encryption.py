"""Protection at rest: issued tokens only as hashes, Google's tokens only encrypted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from accounts.tokens.crypto import (
    PLAINTEXT_MARKER,
    TokenCipher,
    TokenDecryptionError,
    TokenEncryptionNotConfigured,
    hash_token,
)
from accounts.tokens.factory import (
    build_backend,
    get_buffered_token_store,
    get_token_store,
    get_uncached_token_store,
    reset_token_stores,
)
from accounts.tokens.mongo import MongoTokenStore
from accounts.tokens.records import (
    ProviderCredentials,
    new_auth_code,
    new_client,
    new_session,
    new_state,
)
from accounts.tokens.sqlite import SqliteTokenStore

GOOGLE_ACCESS = "ya29.a0AfH6SMC-clear-google-access-token"
GOOGLE_REFRESH = "1//0gClear-google-refresh-token"


def _google(clock, user_id="u1"):
    return ProviderCredentials(
        user_id=user_id,
        access_token=GOOGLE_ACCESS,
        refresh_token=GOOGLE_REFRESH,
        expires_at=clock() + timedelta(hours=1),
        updated_at=clock(),
    )


def test_no_clear_token_reaches_storage(backend, raw_storage, clock):
    session = new_session("u1", "CLI", now=clock())
    state_record, state = new_state(now=clock())
    code_record, code = new_auth_code("c", "u1", "cb", now=clock())
    client, secret = new_client("App", now=clock())
    backend.store_session(session.record)
    backend.store_state(state_record)
    backend.store_auth_code(code_record)
    backend.store_client(client)
    backend.store_provider_credentials(_google(clock))
    backend.touch_session(session.record.session_id, clock())

    stored = raw_storage()
    clear = [session.access_token, session.refresh_token, state, code, secret]
    for token in [*clear, GOOGLE_ACCESS, GOOGLE_REFRESH]:
        assert token not in stored
        # Nor any recognisable chunk of it (the random part, without the prefix).
        assert token[-20:] not in stored
    for token in clear:
        assert hash_token(token) in stored  # found by hash, which is what is kept
    assert "gAAAAA" in stored  # Fernet tokens
    assert backend.load_provider_credentials("u1").access_token == GOOGLE_ACCESS


def test_secrets_stay_out_of_reprs(clock):
    credentials = _google(clock)
    assert GOOGLE_ACCESS not in repr(credentials)
    assert GOOGLE_REFRESH not in repr(credentials)


def test_another_key_cannot_read_the_credentials(open_backend, clock):
    open_backend().store_provider_credentials(_google(clock))
    stranger = open_backend(TokenCipher([Fernet.generate_key()]))
    with pytest.raises(TokenDecryptionError, match="TOKEN_ENCRYPTION_KEYS"):
        stranger.load_provider_credentials("u1")


def test_without_a_key_the_store_refuses_to_start():
    with pytest.raises(TokenEncryptionNotConfigured, match="TOKEN_ENCRYPTION_KEYS") as raised:
        TokenCipher([])
    assert isinstance(raised.value, ImproperlyConfigured)


def test_plaintext_is_opt_in_and_marked(open_backend, raw_storage, clock):
    plain = open_backend(TokenCipher([], allow_plaintext=True))
    plain.store_provider_credentials(_google(clock))
    assert PLAINTEXT_MARKER + GOOGLE_ACCESS in raw_storage()
    assert plain.load_provider_credentials("u1") == _google(clock)
    # A keyed store does not silently accept plaintext: rotate_token_keys encrypts it.
    with pytest.raises(TokenDecryptionError, match="rotate_token_keys"):
        open_backend().load_provider_credentials("u1")


def test_a_marked_value_is_never_taken_for_ciphertext():
    cipher = TokenCipher([Fernet.generate_key()], allow_plaintext=True)
    assert cipher.decrypt(PLAINTEXT_MARKER + "gAAAAAfake") == "gAAAAAfake"
    assert cipher.encrypt("value").startswith("gAAAAA")


# --- The settings-built stores ---


@pytest.fixture
def fresh_stores():
    reset_token_stores()
    yield
    reset_token_stores()


def test_the_app_store_encrypts_by_default(token_db, fresh_stores, clock):
    assert get_uncached_token_store() is get_token_store().delegate
    assert isinstance(get_token_store().delegate, MongoTokenStore)
    get_token_store().store_provider_credentials(_google(clock, "app-user"))
    raw = token_db["token_provider_credentials"].find_one({"user_id": "app-user"})
    assert raw["access_token"].startswith("gAAAAA")
    assert get_token_store().load_provider_credentials("app-user").access_token == GOOGLE_ACCESS


@override_settings(TOKEN_ENCRYPTION_KEYS=[], TOKEN_STORE_ALLOW_PLAINTEXT=False)
def test_the_app_store_refuses_to_start_without_keys(fresh_stores):
    with pytest.raises(TokenEncryptionNotConfigured, match="TOKEN_ENCRYPTION_KEYS"):
        get_token_store()


@override_settings(TOKEN_ENCRYPTION_KEYS=[], TOKEN_STORE_ALLOW_PLAINTEXT=True)
def test_the_app_store_stores_marked_plaintext_when_allowed(token_db, fresh_stores, clock):
    get_token_store().store_provider_credentials(_google(clock, "plain-user"))
    raw = token_db["token_provider_credentials"].find_one({"user_id": "plain-user"})
    assert raw["access_token"] == PLAINTEXT_MARKER + GOOGLE_ACCESS


def test_the_sqlite_backend_is_chosen_by_settings(tmp_path, fresh_stores, clock):
    path = tmp_path / "app-tokens.sqlite3"
    with override_settings(TOKEN_STORE_BACKEND="sqlite", TOKEN_STORE_SQLITE_PATH=str(path)):
        store = get_token_store()
        assert isinstance(store.delegate, SqliteTokenStore)
        assert get_buffered_token_store().delegate is store.delegate
        issued = new_session("u1", "CLI", now=clock())
        get_buffered_token_store().store_session(issued.record)
        reset_token_stores()  # drains the buffer into the file
    reopened = SqliteTokenStore(path, TokenCipher([Fernet.generate_key()]))
    assert reopened.load_session_by_token(issued.access_token) == issued.record
    reopened.close()


@override_settings(TOKEN_STORE_BACKEND="redis")
def test_an_unknown_backend_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="TOKEN_STORE_BACKEND"):
        build_backend()
