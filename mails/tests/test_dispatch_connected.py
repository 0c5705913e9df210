"""The dispatcher starts sync chains only for people connected to Google: a staff account
made without Google is never synced (and so never flagged as having lost access)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import User
from mails import scheduling, tasks

pytestmark = pytest.mark.django_db


def test_only_connected_active_people_get_a_chain(
    mailbox_owner: User, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[str] = []
    # The broker is not this test's subject: record what would be queued instead.
    monkeypatch.setattr(tasks.sync_mailbox, "apply_async", lambda args, **_: queued.append(args[0]))
    User.objects.filter(pk__in=[mailbox_owner.pk, staff.pk]).update(last_seen_at=timezone.now())
    assert tasks.dispatch_syncs() == 1
    assert queued == [str(mailbox_owner.pk)]
    staff.refresh_from_db()
    assert staff.needs_reconnect is False
    assert scheduling.claim_chain(staff.pk) is not None  # no chain of theirs was live
