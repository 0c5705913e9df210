"""The pipeline end to end: the sync queues analysis, real workers analyse, deletions follow."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from redis import Redis

from analysis import cache, tasks
from analysis.classify import EmailInput, classify
from analysis.engines.base import DOCUMENT_FIELDS
from analysis.results import AnalysisResult
from mailbox_project.mongo import get_database
from mailbox_project.testing import wait_until
from mails import store, sync
from mails import tasks as mail_tasks
from mails.models import Message, SyncState
from mails.tests.mirror import emulator_view

pytestmark = pytest.mark.usefixtures("fresh_analysis_tiers")

ANALYSES = "email_analysis_cache"


def analyses(user: Any) -> dict[str, dict[str, Any]]:
    documents = get_database()[ANALYSES].find({"user_id": user.pk})
    return {doc["message_id"]: doc for doc in documents}


def expected(message: Message) -> AnalysisResult:
    [document] = store.documents(message.user_id, [message.gmail_id], DOCUMENT_FIELDS)
    email = EmailInput.from_document(document)
    return classify(email).result(email)


def in_redis(user: Any) -> int:
    """How many analyses of ``user`` Redis (L2) holds: a worker writes MongoDB's copy first."""
    return len(cache._l2_user_keys(cache._redis(), str(user.pk)))


def reached_partial_sync(user: Any) -> bool:
    return SyncState.objects.filter(user=user, phase=SyncState.Phase.PARTIAL).exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_synced_mailbox_is_analysed_by_workers_and_deletions_follow(
    mailbox_owner, google, celery_workers
) -> None:
    user = mailbox_owner
    worker = celery_workers("pipeline", env={"GOOGLE_EMULATOR_URL": google.url})
    mail_tasks.start_sync(user.pk)
    wait_until(lambda: reached_partial_sync(user), 90, "the full sync")
    messages = {m.gmail_id: m for m in Message.objects.filter(user=user)}
    assert len(messages) == len(emulator_view(google, user.email))
    wait_until(lambda: len(analyses(user)) == len(messages), 60, "an analysis of every message")
    # The last batch's Redis copy follows its MongoDB copy (seen once in the full suite: 50 of
    # 60 read from Redis, the rest from MongoDB).
    wait_until(lambda: in_redis(user) >= len(messages), 10, "every analysis in Redis")

    found = cache.get_many(user.pk, list(messages))  # served from Redis: the workers filled it
    # Not one == on the whole dicts: a mismatch should say which message and how.
    wanted = {m: expected(message) for m, message in messages.items()}
    wrong = {m: (found.get(m), want) for m, want in wanted.items() if found.get(m) != want}
    assert not wrong, (
        f"{len(wrong)} analyses differ from classify(), e.g. {next(iter(wrong.items()))}"
    )
    assert cache.stats()["l2"]["hits"] == len(messages)
    assert "analysis.tasks.analyze_messages" in worker.log()

    # Gmail deletes a message; the next sync (in the worker) removes its analysis everywhere.
    victim = sorted(messages)[0]
    google.emulator.delete(user.email, victim)
    mail_tasks.wake(user.pk)
    wait_until(lambda: victim not in analyses(user), 60, "the analysis to be deleted")
    # This process's L1 copy retires within the generation recheck interval.
    wait_until(lambda: cache.get(user.pk, victim) is None, 5, "the L1 copy to retire")
    assert len(analyses(user)) == len(messages) - 1

    # Re-analysing the whole mailbox on the workers rewrites every analysis.
    before = {m: doc["cached_at"] for m, doc in analyses(user).items()}
    tasks.analyze_mailbox.delay(str(user.pk), True)

    def all_rewritten() -> bool:
        now = analyses(user)
        return now.keys() == before.keys() and all(now[m]["cached_at"] > before[m] for m in before)

    wait_until(all_rewritten, 60, "every analysis to be rewritten")


@pytest.mark.django_db
def test_the_sync_deleting_messages_removes_their_analyses_in_every_tier(owner) -> None:
    for gmail_id in ("keep", "gone"):
        Message.objects.create(
            user=owner,
            gmail_id=gmail_id,
            thread_id="t",
            internal_date=timezone.now(),
            subject="Interview invitation",
            body_text="Please pick an interview slot.",
        )
    entries = {
        m: AnalysisResult.from_document({"status": "interview_invitation", "message_id": m})
        for m in ("keep", "gone")
    }
    cache.put_many(owner.pk, entries)
    assert store.delete_messages(owner.pk, ["gone"]) == 1  # sends messages_deleted
    assert set(analyses(owner)) == {"keep"}
    assert cache.get(owner.pk, "gone") is None
    assert cache.get(owner.pk, "keep") is not None
    assert len(cache._l2_user_keys(cache._redis(), str(owner.pk))) == 1


@pytest.mark.django_db
def test_the_sync_storing_messages_queues_their_analysis_in_batches(
    mailbox_owner, google, settings
) -> None:
    from mailbox_project.celery import app

    settings.ANALYSIS_BATCH_SIZE = 25
    app.control.purge()
    sync.sync_step(mailbox_owner)  # stores the first page and sends messages_stored
    stored = Message.objects.filter(user=mailbox_owner).count()
    queued = Redis.from_url(settings.CELERY_BROKER_URL).llen("analysis")  # kombu's queue list
    assert queued == -(-stored // 25)
    app.control.purge()


@pytest.mark.django_db
def test_the_command_analyses_what_is_missing_or_everything_when_forced(owner, capsys) -> None:
    for index in range(3):
        Message.objects.create(
            user=owner,
            gmail_id=f"m{index}",
            thread_id="t",
            internal_date=timezone.now(),
            subject="Thank you for applying",
            body_text="We received your application.",
        )
    call_command("analyze_mailbox", owner.email)
    assert capsys.readouterr().out.strip().endswith("owner@example.com: 3 analysed, 0 failed.")
    assert len(analyses(owner)) == 3
    call_command("analyze_mailbox", owner.email)
    assert capsys.readouterr().out.strip() == "owner@example.com: 0 analysed, 0 failed."
    call_command("analyze_mailbox", owner.email.upper(), "--force")
    assert "3 analysed, 0 failed." in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_email() -> None:
    with pytest.raises(CommandError, match="No user with email"):
        call_command("analyze_mailbox", "nobody@example.com")
