"""The admin login locks out after repeated failures, per account and per address (issue 11).

django-axes with its database handler (MongoDB): the lockout survives a Redis flush or outage.
Only the admin's password login is throttled; Google sign-in is not a password login.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from accounts.tests import oauth_flow

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "staff-pass-123!"


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_until_locked(client: Client, username: str, ip: str = "10.0.0.1") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, username, "wrong-password", ip)
        assert response.status_code == 200  # the form again, with Django's error
        assert b"Please enter the correct" in response.content


def test_the_nth_failure_locks_the_account_with_a_clear_message(client, staff) -> None:
    fail_until_locked(client, staff.email)
    locked = attempt(client, staff.email, "wrong-password")
    assert locked.status_code == 429
    assert b"too many failed sign-in attempts" in locked.content
    assert b"Try again in" in locked.content

    refused = attempt(client, staff.email, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still signed out


def test_the_account_stays_locked_from_another_address(client, staff) -> None:
    fail_until_locked(client, staff.email, ip="10.0.0.1")
    attempt(client, staff.email, "wrong-password", ip="10.0.0.1")
    assert attempt(Client(), staff.email, PASSWORD, ip="10.9.9.9").status_code == 429


def test_an_address_guessing_many_accounts_is_locked_out(client, staff) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess{n}@example.com", "wrong-password", ip="10.6.6.6")
    # Even the right password for a never-tried account is refused from that address.
    assert attempt(client, staff.email, PASSWORD, ip="10.6.6.6").status_code == 429
    # ...but the account itself is not locked for its owner elsewhere.
    assert attempt(Client(), staff.email, PASSWORD, ip="10.0.0.2").status_code == 302


def test_fewer_failures_then_the_right_password_signs_in(client, staff) -> None:
    fail_until_locked(client, staff.email)
    response = attempt(client, staff.email, PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_google_sign_in_is_not_throttled_by_admin_failures(client, staff, google) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess{n}@example.com", "wrong-password", ip="127.0.0.1")
    response = oauth_flow.sign_in(client, google, google.emails[0])
    assert response["Location"] == "/mails"
