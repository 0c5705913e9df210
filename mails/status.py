"""What the sync banner shows: phase, progress, last sync and what went wrong."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from mails.models import SyncState


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
        "last_synced_display": (
            f"{user.last_sync_time:%Y-%m-%d %H:%M} UTC" if user.last_sync_time else ""
        ),
        "last_error": state.last_error if state else "",
        "failed_messages": len(state.failed_messages) if state else 0,
        "needs_reconnect": user.needs_reconnect,
    }
