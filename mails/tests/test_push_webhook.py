"""POST /mails/push/: authenticated Pub/Sub envelopes wake one mailbox; nothing else does."""

from __future__ import annotations

import base64
import json
from typing import Any, cast

import pytest

from mailbox_project.celery import app
from mails import scheduling
from mails.models import SyncState

pytestmark = pytest.mark.django_db

URL = "/mails/push/"


def envelope(email: str, history_id: int | str) -> bytes:
    data = json.dumps({"emailAddress": email, "historyId": history_id}).encode()
    return json.dumps(
        {
            "message": {"data": base64.urlsafe_b64encode(data).decode(), "messageId": "1"},
            "subscription": "projects/p/subscriptions/s",
        }
    ).encode()


def push(client, body: bytes, token: str = "test-push-token"):
    return client.post(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.fixture(autouse=True)
def _empty_broker():
    app.control.purge()
    yield
    app.control.purge()


def queued_wakeups() -> int:
    with app.connection_for_read() as connection:
        return int(cast(Any, connection.default_channel).client.llen("sync"))


def test_a_valid_push_wakes_that_mailbox_and_answers_204(client, owner) -> None:
    response = push(client, envelope("Owner@Example.com", 12345))
    assert response.status_code == 204
    assert scheduling.live_chain(owner.pk) is not None


def test_a_push_storm_queues_one_task(client, owner) -> None:
    for history_id in range(100, 120):
        assert push(client, envelope(owner.email, history_id)).status_code == 204
    # The first started a chain, the second queued one extra step; the rest only marked the
    # mailbox dirty, which that step honours.
    assert queued_wakeups() == 2


@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_a_caller_without_the_secret_is_refused(client, owner, token) -> None:
    response = push(client, envelope(owner.email, 5), token=token)
    assert response.status_code == 403
    assert scheduling.live_chain(owner.pk) is None


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"{}",
        b'{"message": {}}',
        b'{"message": {"data": "%%%"}}',
        json.dumps(
            {"message": {"data": base64.b64encode(b'{"emailAddress": "x@y.z"}').decode()}}
        ).encode(),
    ],
)
def test_a_malformed_envelope_is_a_400_with_a_message(client, body) -> None:
    response = push(client, body)
    assert response.status_code == 400
    assert "message" in response.json()["error"]


def test_an_unknown_mailbox_is_acknowledged_without_work(client, db) -> None:
    assert push(client, envelope("nobody@example.com", 5)).status_code == 204
    assert queued_wakeups() == 0


def test_a_stale_history_id_is_acknowledged_without_work(client, owner) -> None:
    SyncState.objects.create(user=owner, phase=SyncState.Phase.PARTIAL, history_id=500)
    assert push(client, envelope(owner.email, 499)).status_code == 204
    assert scheduling.live_chain(owner.pk) is None


def test_a_disconnected_mailbox_is_acknowledged_without_work(client, owner) -> None:
    owner.needs_reconnect = True
    owner.save()
    assert push(client, envelope(owner.email, 5)).status_code == 204
    assert scheduling.live_chain(owner.pk) is None


def test_only_post_is_allowed(client) -> None:
    assert client.get(URL).status_code == 405
