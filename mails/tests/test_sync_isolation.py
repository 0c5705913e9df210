"""Two people's mailboxes never mix: sync writes and reads are scoped to their owner."""

from __future__ import annotations

import pytest

from accounts import google as google_oauth
from accounts.models import User
from mails import sync
from mails.models import Message
from mails.tests.mirror import emulator_view, local_view
from mails.tests.test_full_sync import run_until_partial

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_user_gets_exactly_their_own_mailbox(mailbox_owner, google) -> None:
    other_email = google.emails[1]
    other = User.objects.create_user(email=other_email)
    google_oauth.store_tokens(other, google.emulator.issue_tokens(other_email))
    run_until_partial(mailbox_owner)
    run_until_partial(other)
    google.emulator.deliver(other_email, kind="offer")
    sync.sync_step(other)

    mine, theirs = local_view(mailbox_owner), local_view(other)
    assert mine == emulator_view(google, mailbox_owner.email)
    assert theirs == emulator_view(google, other_email)
    assert not set(mine) & set(theirs)
    assert Message.objects.for_user(mailbox_owner).count() == len(mine)


def test_another_user_sees_none_of_my_mail_or_sync_state(
    mailbox_owner, other_user, google, client
) -> None:
    run_until_partial(mailbox_owner)
    subjects = set(Message.objects.for_user(mailbox_owner).values_list("subject", flat=True))
    client.force_login(other_user)
    page = client.get("/mails").content.decode()
    assert not [s for s in subjects if s and s in page]
    status = client.get("/mails/sync-status").json()
    assert status["phase"] == "new"
    assert status["messages_done"] == 0
