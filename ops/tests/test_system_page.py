"""The admin System page and ``dbstats``: staff only, every figure there, few round trips."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from pymongo import MongoClient, monitoring

from mailbox_project import events
from mailbox_project.mongo import get_database
from ops import heartbeats, status
from ops.stats import prefix_of

# MongoDB round trips of one page view, whatever the number of collections (ops/stats.py).
MONGO_ROUND_TRIPS = 7


class Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.names.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
def counted(settings, monkeypatch) -> Commands:
    """Serve the page from a client whose every MongoDB command is recorded."""
    listener = Commands()
    client: MongoClient[dict[str, Any]] = MongoClient(
        settings.MONGODB_URI, event_listeners=[listener]
    )
    monkeypatch.setattr("ops.views.get_database", lambda: client[get_database().name])
    return listener


def test_the_admin_index_links_the_system_page(client: Client, staff) -> None:
    client.force_login(staff)
    page = client.get("/admin/").content.decode()
    assert 'href="/admin/system/"' in page
    assert "Site administration" in page  # still the admin's own index


def test_only_staff_see_the_system_page(client: Client, owner, staff) -> None:
    assert client.get("/admin/system/").status_code == 302
    client.force_login(owner)
    assert client.get("/admin/system/").status_code == 302
    client.force_login(staff)
    assert client.get("/admin/system/").status_code == 200


def test_the_page_shows_every_part_in_a_fixed_number_of_round_trips(
    client: Client, staff, counted: Commands, mailbox
) -> None:
    mailbox.sync()
    heartbeats.beat("celery@test-worker")
    events.note("task-failure", "mails.tasks.sync_mailbox")
    events.note("gmail-429")
    status.record_failure("OSError: disk full", __import__("datetime").datetime.now())
    client.force_login(staff)
    counted.names.clear()
    response = client.get("/admin/system/")
    assert response.status_code == 200
    page = response.content.decode()
    for expected in (
        "Replica set",
        "WiredTiger cache",
        "user_term_newest",
        "TTL 31104000 s",  # email_analysis_cache's 360-day TTL index
        "Hit ratio",
        "celery@test-worker — alive",
        "mails.tasks.sync_mailbox 1",
        "Gmail 429s, last hour</th><td>1",
        "Backlog",
        "L2 hit ratio",
        "disk full",
    ):
        assert expected in page, expected
    assert len(counted.names) == MONGO_ROUND_TRIPS, counted.names


def test_keys_are_grouped_by_family() -> None:
    assert prefix_of("mbx:analysis:r:u:v:m") == "mbx:analysis"
    assert prefix_of("mbx:1:search:u:4:d") == "mbx:search"
    assert prefix_of("celery-task-meta-x") == "celery-task-meta-x"


def test_dbstats_prints_the_database_and_cache_part(db, capsys) -> None:
    call_command("dbstats")
    out = capsys.readouterr().out
    assert "MongoDB" in out
    assert "index unique_user_gmail_id" in out
    assert "Redis:" in out
    assert "analysis backlog" in out


def test_a_service_that_is_down_is_shown_unavailable_not_a_500(
    client: Client, staff, monkeypatch
) -> None:
    from mailbox_project.redis import client as redis_client

    # A real client to a port nothing listens on: what the page sees while Redis is down.
    dead = redis_client("redis://127.0.0.1:9/0", timeout=0.5, retry=False)
    monkeypatch.setattr("ops.stats.connection", lambda: dead)
    client.force_login(staff)
    response = client.get("/admin/system/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Redis: ConnectionError" in page
    assert "Replica set" in page  # MongoDB's part is still there
