"""Reactions to account events: sync and watch a mailbox as soon as Gmail is connected."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from accounts.signals import google_connected, sync_requested


@receiver(google_connected)
def start_syncing(sender: Any, user: Any, **_: Any) -> None:
    from mails import tasks

    # After commit, so the worker sees the stored credentials and the user.
    transaction.on_commit(lambda: tasks.wake(user.pk))
    transaction.on_commit(lambda: tasks.watch_mailbox.delay(str(user.pk)))


@receiver(sync_requested)
def sync_on_request(sender: Any, user: Any, full: bool = False, **_: Any) -> None:
    from mails import tasks

    if full:
        tasks.sync_mailbox.delay(str(user.pk), None, full=True)
    else:
        tasks.wake(user.pk)
