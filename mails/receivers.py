"""Reactions to account events: sync and watch a mailbox as soon as Gmail is connected."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from accounts.signals import google_connected


@receiver(google_connected)
def start_syncing(sender: Any, user: Any, **_: Any) -> None:
    from mails import tasks

    # After commit, so the worker sees the stored credentials and the user.
    transaction.on_commit(lambda: tasks.wake(user.pk))
    tasks.watch_mailbox.delay_on_commit(str(user.pk))
