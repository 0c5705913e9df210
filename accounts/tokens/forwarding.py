"""A store that forwards every call to a delegate: the base of the wrappers, which override
only the methods they change."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from accounts.tokens.base import RotationCounts, TokenStore
from accounts.tokens.records import (
    AuthCodeRecord,
    ClientRecord,
    ProviderCredentials,
    ProviderKey,
    SessionRecord,
    StateRecord,
)


class ForwardingTokenStore:
    """Forwards the whole ``TokenStore`` contract to ``delegate``.

    ``close()`` closes the delegate only when ``owns_delegate``: two wrappers may share one
    backend, and the last one to close should be the owner.
    """

    def __init__(self, delegate: TokenStore, *, owns_delegate: bool = True) -> None:
        self._delegate = delegate
        self._owns_delegate = owns_delegate

    @property
    def delegate(self) -> TokenStore:
        return self._delegate

    def store_state(self, record: StateRecord) -> None:
        self._delegate.store_state(record)

    def consume_state(self, state: str) -> StateRecord | None:
        return self._delegate.consume_state(state)

    def store_auth_code(self, record: AuthCodeRecord) -> None:
        self._delegate.store_auth_code(record)

    def load_auth_code(self, code: str) -> AuthCodeRecord | None:
        return self._delegate.load_auth_code(code)

    def consume_auth_code(self, code: str) -> AuthCodeRecord | None:
        return self._delegate.consume_auth_code(code)

    def delete_auth_code(self, code: str) -> None:
        self._delegate.delete_auth_code(code)

    def store_session(self, record: SessionRecord) -> None:
        self._delegate.store_session(record)

    def load_session_by_token(self, access_token: str) -> SessionRecord | None:
        return self._delegate.load_session_by_token(access_token)

    def load_session_by_id(self, session_id: str) -> SessionRecord | None:
        return self._delegate.load_session_by_id(session_id)

    def load_session_by_refresh_token(self, refresh_token: str) -> SessionRecord | None:
        return self._delegate.load_session_by_refresh_token(refresh_token)

    def list_sessions_for_user(self, user_id: str) -> list[SessionRecord]:
        return self._delegate.list_sessions_for_user(user_id)

    def delete_session_by_token(self, access_token: str) -> None:
        self._delegate.delete_session_by_token(access_token)

    def delete_session_by_id(self, session_id: str) -> None:
        self._delegate.delete_session_by_id(session_id)

    def touch_session(self, session_id: str, when: datetime) -> None:
        self._delegate.touch_session(session_id, when)

    def store_client(self, record: ClientRecord) -> None:
        self._delegate.store_client(record)

    def load_client(self, client_id: str) -> ClientRecord | None:
        return self._delegate.load_client(client_id)

    def list_clients(self) -> list[ClientRecord]:
        return self._delegate.list_clients()

    def delete_client(self, client_id: str) -> None:
        self._delegate.delete_client(client_id)

    def verify_client_secret(self, client_id: str, secret: str) -> bool:
        return self._delegate.verify_client_secret(client_id, secret)

    def store_provider_credentials(self, credentials: ProviderCredentials) -> None:
        self._delegate.store_provider_credentials(credentials)

    def load_provider_credentials(
        self, user_id: str, provider: str = "google"
    ) -> ProviderCredentials | None:
        return self._delegate.load_provider_credentials(user_id, provider)

    def delete_provider_credentials(self, user_id: str, provider: str = "google") -> None:
        self._delegate.delete_provider_credentials(user_id, provider)

    def iter_provider_credentials_ids(self, *, batch_size: int = 500) -> Iterator[ProviderKey]:
        return self._delegate.iter_provider_credentials_ids(batch_size=batch_size)

    def rotate_provider_credentials(self, keys: Sequence[ProviderKey]) -> RotationCounts:
        return self._delegate.rotate_provider_credentials(keys)

    def cleanup_expired(self) -> dict[str, int]:
        return self._delegate.cleanup_expired()

    def close(self) -> None:
        if self._owns_delegate:
            self._delegate.close()


if TYPE_CHECKING:
    # mypy proves here that the wrappers keep the whole contract as it grows.
    _wrapper_keeps_the_contract: type[TokenStore] = ForwardingTokenStore
