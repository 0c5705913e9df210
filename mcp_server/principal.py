"""Who is calling the MCP server: the grant behind a bearer token, checked on every request.

Validation reads through the caching token store (a revocation published on Redis drops the
entry in every process within a second); last use is recorded through the buffered store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from accounts.tokens.factory import get_buffered_token_store, get_token_store
from oauth_server.scopes import APPLICATIONS_READ, MAIL_READ

# Personal API tokens name their scopes differently; the stdio transport accepts them too.
EQUIVALENT = {"mails:read": MAIL_READ, "applications:read": APPLICATIONS_READ}
TOUCH_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    user_id: str
    session_id: str
    scopes: frozenset[str]
    resource: str
    client_id: str

    def user(self) -> User | None:
        """Return the caller's user while the account is active (tools check it per call)."""
        return User.objects.filter(pk=self.user_id, is_active=True).first()


def principal_for(token: str) -> Principal | None:
    """Return the principal of a live access token whose client is still registered.

    Memory only on a cache hit: the user's account is checked by each tool call.
    """
    store = get_token_store()
    session = store.load_session_by_token(token)
    now = timezone.now()
    if session is None or not session.access_valid_at(now):
        return None
    if session.client_id and store.load_client(session.client_id) is None:
        return None
    if session.last_used_at is None or now - session.last_used_at >= TOUCH_RESOLUTION:
        get_buffered_token_store().touch_session(session.session_id, now)
    scopes = frozenset(EQUIVALENT.get(name, name) for name in session.scopes)
    return Principal(
        session.user_id, session.session_id, scopes, session.resource, session.client_id
    )
