"""last_seen_at follows signed-in activity, written at most once a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User

pytestmark = pytest.mark.django_db


def seen(user: User):
    return User.objects.get(pk=user.pk).last_seen_at


def test_a_signed_in_request_records_activity_at_most_once_a_minute(client, owner) -> None:
    client.force_login(owner)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/account")
        first = seen(owner)
        assert first == start.replace(microsecond=start.microsecond // 1000 * 1000)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get("/account")
        assert seen(owner) == first
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get("/account")
        assert seen(owner) > first


def test_anonymous_requests_record_nothing(client, owner) -> None:
    client.get("/sign_in")
    assert seen(owner) is None
