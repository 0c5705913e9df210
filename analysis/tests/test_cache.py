"""The three cache tiers: fall-through, fill-up, write-through, invalidation, counters."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache as django_cache
from django.utils import timezone

from analysis import cache
from analysis.classify import classifier_version
from analysis.models import EmailAnalysis
from analysis.results import SCHEMA_VERSION, AnalysisResult, FailedAnalysis
from analysis.status import Status
from mailbox_project.ids import user_id
from mailbox_project.mongo import get_database
from mailbox_project.testing import BASE_DIR, process_environment, wait_until

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]


def result(
    message_id: str, status: str = "interview_invitation", company: str = "Acme"
) -> AnalysisResult:
    return AnalysisResult(
        message_id=message_id,
        subject=f"About {message_id}",
        sender="Recruiter <jobs@acme.example>",
        date=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        status=Status(status),
        company=company,
        position="Engineer",
        details="Interview on Monday.",
        confidence=0.9,
    )


def l3(user, message_id: str) -> dict[str, Any] | None:
    return get_database()["email_analysis_cache"].find_one(
        {"user_id": user.pk, "message_id": message_id}
    )


def l2_keys(user) -> list[bytes]:
    return cache._l2_user_keys(cache._redis(), str(user.pk))


def tier_counts() -> dict[str, dict[str, float]]:
    return cache.stats()


def test_a_put_writes_through_all_three_tiers(owner) -> None:
    cache.put(owner.pk, "m1", result("m1"))
    document = l3(owner, "m1")
    assert document["result"] == result("m1").to_document()
    assert document["result"]["v"] == SCHEMA_VERSION
    assert document["result"]["date"] == "2026-01-02T03:04:05+00:00"
    assert document["classifier_version"] == classifier_version()
    assert timezone.now() - document["cached_at"].replace(tzinfo=UTC) < timedelta(minutes=1)
    # The ORM (the admin) reads what pymongo wrote.
    stored = EmailAnalysis.objects.get(user=owner, message_id="m1")
    assert stored.result == result("m1").to_document()
    assert len(l2_keys(owner)) == 1
    assert cache.get(owner.pk, "m1") == result("m1")
    assert tier_counts()["l1"]["hits"] == 1
    assert tier_counts()["l2"]["hits"] == 0


def test_an_l1_miss_is_served_by_redis_and_fills_l1(owner) -> None:
    cache.put(owner.pk, "m1", result("m1"))
    cache.clear_local()
    assert cache.get(owner.pk, "m1") == result("m1")
    assert cache.get(owner.pk, "m1") == result("m1")
    stats = tier_counts()
    assert (stats["l1"]["hits"], stats["l1"]["misses"]) == (1, 1)
    assert (stats["l2"]["hits"], stats["l2"]["misses"]) == (1, 0)
    assert stats["l3"]["hits"] + stats["l3"]["misses"] == 0
    assert stats["l1"]["hit_ratio"] == 0.5


def test_a_miss_in_l1_and_redis_is_served_by_mongodb_and_fills_both(owner) -> None:
    cache.put(owner.pk, "m1", result("m1"))
    cache.clear_local()
    django_cache.clear()  # empties the test Redis database: L2 and the counters
    assert l2_keys(owner) == []
    assert cache.get(owner.pk, "m1") == result("m1")
    assert len(l2_keys(owner)) == 1
    assert cache.get(owner.pk, "m1") == result("m1")
    cache.clear_local()
    assert cache.get(owner.pk, "m1") == result("m1")
    stats = tier_counts()
    assert stats["l3"]["hits"] == 1
    assert stats["l2"]["hits"] == 1  # the read after clearing L1 again
    assert stats["l1"]["hits"] == 1


def test_get_many_returns_found_entries_and_counts_misses(owner) -> None:
    cache.put_many(owner.pk, {"a": result("a"), "b": result("b")})
    cache.clear_local()
    cache.get(owner.pk, "a")  # "a" back in L1; "b" only in Redis and MongoDB
    found = cache.get_many(owner.pk, ["a", "b", "nope", "a"])
    assert found == {"a": result("a"), "b": result("b")}
    stats = tier_counts()
    assert stats["l1"] == {"hits": 1, "misses": 3, "evictions": 0, "hit_ratio": 0.25}
    assert (stats["l2"]["hits"], stats["l2"]["misses"]) == (2, 1)
    assert (stats["l3"]["hits"], stats["l3"]["misses"]) == (0, 1)


def test_entries_handed_out_are_frozen(owner) -> None:
    # L1 hands out the object it holds: no reader can change another reader's copy.
    cache.put(owner.pk, "m1", result("m1"))
    entry, name = cache.get(owner.pk, "m1"), "status"
    with pytest.raises(FrozenInstanceError):
        setattr(entry, name, Status.OFFER)
    assert cache.get(owner.pk, "m1").status is Status.INTERVIEW_INVITATION


def test_delete_removes_an_entry_from_every_tier(owner) -> None:
    cache.put_many(owner.pk, {"a": result("a"), "b": result("b")})
    cache.delete(owner.pk, ["a"])
    assert l3(owner, "a") is None
    assert l3(owner, "b") is not None
    assert len(l2_keys(owner)) == 1
    assert cache.get(owner.pk, "a") is None
    assert cache.get(owner.pk, "b") == result("b")


def test_another_process_deleting_an_entry_retires_this_process_l1_copy(owner, monkeypatch) -> None:
    monkeypatch.setattr(cache, "GENERATION_RECHECK", 0.2)
    cache.put(owner.pk, "m1", result("m1"))
    assert cache.get(owner.pk, "m1") is not None  # now in this process's L1
    script = (
        "import django; django.setup(); from analysis import cache; "
        "from mailbox_project.ids import user_id; "
        f"cache.delete(user_id({str(owner.pk)!r}), ['m1'])"
    )
    env = process_environment(DJANGO_SETTINGS_MODULE="mailbox_project.settings")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    wait_until(lambda: cache.get(owner.pk, "m1") is None, 5, "the L1 copy to be retired")


def test_purge_user_empties_every_tier_for_that_user_only(owner, other_user) -> None:
    cache.put_many(owner.pk, {"a": result("a"), "b": result("b")})
    cache.put(other_user.pk, "a", result("a", company="Other Co"))
    assert cache.purge_user(owner.pk) == 2
    assert cache.get_many(owner.pk, ["a", "b"]) == {}
    assert l2_keys(owner) == []
    cache.clear_local()
    assert cache.get(other_user.pk, "a").company == "Other Co"


def test_the_same_gmail_id_in_two_mailboxes_is_two_entries(owner, other_user) -> None:
    cache.put(owner.pk, "same", result("same", company="Mine"))
    cache.put(other_user.pk, "same", result("same", company="Theirs"))
    assert cache.get(owner.pk, "same").company == "Mine"
    assert cache.get(other_user.pk, "same").company == "Theirs"
    cache.delete(other_user.pk, ["same"])
    cache.clear_local()
    django_cache.clear()
    assert cache.get(owner.pk, "same").company == "Mine"
    assert cache.get(other_user.pk, "same") is None


def test_a_failed_marker_lives_briefly_in_l1_and_redis_only(owner, settings) -> None:
    settings.ANALYSIS_FAILED_TTL = 1
    cache.put_failed(owner.pk, "m1", "TimeoutError while classifying")
    entry = cache.get(owner.pk, "m1")
    assert cache.is_failed(entry)
    assert entry.reason == "TimeoutError while classifying"
    assert l3(owner, "m1") is None
    cache.clear_local()
    assert cache.is_failed(cache.get(owner.pk, "m1"))  # from Redis
    wait_until(lambda: cache.get(owner.pk, "m1") is None, 5, "the failed marker to expire")


def test_a_failed_marker_cannot_go_through_put(owner) -> None:
    with pytest.raises(ValueError, match="put_failed"):
        cache.put(owner.pk, "m1", FailedAnalysis(message_id="m1", reason="x"))


def test_a_new_classifier_version_misses_every_tier(owner, monkeypatch) -> None:
    cache.put(owner.pk, "m1", result("m1"))
    monkeypatch.setattr(cache, "classifier_version", lambda: "next-version")
    assert cache.get(owner.pk, "m1") is None
    assert cache.current_ids(owner.pk, ["m1"]) == []


def test_an_entry_older_than_360_days_is_not_served(owner) -> None:
    cache.put(owner.pk, "m1", result("m1"))
    get_database()["email_analysis_cache"].update_one(
        {"user_id": owner.pk, "message_id": "m1"},
        {"$set": {"cached_at": timezone.now() - timedelta(days=361)}},
    )
    cache.clear_local()
    django_cache.clear()
    # MongoDB's TTL monitor runs once a minute; reads apply the same age limit meanwhile.
    assert cache.get(owner.pk, "m1") is None


def test_the_ttl_index_of_360_days_exists_on_the_collection() -> None:
    indexes = get_database()["email_analysis_cache"].index_information()
    ttl = indexes["cached_at_ttl_360d"]
    assert ttl["key"] == [("cached_at", 1)]
    assert ttl["expireAfterSeconds"] == 360 * 86400


def test_l1_counts_evictions_when_full(owner, settings) -> None:
    settings.ANALYSIS_L1_MAXSIZE = 2
    cache.clear_local()
    cache.put_many(owner.pk, {m: result(m) for m in ("a", "b", "c")})
    assert tier_counts()["l1"]["evictions"] == 1
    cache.get_many(owner.pk, ["a", "b", "c"])  # "a" comes back from Redis, evicting "b"
    stats = tier_counts()
    assert stats["l1"]["evictions"] == 2
    assert stats["l2"]["hits"] == 1


def test_a_bad_user_id_is_a_clear_error() -> None:
    # Converted once where it enters; the cache itself takes only a UserId.
    with pytest.raises(ValueError, match="not a user id"):
        cache.get(user_id("not-an-id"), "m1")


def test_a_document_written_before_the_schema_version_still_loads(owner) -> None:
    # The L3 documents of earlier releases: no "v", the date as ISO text (naive meaning UTC).
    old = {
        "subject": "About m1",
        "sender": "Recruiter <jobs@acme.example>",
        "date": "2026-01-02T03:04:05",
        "status": "interview_invitation",
        "company": "Acme",
        "position": "Engineer",
        "details": "Interview on Monday.",
        "confidence": 0.9,
        "message_id": "m1",
    }
    get_database()["email_analysis_cache"].insert_one(
        {
            "user_id": owner.pk,
            "message_id": "m1",
            "classifier_version": classifier_version(),
            "cached_at": timezone.now(),
            "result": old,
        }
    )
    found = cache.get(owner.pk, "m1")
    assert found == result("m1")
    assert found.date.tzinfo is not None
    cache.clear_local()
    assert cache.get(owner.pk, "m1") == result("m1")  # and as L3 filled Redis


def test_a_value_that_is_no_analysis_is_a_miss(owner) -> None:
    cache.put(owner.pk, "m1", result("m1"))
    [key] = l2_keys(owner)
    cache._redis().set(key, json.dumps({"status": "not a status"}))
    get_database()["email_analysis_cache"].update_one(
        {"user_id": owner.pk, "message_id": "m1"}, {"$set": {"result": {"status": "?"}}}
    )
    cache.clear_local()
    assert cache.get(owner.pk, "m1") is None


def test_redis_usage_counts_the_analysis_keys(owner) -> None:
    cache.put_many(owner.pk, {m: result(m) for m in ("a", "b", "c")})
    cache.get(owner.pk, "a")
    cache.stats()  # flushes the counters: the metrics hash is one more key
    usage = cache.redis_usage()
    # Three results, the user's generation token, the set of versions and the counters hash.
    assert usage["keys"] == 6
    assert usage["memory_bytes"] > 0
    assert usage["complete"] is True
    assert usage["instance_expired_keys"] >= 0


def test_with_redis_down_reads_are_answered_by_mongodb(owner, settings, caplog) -> None:
    cache.put(owner.pk, "m1", result("m1"))
    cache.clear_local()
    dead = {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    settings.CACHES = {"default": dead}  # nothing listens on port 1: connection refused
    assert cache.get(owner.pk, "m1") == result("m1")
    assert cache.get(owner.pk, "other") is None
    assert "Redis unavailable" in caplog.text


def test_a_delete_reaches_entries_of_other_classifier_versions(owner, monkeypatch) -> None:
    cache.put(owner.pk, "m1", result("m1", company="Rules"))
    monkeypatch.setattr(cache, "classifier_version", lambda: "llm-1")
    cache.put(owner.pk, "m1", result("m1", company="LLM"))
    cache.delete(owner.pk, ["m1"])
    monkeypatch.undo()  # the LLM engine switched off again: the first version is current
    cache.clear_local()
    assert cache.get(owner.pk, "m1") is None
    assert l2_keys(owner) == []
