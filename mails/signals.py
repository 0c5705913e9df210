"""Signals other apps (analysis) use to follow the mailbox without ``mails`` importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent (sender=Message, user_id=..., gmail_ids=[...]) after new messages are stored.
messages_stored = Signal()
# Sent (sender=Message, user_id=..., gmail_ids=[...]) after messages are deleted locally.
messages_deleted = Signal()
