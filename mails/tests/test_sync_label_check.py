"""A sync step looks up the label ids its batches carry once, not once per batch."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mails import labels, sync
from mails.gmail import GmailClient
from mails.models import Label, SyncState

pytestmark = pytest.mark.django_db(transaction=True)


def test_known_labels_are_looked_up_once_and_new_ones_still_re_read(mailbox_owner, google) -> None:
    client = GmailClient(mailbox_owner)
    labels.refresh(mailbox_owner.pk, client)
    user_label = Label.objects.filter(user=mailbox_owner, kind=Label.Kind.USER).first()
    assert user_label is not None
    state, _ = SyncState.objects.get_or_create(user=mailbox_owner)
    check = sync._label_check(state, client)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):  # five batches carrying the same labels
            assert not check({"INBOX", "UNREAD", user_label.label_id})
    assert len(queries.captured_queries) == 1
    added = google.emulator.mailbox(mailbox_owner.email).add_user_label("Brand new")
    assert check({"INBOX", added})  # an id not stored yet: the labels are read again
    assert Label.objects.filter(user=mailbox_owner, label_id=added).exists()
    assert not check({added})
