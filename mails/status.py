"""What the sync banner shows: phase, progress, last sync and what went wrong."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.connection import google_state
from accounts.models import User
from mailbox_project import redis_outage
from mails.models import Message, SyncState
from mails.store import mailbox_version


def for_user(user: User) -> dict[str, Any]:
    """Return the user's sync status as JSON-ready data."""
    state = SyncState.objects.filter(user=user).first()
    phase = state.phase if state else SyncState.Phase.NEW
    return {
        "phase": phase,
        "phase_label": SyncState.Phase(phase).label,
        "messages_done": state.messages_done if state else 0,
        "messages_total": state.messages_total if state else 0,
        "last_synced": user.last_sync_time.isoformat() if user.last_sync_time else None,
        "stored": _stored(user, state),
        "last_synced_display": _display(user.last_sync_time),
        "last_error": state.last_error if state else "",
        "failed_messages": len(state.failed_messages) if state else 0,
        "needs_reconnect": user.needs_reconnect,
        # connected / lost (Google refused: reconnect) / disconnected (chosen, or never had it)
        "google": str(google_state(user)),
        # Changes with every write to the mailbox: the list page polls it to show new mail.
        "mailbox_version": _mailbox_version(user),
    }


def _mailbox_version(user: User) -> int | None:
    try:
        return mailbox_version(user.pk)
    except redis_outage.ERRORS:
        return None  # Redis down: the page simply does not learn of new mail until it is back


def _stored(user: User, state: SyncState | None) -> int:
    """Messages stored so far: counted during the first full sync (it moves with each stored
    batch, not with each 500-id page listed); a later resync relists mail already stored, so
    there the listing's progress is the honest figure."""
    if state is None:
        return 0
    if state.phase == SyncState.Phase.FULL and state.history_id is None:
        return Message.objects.for_user(user).count()
    return state.messages_done


def _display(moment: datetime | None) -> str:
    """Return ``moment`` in the person's zone (active for the request), Gmail-like."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} {local:%Z}"
