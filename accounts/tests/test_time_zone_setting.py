"""The person's time zone: detected from the browser once, chosen on the account page, and
used for the dates every page shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> User:
    return User.objects.create_user(email="tz.person@example.com", name="TZ Person")


@pytest.fixture
def browser(client: Client, person: User) -> Client:
    client.force_login(person)
    return client


def zone_of(user: User) -> str:
    user.refresh_from_db()
    return user.time_zone


def test_the_account_page_offers_and_saves_a_zone(browser: Client, person: User) -> None:
    page = browser.get("/account").content.decode()
    assert '<select name="time_zone"' in page
    assert '<option value="Europe/Paris">Europe/Paris</option>' in page
    assert '<option value="UTC" selected>UTC</option>' in page
    response = browser.post("/account/time-zone", {"time_zone": "America/New_York"})
    assert response.status_code == 302
    assert zone_of(person) == "America/New_York"
    page = browser.get("/account").content.decode()
    assert '<option value="America/New_York" selected>America/New York</option>' in page


def test_an_unknown_zone_is_refused_on_the_account_page(browser: Client, person: User) -> None:
    response = browser.post("/account/time-zone", {"time_zone": "Mars/Olympus"}, follow=True)
    assert "Choose a time zone from the list." in response.content.decode()
    assert zone_of(person) == "UTC"


def test_the_browser_zone_is_taken_once_while_the_default_holds(
    browser: Client, person: User
) -> None:
    page = browser.get("/account").content.decode()
    assert 'id="time-zone-detect"' in page
    assert "accounts/time_zone.js" in page
    answer = browser.post("/account/time-zone/detect", {"time_zone": "Asia/Tokyo"})
    assert answer.json() == {"time_zone": "Asia/Tokyo", "changed": True}
    assert zone_of(person) == "Asia/Tokyo"
    # Offered once: the page no longer asks, and a chosen zone is never overwritten.
    assert 'id="time-zone-detect"' not in browser.get("/account").content.decode()
    again = browser.post("/account/time-zone/detect", {"time_zone": "Europe/Paris"})
    assert again.json() == {"time_zone": "Asia/Tokyo", "changed": False}
    assert zone_of(person) == "Asia/Tokyo"


def test_a_detected_name_zoneinfo_does_not_know_is_a_400(browser: Client, person: User) -> None:
    for bad in ("Mars/Olympus", "", "../../etc/passwd", "UTC' OR 1=1"):
        answer = browser.post("/account/time-zone/detect", {"time_zone": bad})
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "bad_time_zone"
    assert zone_of(person) == "UTC"


def test_zone_changes_need_a_post_with_csrf(person: User) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    assert strict.get("/account/time-zone/detect").status_code == 405
    assert strict.post("/account/time-zone/detect", {"time_zone": "Asia/Tokyo"}).status_code == 403
    assert strict.post("/account/time-zone", {"time_zone": "Asia/Tokyo"}).status_code == 403
    assert zone_of(person) == "UTC"


def test_signed_out_visitors_cannot_set_a_zone(client: Client) -> None:
    response = client.post("/account/time-zone/detect", {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert response["Location"].startswith("/sign_in")


def test_dates_on_the_account_page_follow_the_zone(browser: Client, person: User) -> None:
    from accounts.models import AuditEvent

    AuditEvent.objects.create(
        user=person, actor_email="staff@example.com", what="message", object_id="abc",
        at=datetime(2024, 7, 1, 22, 30, tzinfo=UTC),
    )  # fmt: skip
    person.time_zone = "Asia/Tokyo"
    person.save(update_fields=["time_zone"])
    page = browser.get("/account").content.decode()
    assert re.search(r"2 Jul 2024, 07:30 JST", page), "the audit time is in Tokyo time"
