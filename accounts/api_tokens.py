"""Personal API tokens: sessions in the token store that a person creates for scripts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from accounts.tokens.factory import get_token_store
from accounts.tokens.records import IssuedSession, SessionRecord, new_session

SCOPES = ("mails:read", "applications:read")


def create(user: User, name: str, days: int) -> IssuedSession:
    """Return a new token for ``user``; its clear value is in the result and nowhere else."""
    issued = new_session(
        str(user.pk),
        name,
        now=timezone.now(),
        scopes=SCOPES,
        access_ttl=timedelta(days=days),
        refresh_ttl=None,
    )
    get_token_store().store_session(issued.record)
    return issued


def list_for(user: User) -> list[SessionRecord]:
    """Return the user's live tokens, newest first."""
    now = timezone.now()
    sessions = get_token_store().list_sessions_for_user(str(user.pk))
    # OAuth grants (a client id) are listed as connected apps by oauth_server, not here.
    live = [s for s in sessions if s.access_valid_at(now) and not s.client_id]
    return sorted(live, key=lambda s: s.created_at, reverse=True)


def revoke(user: User, session_id: str) -> bool:
    """Revoke one of ``user``'s tokens; another user's token id is treated as unknown."""
    store = get_token_store()
    session = store.load_session_by_id(session_id)
    if session is None or session.user_id != str(user.pk):
        return False
    store.delete_session_by_id(session_id)
    return True
