"""Failures during sync: injected 5xx, expired and revoked tokens, rate limits, bad messages."""

from __future__ import annotations

import pytest

from accounts.errors import UnrecoverableError
from mails import sync
from mails.gmail import GmailClient
from mails.models import SyncState
from mails.tests.mirror import duplicates, emulator_view, local_view
from mails.tests.test_full_sync import run_until_partial

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fast_backoff(monkeypatch):
    # Retries still happen, in order; only the waiting between them is shortened.
    monkeypatch.setattr("mails.gmail.BACKOFF_BASE_SECONDS", 0.01)
    monkeypatch.setattr("mails.gmail.BACKOFF_CAP_SECONDS", 0.05)


@pytest.mark.usefixtures("fast_backoff")
def test_five_percent_server_errors_lose_nothing(mailbox_owner, google) -> None:
    google.emulator.set_faults(mailbox_owner.email, 0.05)
    run_until_partial(mailbox_owner)
    assert google.emulator.stats(mailbox_owner.email)["faults_injected"] > 0
    assert local_view(mailbox_owner) == emulator_view(google, mailbox_owner.email)
    assert duplicates(mailbox_owner) == 0


def test_an_access_token_expired_mid_sync_is_refreshed(mailbox_owner, google, settings) -> None:
    settings.SYNC_PAGE_SIZE = 20
    sync.sync_step(mailbox_owner)
    google.emulator.expire_access_token(mailbox_owner.email)
    run_until_partial(mailbox_owner)
    assert local_view(mailbox_owner) == emulator_view(google, mailbox_owner.email)
    assert google.emulator.stats(mailbox_owner.email)["statuses"].get("401", 0) >= 1


def test_a_revoked_refresh_token_is_unrecoverable(mailbox_owner, google) -> None:
    client = GmailClient(mailbox_owner)
    google.emulator.revoke_tokens(mailbox_owner.email)
    with pytest.raises(UnrecoverableError) as raised:
        sync.sync_step(mailbox_owner, client=client)
    assert raised.value.needs_reconnect
    mailbox_owner.refresh_from_db()
    assert mailbox_owner.needs_reconnect


def test_rate_limited_parts_wait_for_retry_after_and_are_stored(
    mailbox_owner, google, settings
) -> None:
    # Our own throttle off: the emulator's quota answers 429 with Retry-After mid-batch.
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = 0
    google.emulator.set_quota(mailbox_owner.email, 250)
    run_until_partial(mailbox_owner)
    assert google.emulator.stats(mailbox_owner.email)["rate_limited"] > 0
    assert local_view(mailbox_owner) == emulator_view(google, mailbox_owner.email)


def test_an_unparseable_message_is_recorded_and_skipped(mailbox_owner, google) -> None:
    google.emulator.deliver(mailbox_owner.email, raw=b"\xff\xfe not an email \x00\x01")
    run_until_partial(mailbox_owner)
    assert local_view(mailbox_owner) == emulator_view(google, mailbox_owner.email)
    state = SyncState.objects.get(user=mailbox_owner)
    assert state.phase == SyncState.Phase.PARTIAL
