"""Losing Google access forgets the mailbox's watch, so renewal re-watches after reconnecting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts import google as google_oauth
from mails import watching
from mails.models import SyncState

pytestmark = pytest.mark.django_db


def test_losing_access_forgets_the_watch_and_reconnecting_makes_it_due(owner) -> None:
    expires = timezone.now() + dt.timedelta(days=6)
    SyncState.objects.create(user=owner, watch_expiration=expires)
    google_oauth.mark_needs_reconnect(owner)  # sends google_disconnected
    assert SyncState.objects.get(user=owner).watch_expiration is None
    owner.needs_reconnect = False
    owner.save()
    due = owner.__class__.objects.filter(pk=owner.pk).exclude(
        sync_state__watch_expiration__gt=timezone.now() + watching.RENEW_BEFORE
    )
    assert list(due) == [owner]
