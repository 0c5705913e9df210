"""Mail stored by an older parser is fetched again through Gmail (the emulator) and re-stored.

The "old" messages are made by syncing for real and then taking away what an old parser did
not store (the fields, the version), with search fields recomputed from what is left, as
they were when that mail was stored.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from redis.exceptions import ConnectionError as RedisConnectionError

from mailbox_project.mongo import get_database
from mailbox_project.redis import connection
from mails import refetch, tasks
from mails.models import Label, Message
from mails.parsing import PARSER_VERSION
from mails.search.reindex import reindex
from mails.search.service import search
from mails.tests.test_full_sync import run_until_partial

pytestmark = pytest.mark.django_db(transaction=True)

RAW = b"""From: Ana Lima <ana@example.com>
To: Sam Garcia <sam@example.org>
Cc: "Quentin Okafor" <q@example.net>
Delivered-To: team-inbox@example.org
Subject: Quarterly numbers
Date: Tue, 03 Mar 2026 10:00:00 +0000
Message-ID: <refetch-1@example.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

See the table below.
--b1
Content-Type: text/html; charset=utf-8

<p>See the table below.</p><table><tr><td>Wombatcount</td></tr></table>
--b1--
"""

# What an old parser did not store; the version it recorded (none at all).
NEW_FIELDS: dict[str, list[str]] = {
    "to_names": [],
    "cc_names": [],
    "bcc_names": [],
    "delivered_to": [],
}


def messages() -> Any:
    return get_database()["messages"]


def make_old(user: Any, gmail_ids: list[str] | None = None) -> int:
    """Turn stored messages back into what an old parser stored; return how many."""
    query: dict[str, Any] = {"user_id": user.pk}
    if gmail_ids is not None:
        query["gmail_id"] = {"$in": gmail_ids}
    result = messages().update_many(
        query,
        {"$set": {**NEW_FIELDS, "alternative_text": ""}, "$unset": {"parser_version": ""}},
    )
    reindex(user_id=user.pk)  # their search fields, as computed from those fields then
    return int(result.modified_count)


def gets(google: Any, email: str) -> int:
    return int(google.emulator.stats(email)["calls"].get("users.messages.get", 0))


@pytest.fixture
def old_mailbox(mailbox_owner: Any, google: Any) -> tuple[Any, str]:
    """The owner's mailbox synced, plus RAW, all of it stored "by an old parser"."""
    gmail_id = google.emulator.deliver(mailbox_owner.email, RAW, labels=["INBOX"])
    run_until_partial(mailbox_owner)
    make_old(mailbox_owner)
    return mailbox_owner, gmail_id


def test_old_mail_is_fetched_again_and_search_finds_its_new_fields(old_mailbox, google) -> None:
    user, gmail_id = old_mailbox
    stale = refetch.count_stale(user.pk)
    assert stale == Message.objects.for_user(user).count() > 1
    for query in ("to:garcia", 'cc:"quentin okafor"', "deliveredto:team-inbox", "wombatcount"):
        assert search(user, query).messages == [], query
    before = gets(google, user.email)

    result = refetch.refetch_all(user.pk)

    assert (result.selected, result.refetched, result.deleted, result.failed) == (
        stale,
        stale,
        0,
        0,
    )
    assert gets(google, user.email) - before == stale  # each stale message fetched once
    assert refetch.count_stale(user.pk) == 0
    stored = Message.objects.get(user=user, gmail_id=gmail_id)
    assert stored.parser_version == PARSER_VERSION
    assert stored.to_names == ["Sam Garcia"]
    assert stored.delivered_to == ["team-inbox@example.org"]
    assert "Wombatcount" in stored.alternative_text
    for query in ("to:garcia", 'cc:"quentin okafor"', "deliveredto:team-inbox", "wombatcount"):
        assert [m.gmail_id for m in search(user, query).messages] == [gmail_id], query


def test_only_stale_messages_are_fetched(old_mailbox, google) -> None:
    user, gmail_id = old_mailbox
    messages().update_many({"user_id": user.pk}, {"$set": {"parser_version": PARSER_VERSION}})
    make_old(user, [gmail_id])
    messages().update_one(
        {"user_id": user.pk, "gmail_id": {"$ne": gmail_id}}, {"$set": {"parser_version": 0}}
    )
    before = gets(google, user.email)
    assert refetch.refetch_all(user.pk).refetched == 2
    assert gets(google, user.email) - before == 2
    assert not refetch.has_stale(user.pk)


def test_a_message_gmail_no_longer_has_is_deleted(old_mailbox, google) -> None:
    user, gmail_id = old_mailbox
    google.emulator.delete(user.email, gmail_id)
    count = Message.objects.for_user(user).count()
    result = refetch.refetch_all(user.pk)
    assert (result.deleted, result.refetched) == (1, count - 1)
    assert not Message.objects.filter(user=user, gmail_id=gmail_id).exists()
    assert refetch.count_stale(user.pk) == 0


def test_a_message_that_cannot_be_fetched_is_stepped_over_and_tried_next_pass(
    old_mailbox, google
) -> None:
    user, gmail_id = old_mailbox
    messages().update_many({"user_id": user.pk}, {"$set": {"parser_version": PARSER_VERSION}})
    make_old(user, [gmail_id])
    # Gmail refuses it (400): a permanent failure, neither a deletion nor worth a retry now.
    google.emulator.set_faults(user.email, 1.0, statuses=(400,))
    result = refetch.refetch_all(user.pk)
    assert (result.refetched, result.failed, result.deleted) == (0, 1, 0)
    assert refetch.count_stale(user.pk) == 1  # still stale, and still stored
    google.emulator.set_faults(user.email, 0.0)
    assert refetch.refetch_all(user.pk).refetched == 1
    assert refetch.count_stale(user.pk) == 0


def test_the_sync_starts_a_rate_limited_pass_that_resumes_after_a_kill(
    old_mailbox, google, monkeypatch
) -> None:
    user, _ = old_mailbox
    stale = refetch.count_stale(user.pk)
    monkeypatch.setattr(refetch, "REFETCH_BATCH", 10)
    queued: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(tasks.refetch_mail, "apply_async", lambda a, **k: queued.append((a, k)))
    before = gets(google, user.email)

    tasks.sync_mailbox.apply(args=(str(user.pk), None))  # an up-to-date partial step
    assert len(queued) == 1
    (uid, pass_id, after), _ = queued.pop()
    assert after is None
    # A second step while the pass is live starts nothing more.
    tasks.sync_mailbox.apply(args=(str(user.pk), None))
    assert queued == []

    summary = tasks.refetch_mail.apply(args=(uid, pass_id, after)).get()
    assert summary.startswith("10 refetched")
    assert "more to do" in summary
    (_, same_pass, after), options = queued.pop()
    assert same_pass == pass_id
    assert after is not None
    assert options["countdown"] == refetch.REFETCH_PAUSE  # the pause that leaves quota free
    assert refetch.count_stale(user.pk) == stale - 10

    # The worker is killed before the next run: the pass's key expires, and the next sync
    # step starts a new pass, which goes on with what is left (the version is the checkpoint).
    connection().delete(refetch._pass_key(user.pk))
    tasks.sync_mailbox.apply(args=(str(user.pk), None))
    (_, new_pass, after), _ = queued.pop()
    assert new_pass != pass_id
    assert after is None
    # The old pass's run, delivered late, sees it is no longer the live one.
    assert tasks.refetch_mail.apply(args=(uid, pass_id, "0" * 24)).get() == "stale pass: exit"
    while True:
        tasks.refetch_mail.apply(args=(uid, new_pass, after)).get()
        if not queued:
            break
        (_, _, after), _ = queued.pop()
    assert refetch.count_stale(user.pk) == 0
    assert gets(google, user.email) - before == stale  # nothing fetched twice
    # The pass ended, and nothing is left: later steps start none.
    tasks.sync_mailbox.apply(args=(str(user.pk), None))
    assert queued == []


def test_a_refetch_waits_for_a_running_sync_step(old_mailbox, google, monkeypatch) -> None:
    user, _ = old_mailbox
    queued: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(tasks.refetch_mail, "apply_async", lambda a, **k: queued.append((a, k)))
    pass_id = refetch.should_start(user.pk)
    assert pass_id is not None
    step = refetch.sync_lock(user.pk)
    assert step.acquire()
    with step:
        assert tasks.refetch_mail.apply(args=(str(user.pk), pass_id, None)).get() == "busy"
    assert queued[0][0] == (str(user.pk), pass_id, None)
    assert refetch.count_stale(user.pk) == Message.objects.for_user(user).count()


def test_the_stale_queries_walk_the_index(old_mailbox) -> None:
    user, _ = old_mailbox
    query = refetch.stale_query(user.pk)
    plan = str(messages().find(query).sort("_id", 1).hint(refetch.INDEX).limit(5).explain())
    assert "user_parser_version" in plan
    assert "COLLSCAN" not in plan
    assert "'stage': 'SORT'" not in plan  # the stale versions are merged in _id order
    # Without a hint too, the planner picks the index for the existence probe.
    probe = str(messages().find(query, {"_id": 1}).limit(1).explain())
    assert "user_parser_version" in probe


def test_the_command_counts_and_refetches(old_mailbox, google, other_user) -> None:
    user, _ = old_mailbox
    stale = refetch.count_stale(user.pk)
    before = gets(google, user.email)
    out = StringIO()
    call_command("refetch_mail", "--dry-run", stdout=out)
    assert f"{user.email}: {stale} stale" in out.getvalue()
    assert f"{other_user.email}: 0 stale" in out.getvalue()
    assert f"{stale} stale messages (dry run" in out.getvalue()
    assert gets(google, user.email) == before  # a dry run fetches nothing
    out = StringIO()
    call_command("refetch_mail", "--user", user.email, stdout=out)
    assert f"{stale} stale: {stale} refetched, 0 deleted, 0 failed" in out.getvalue()
    assert refetch.count_stale(user.pk) == 0
    assert gets(google, user.email) - before == stale


def test_an_outage_when_starting_a_pass_does_not_fail_the_sync_step(
    old_mailbox, monkeypatch
) -> None:
    user, _ = old_mailbox

    def redis_down(user_id: Any) -> str | None:
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(refetch, "should_start", redis_down)
    result = tasks.sync_mailbox.apply(args=(str(user.pk), None))
    assert result.successful()
    assert result.get().startswith("partial")


def test_a_label_first_seen_on_a_refetched_message_is_looked_up(old_mailbox, google) -> None:
    user, gmail_id = old_mailbox
    label_id = google.emulator.mailbox(user.email).add_user_label("Recruiters 2026")
    google.emulator.modify_labels(user.email, gmail_id, add=[label_id])
    assert not Label.objects.filter(user=user, name="Recruiters 2026").exists()
    refetch.refetch_all(user.pk)
    assert Label.objects.get(user=user, name="Recruiters 2026").label_id == label_id
    assert label_id in Message.objects.get(user=user, gmail_id=gmail_id).label_ids
    assert [m.gmail_id for m in search(user, 'label:"Recruiters 2026"').messages] == [gmail_id]
