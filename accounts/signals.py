"""Signals that let other apps react to account events without ``accounts`` importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent (sender=User, user=...) after a person granted Gmail access and their tokens are stored.
google_connected = Signal()
# Sent (sender=User, user=...) after a person disconnected Google or their consent was revoked;
# mails.receivers forgets the mailbox's watch.
google_disconnected = Signal()
# Sent (sender=User, user=..., full=bool) when staff ask for a sync from the admin.
sync_requested = Signal()
