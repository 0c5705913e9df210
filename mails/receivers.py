"""Reactions to account events: sync and watch a mailbox while Gmail is connected."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from accounts.models import User
from accounts.signals import google_connected, google_disconnected, sync_requested
from mailbox_project.ids import user_id
from mails.models import SyncState


@receiver(google_connected)
def start_syncing(sender: object, user: User, **_: object) -> None:
    from mails import tasks

    pk = user_id(user)
    # After commit, so the worker sees the stored credentials and the user.
    transaction.on_commit(lambda: tasks.wake(pk))
    transaction.on_commit(lambda: tasks.watch_mailbox.delay(str(pk)))


@receiver(google_disconnected)
def forget_watch(sender: object, user: User, **_: object) -> None:
    """The grant that made the watch is gone, so Gmail's pushes stop: forget its expiry.

    The sync chain stops by itself (its next step sees ``needs_reconnect``). Without an expiry
    the daily renewal watches the mailbox again as soon as the person reconnects, even if the
    watch queued on reconnecting failed.
    """
    SyncState.objects.filter(user_id=user_id(user)).update(watch_expiration=None)


@receiver(sync_requested)
def sync_on_request(sender: object, user: User, full: bool = False, **_: object) -> None:
    from mails import tasks

    pk = user_id(user)
    if full:
        tasks.sync_mailbox.delay(str(pk), None, full=True)
    else:
        tasks.wake(pk)
