"""The person's time zone: an IANA name, UTC by default, edited in the admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.time_zones import zone

pytestmark = pytest.mark.django_db


def test_a_new_user_is_in_utc_and_only_iana_names_are_accepted() -> None:
    user = User.objects.create_user(email="tz@example.com")
    assert user.time_zone == "UTC"
    user.time_zone = "Europe/Paris"
    user.full_clean()
    user.time_zone = "Europe/Nowhere"
    with pytest.raises(ValidationError):
        user.full_clean()
    assert str(zone("Europe/Nowhere")) == "UTC"


def test_the_admin_edits_the_time_zone(client) -> None:
    admin = User.objects.create_superuser(email="root@example.com", password="pw-long-enough-1")
    client.force_login(admin)
    page = client.get(f"/admin/accounts/user/{admin.pk}/change/")
    assert page.status_code == 200
    assert b'name="time_zone"' in page.content
