"""A zone the person picked on the account page is never replaced by the browser's."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> User:
    return User.objects.create_user(email="chosen.tz@example.com", name="Chosen TZ")


@pytest.fixture
def browser(client: Client, person: User) -> Client:
    client.force_login(person)
    return client


def test_a_picked_utc_is_not_overridden_by_detection(browser: Client, person: User) -> None:
    assert browser.post("/account/time-zone", {"time_zone": "UTC"}).status_code == 302
    person.refresh_from_db()
    assert person.time_zone_chosen
    # A new session offers detection again: the answer must not change the picked zone.
    answer = browser.post("/account/time-zone/detect", {"time_zone": "Asia/Tokyo"}).json()
    assert answer == {"time_zone": "UTC", "changed": False}
    person.refresh_from_db()
    assert person.time_zone == "UTC"


def test_detection_still_sets_a_zone_never_picked(browser: Client, person: User) -> None:
    answer = browser.post("/account/time-zone/detect", {"time_zone": "Asia/Tokyo"}).json()
    assert answer == {"time_zone": "Asia/Tokyo", "changed": True}
    person.refresh_from_db()
    assert (person.time_zone, person.time_zone_chosen) == ("Asia/Tokyo", False)


def test_the_detect_script_is_not_served_once_a_zone_was_picked(
    client: Client, person: User
) -> None:
    person.time_zone_chosen = True
    person.save()
    client.force_login(person)
    assert 'id="time-zone-detect"' not in client.get("/account").content.decode()
