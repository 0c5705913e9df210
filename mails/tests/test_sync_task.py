"""The sync task's error policy: unrecoverable errors end the chain, no retry loop."""

from __future__ import annotations

import pytest

from mails import scheduling, tasks
from mails.models import SyncState

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_revoked_grant_ends_the_chain_and_asks_to_reconnect(
    mailbox_owner, google, monkeypatch
) -> None:
    sent = []
    monkeypatch.setattr(tasks.sync_mailbox, "apply_async", lambda *a, **k: sent.append((a, k)))
    chain_id = scheduling.claim_chain(mailbox_owner.pk)
    google.emulator.revoke_tokens(mailbox_owner.email)
    summary = tasks.sync_mailbox.run(str(mailbox_owner.pk), chain_id)
    assert summary == "ended"
    assert sent == []  # no retry, no reschedule
    assert scheduling.live_chain(mailbox_owner.pk) is None
    mailbox_owner.refresh_from_db()
    assert mailbox_owner.needs_reconnect
    assert "refused" in SyncState.objects.get(user=mailbox_owner).last_error
    # A later stray task of that chain does nothing.
    assert tasks.sync_mailbox.run(str(mailbox_owner.pk), chain_id) == "stale chain: exit"


def test_a_successful_step_reschedules_an_active_chain(mailbox_owner, google, monkeypatch) -> None:
    from django.utils import timezone

    sent = []
    monkeypatch.setattr(tasks.sync_mailbox, "apply_async", lambda *a, **k: sent.append((a, k)))
    mailbox_owner.last_seen_at = timezone.now()
    mailbox_owner.save()
    chain_id = scheduling.claim_chain(mailbox_owner.pk)
    tasks.sync_mailbox.run(str(mailbox_owner.pk), chain_id)
    assert sent  # the full sync continues at once
    assert sent[-1][0][0] == (str(mailbox_owner.pk), chain_id)
