"""Partial sync from Gmail's history: additions, deletions, label changes, expired history."""

from __future__ import annotations

import pytest

from mails import store, sync
from mails.models import Message, SyncState
from mails.tests.mirror import duplicates, emulator_view, local_view
from mails.tests.test_full_sync import run_until_partial

pytestmark = pytest.mark.django_db(transaction=True)


def some_ids(google, email, n):
    return [m.id for m in google.emulator.mailbox(email).newest_first()][:n]


def test_deliveries_deletions_and_label_changes_are_applied(synced_mailbox, google) -> None:
    emulator, email = google.emulator, synced_mailbox.email
    new_ids = [emulator.deliver(email, kind="rejection") for _ in range(3)]
    first, second, third = some_ids(google, email, 10)[5:8]
    emulator.delete(email, first)
    emulator.modify_labels(email, second, add=["STARRED"], remove=["UNREAD", "INBOX"])
    emulator.modify_labels(email, third, add=["TRASH"])
    emulator.delete(email, new_ids[0])  # added and deleted between two syncs

    before = SyncState.objects.get(user=synced_mailbox.user).history_id
    result = sync.sync_step(synced_mailbox.user)
    assert result.kind == "partial"
    assert local_view(synced_mailbox.user) == emulator_view(google, email)
    assert duplicates(synced_mailbox.user) == 0
    assert not Message.objects.filter(gmail_id=first).exists()
    starred = Message.objects.get(user=synced_mailbox.user, gmail_id=second)
    assert starred.is_starred
    assert not starred.is_unread
    after = SyncState.objects.get(user=synced_mailbox.user).history_id
    assert after > before
    assert after == int(google.emulator.mailbox(email).history_id)


def test_the_history_id_never_moves_backwards(synced_mailbox, google) -> None:
    state = SyncState.objects.get(user=synced_mailbox.user)
    SyncState.objects.filter(pk=state.pk).update(history_id=state.history_id + 10_000)
    sync.sync_step(synced_mailbox.user)
    assert SyncState.objects.get(pk=state.pk).history_id == state.history_id + 10_000


def test_an_empty_history_changes_nothing_and_bumps_no_version(synced_mailbox, google) -> None:
    version = store.mailbox_version(synced_mailbox.user.pk)
    result = sync.sync_step(synced_mailbox.user)
    assert (result.stored, result.deleted, result.relabelled) == (0, 0, 0)
    assert store.mailbox_version(synced_mailbox.user.pk) == version


def test_expired_history_triggers_a_full_resync_that_drops_deleted_mail(
    synced_mailbox, google
) -> None:
    emulator, email = google.emulator, synced_mailbox.email
    gone = some_ids(google, email, 3)
    for message_id in gone:
        emulator.delete(email, message_id)
    added = emulator.deliver(email, kind="offer")
    emulator.expire_history(email)

    run_until_partial(synced_mailbox.user)
    assert local_view(synced_mailbox.user) == emulator_view(google, email)
    assert not Message.objects.filter(user=synced_mailbox.user, gmail_id__in=gone).exists()
    assert Message.objects.filter(user=synced_mailbox.user, gmail_id=added).exists()
    assert duplicates(synced_mailbox.user) == 0


def test_every_sync_write_bumps_the_mailbox_version(synced_mailbox, google) -> None:
    version = store.mailbox_version(synced_mailbox.user.pk)
    google.emulator.deliver(synced_mailbox.email, kind="personal")
    sync.sync_step(synced_mailbox.user)
    assert store.mailbox_version(synced_mailbox.user.pk) > version


def test_a_full_resync_brings_label_changes_made_while_history_was_lost(
    synced_mailbox, google
) -> None:
    # Messages already stored are not fetched again in full, but their labels may have moved
    # while history was unavailable: the resync must bring them up to date, not keep the old.
    emulator, email = google.emulator, synced_mailbox.email
    starred, trashed, read = some_ids(google, email, 12)[8:11]
    emulator.modify_labels(email, starred, add=["STARRED"])
    emulator.modify_labels(email, trashed, add=["TRASH"], remove=["INBOX"])
    emulator.modify_labels(email, read, remove=["UNREAD"])
    emulator.expire_history(email)

    run_until_partial(synced_mailbox.user)
    assert local_view(synced_mailbox.user) == emulator_view(google, email)
    assert Message.objects.get(user=synced_mailbox.user, gmail_id=starred).is_starred
    assert not Message.objects.get(user=synced_mailbox.user, gmail_id=read).is_unread
    trashed_terms = Message.objects.get(user=synced_mailbox.user, gmail_id=trashed).search_terms
    assert "label:TRASH" in trashed_terms
    assert "label:INBOX" not in trashed_terms
