"""The custom user model on a real MongoDB replica set."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django_mongodb_backend import transaction

from accounts.models import User
from mailbox_project.mongo import get_database

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_user_round_trips_through_mongodb() -> None:
    created = User.objects.create_user(email="Ada@Example.com", name="Ada")
    loaded = User.objects.get(pk=created.pk)
    assert loaded.email == "ada@example.com"
    assert loaded.name == "Ada"
    assert not loaded.has_usable_password()
    raw = get_database()["users"].find_one({"_id": created.pk})
    assert raw is not None
    assert raw["email"] == "ada@example.com"


def test_a_second_user_with_the_same_email_is_refused() -> None:
    User.objects.create_user(email="dup@example.com")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="dup@example.com")


def test_a_failed_transaction_rolls_back() -> None:
    def create_then_fail() -> None:
        with transaction.atomic():
            User.objects.create_user(email="rolled-back@example.com")
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert not User.objects.filter(email="rolled-back@example.com").exists()


def test_the_server_is_a_replica_set_primary() -> None:
    hello = get_database().command("hello")
    assert hello["isWritablePrimary"] is True
    assert hello["setName"] == "rs0"


def test_superuser_signs_in_to_the_admin_with_email(client) -> None:
    User.objects.create_superuser(email="root@example.com", password="a-long-pass-123!")
    assert client.login(username="root@example.com", password="a-long-pass-123!")
    response = client.get("/admin/accounts/user/?q=root")
    assert response.status_code == 200
    assert b"root@example.com" in response.content


def test_the_admin_refuses_non_staff(client) -> None:
    User.objects.create_user(email="plain@example.com", password="a-long-pass-123!")
    client.login(username="plain@example.com", password="a-long-pass-123!")
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
