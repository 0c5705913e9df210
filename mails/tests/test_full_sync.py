"""Full sync against the emulator: everything arrives once, parsed, and resumes after a crash."""

from __future__ import annotations

import pytest

from mails import sync
from mails.models import Message, SyncState
from mails.tests.mirror import duplicates, emulator_view, local_view

pytestmark = pytest.mark.django_db(transaction=True)


def run_until_partial(user, steps: int = 50) -> list[sync.StepResult]:
    results = []
    for _ in range(steps):
        results.append(sync.sync_step(user))
        if (
            SyncState.objects.get(user=user).phase == SyncState.Phase.PARTIAL
            and not results[-1].more
        ):
            break
    return results


def test_a_full_sync_copies_the_mailbox_exactly(mailbox_owner, google) -> None:
    run_until_partial(mailbox_owner)
    expected = emulator_view(google, mailbox_owner.email)
    assert local_view(mailbox_owner) == expected
    assert duplicates(mailbox_owner) == 0
    state = SyncState.objects.get(user=mailbox_owner)
    assert state.phase == SyncState.Phase.PARTIAL
    assert state.history_id is not None
    assert state.messages_done == len(expected)
    assert state.finished_at is not None


def test_subjects_and_flags_are_parsed(mailbox_owner, google) -> None:
    run_until_partial(mailbox_owner)
    mailbox = google.emulator.mailbox(mailbox_owner.email)
    for stored in Message.objects.for_user(mailbox_owner):
        original = next(m for m in mailbox.newest_first() if m.id == stored.gmail_id)
        assert stored.subject == original.content.subject
        assert stored.is_unread == ("UNREAD" in original.label_ids)
        assert stored.internal_date.timestamp() * 1000 == pytest.approx(original.internal_date)


def test_replies_keep_the_ids_of_the_mail_they_answer(mailbox_owner, google) -> None:
    run_until_partial(mailbox_owner)
    mailbox = google.emulator.mailbox(mailbox_owner.email)
    replies = 0
    for stored in Message.objects.for_user(mailbox_owner):
        original = next(m for m in mailbox.newest_first() if m.id == stored.gmail_id)
        parent = original.content.header("In-Reply-To")
        assert stored.references[-1:] == ([parent] if parent else [])
        replies += bool(parent)
    assert replies > 0  # the generated mailbox has threads


def test_pages_are_checkpointed_and_a_restart_fetches_nothing_twice(
    mailbox_owner, google, settings
) -> None:
    settings.SYNC_PAGE_SIZE = 25
    first = sync.sync_step(mailbox_owner)
    assert first.kind == "full_page"
    assert first.more
    state = SyncState.objects.get(user=mailbox_owner)
    assert state.page_token
    gets_before = google.emulator.stats(mailbox_owner.email)
    # Simulate a crash after storing the page but before the checkpoint moved: rewind it.
    SyncState.objects.filter(pk=state.pk).update(page_token="", messages_done=0)
    run_until_partial(mailbox_owner)
    gets_after = google.emulator.stats(mailbox_owner.email)
    assert local_view(mailbox_owner) == emulator_view(google, mailbox_owner.email)
    assert duplicates(mailbox_owner) == 0
    fetched = gets_after["calls"].get("users.messages.get", 0) - gets_before["calls"].get(
        "users.messages.get", 0
    )
    assert fetched == len(emulator_view(google, mailbox_owner.email)) - 25


@pytest.fixture(scope="module")
def big_mailbox(google_emulator_config):
    """An emulator of its own holding one generated 2,000-message mailbox."""
    import dataclasses

    from google_emulator.testing import EmulatorServer

    config = dataclasses.replace(google_emulator_config, accounts=1, messages=2000, seed=21)
    with EmulatorServer(config) as server:
        yield server


def test_a_2000_message_mailbox_syncs_exactly_once(big_mailbox, settings, db) -> None:
    from accounts import google as google_oauth
    from accounts.models import User

    url = big_mailbox.url
    settings.GMAIL_API_ROOT = url
    settings.GOOGLE_TOKEN_URL = f"{url}/token"
    email = big_mailbox.emails[0]
    user = User.objects.create_user(email=email)
    google_oauth.store_tokens(user, big_mailbox.emulator.issue_tokens(email))
    run_until_partial(user)
    expected = emulator_view(big_mailbox, email)
    assert len(expected) == 2000
    assert local_view(user) == expected
    assert duplicates(user) == 0
    assert SyncState.objects.get(user=user).messages_done == 2000
