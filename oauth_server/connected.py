"""The apps a person connected: their OAuth grants, shown and revoked on the account page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from accounts.tokens.factory import get_token_store


@dataclass(frozen=True)
class ConnectedApp:
    session_id: str
    name: str
    scopes: tuple[str, ...]
    connected_at: datetime
    last_used_at: datetime | None


def list_for(user: User) -> list[ConnectedApp]:
    """Return the user's live OAuth grants, most recently connected first."""
    now = timezone.now()
    sessions = get_token_store().list_sessions_for_user(str(user.pk))
    apps = [
        ConnectedApp(s.session_id, s.name, s.scopes, s.created_at, s.last_used_at)
        for s in sessions
        if s.client_id and (s.access_valid_at(now) or s.refresh_valid_at(now))
    ]
    return sorted(apps, key=lambda app: app.connected_at, reverse=True)


def revoke(user: User, session_id: str) -> bool:
    """Revoke one of ``user``'s grants: every process refuses its tokens at once.

    The caching store announces the deletion on Redis; each process's subscriber evicts it.
    Another user's grant id is treated as unknown.
    """
    store = get_token_store()
    session = store.load_session_by_id(session_id)
    if session is None or session.user_id != str(user.pk) or not session.client_id:
        return False
    store.delete_session_by_id(session_id)
    return True
