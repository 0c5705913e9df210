"""The analysis service: classify stored messages, store through the cache, read through it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from analysis import cache, service, tasks
from analysis.classify import classify as real_classify
from analysis.results import FailedAnalysis
from analysis.signals import analysis_removed, analysis_stored
from analysis.status import Status
from mailbox_project.mongo import get_database
from mailbox_project.testing import wait_until
from mails.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]

INTERVIEW = ("Interview invitation", "We would like to invite you to an interview on Monday.")
NEWSLETTER = ("Weekly digest", "Ten recipes for a rainy day.")


def store(user: Any, gmail_id: str, subject: str, body: str) -> Message:
    return Message.objects.create(
        user=user,
        gmail_id=gmail_id,
        thread_id=f"t-{gmail_id}",
        internal_date=timezone.now(),
        subject=subject,
        from_name="Acme Hiring",
        from_address="jobs@acme.example",
        body_text=body,
    )


@pytest.fixture
def signals() -> Iterator[dict[str, list[dict[str, Any]]]]:
    seen: dict[str, list[dict[str, Any]]] = {"stored": [], "removed": []}

    def on_stored(sender: Any, **kwargs: Any) -> None:
        seen["stored"].append(kwargs)

    def on_removed(sender: Any, **kwargs: Any) -> None:
        seen["removed"].append(kwargs)

    analysis_stored.connect(on_stored)
    analysis_removed.connect(on_removed)
    yield seen
    analysis_stored.disconnect(on_stored)
    analysis_removed.disconnect(on_removed)


def l3_versions(user: Any) -> dict[str, str]:
    documents = get_database()["email_analysis_cache"].find({"user_id": user.pk})
    return {doc["message_id"]: doc["classifier_version"] for doc in documents}


def test_analyze_classifies_stores_and_announces(owner, signals) -> None:
    store(owner, "job", *INTERVIEW)
    store(owner, "news", *NEWSLETTER)
    results = service.analyze(owner.pk, ["job", "news"])
    assert results["job"].status == Status.INTERVIEW_INVITATION
    assert results["job"].subject == "Interview invitation"
    assert results["job"].sender == "Acme Hiring <jobs@acme.example>"
    assert results["news"].status == Status.NOT_JOB_RELATED
    assert set(l3_versions(owner)) == {"job", "news"}
    assert cache.get(owner.pk, "job") == results["job"]
    [sent] = signals["stored"]
    assert sent["user_id"] == owner.pk
    assert sorted(r.message_id for r in sent["results"]) == ["job", "news"]


def test_a_task_s_string_user_id_is_announced_as_the_stored_object_id(owner, signals) -> None:
    store(owner, "job", *INTERVIEW)
    # The task converts the id it carries (text, JSON) once; the service takes a UserId.
    tasks.analyze_messages(str(owner.pk), ["job"])
    [sent] = signals["stored"]
    assert sent["user_id"] == owner.pk
    assert type(sent["user_id"]) is type(owner.pk)


def test_analyze_skips_what_is_cached_unless_forced(owner, signals) -> None:
    store(owner, "job", *INTERVIEW)
    assert service.run(owner.pk, ["job"]).analysed == 1
    again = service.run(owner.pk, ["job"])
    assert again.analysed == 0
    assert again.results["job"].status == Status.INTERVIEW_INVITATION
    assert service.run(owner.pk, ["job"], force=True).analysed == 1
    assert len(signals["stored"]) == 2


def test_ids_the_user_does_not_have_are_ignored(owner, other_user) -> None:
    store(other_user, "theirs", *INTERVIEW)
    assert service.analyze(owner.pk, ["theirs", "nowhere"]) == {}
    assert l3_versions(owner) == {}
    assert l3_versions(other_user) == {}


def test_the_same_gmail_id_in_two_mailboxes_is_analysed_per_mailbox(owner, other_user) -> None:
    store(owner, "same", *INTERVIEW)
    store(other_user, "same", *NEWSLETTER)
    service.analyze(owner.pk, ["same"])
    service.analyze(other_user.pk, ["same"])
    assert service.results_for(owner.pk, ["same"])["same"].status == Status.INTERVIEW_INVITATION
    assert service.results_for(other_user.pk, ["same"])["same"].status == Status.NOT_JOB_RELATED
    service.forget(owner.pk, ["same"])
    assert service.results_for(owner.pk, ["same"], compute_missing=False) == {}
    assert "same" in service.results_for(other_user.pk, ["same"], compute_missing=False)


def test_results_for_analyses_a_full_miss_on_demand(owner, signals) -> None:
    store(owner, "job", *INTERVIEW)
    assert service.results_for(owner.pk, ["job"], compute_missing=False) == {}
    found = service.results_for(owner.pk, ["job"])
    assert found["job"].status == Status.INTERVIEW_INVITATION
    assert len(signals["stored"]) == 1
    service.results_for(owner.pk, ["job"])  # now a cache hit: nothing analysed
    assert len(signals["stored"]) == 1


def test_a_new_classifier_version_re_analyses_lazily(owner, monkeypatch) -> None:
    store(owner, "job", *INTERVIEW)
    store(owner, "news", *NEWSLETTER)
    service.analyze(owner.pk, ["job", "news"])
    old = l3_versions(owner)["job"]
    monkeypatch.setattr(cache, "classifier_version", lambda: "rules-next")
    assert l3_versions(owner) == {"job": old, "news": old}  # nothing happens until asked
    found = service.results_for(owner.pk, ["job"])
    assert found["job"].status == Status.INTERVIEW_INVITATION
    assert l3_versions(owner) == {"job": "rules-next", "news": old}


def test_a_failed_analysis_is_remembered_briefly_then_retried(owner, monkeypatch, settings) -> None:
    settings.ANALYSIS_FAILED_TTL = 1
    store(owner, "job", *INTERVIEW)
    store(owner, "bad", "Odd", "An email the engine chokes on.")

    def flaky(email):
        if email.message_id == "bad":
            raise TimeoutError("engine did not answer")
        return real_classify(email)

    monkeypatch.setattr(service, "classify", flaky)
    outcome = service.run(owner.pk, ["job", "bad"])
    assert (outcome.analysed, outcome.failed) == (1, ["bad"])
    assert outcome.summary() == "1 analysed, 1 failed"
    marker = cache.get(owner.pk, "bad")
    assert marker == FailedAnalysis(message_id="bad", reason="TimeoutError while classifying")
    assert "bad" not in l3_versions(owner)
    # While the marker lives, neither analyze nor results_for tries again.
    assert service.run(owner.pk, ["bad"]).failed == []
    assert service.results_for(owner.pk, ["job", "bad"]).keys() == {"job"}
    assert cache.is_failed(service.entries_for(owner.pk, ["bad"])["bad"])
    monkeypatch.setattr(service, "classify", real_classify)
    wait_until(lambda: cache.get(owner.pk, "bad") is None, 5, "the failed marker to expire")
    assert service.results_for(owner.pk, ["bad"])["bad"].status == Status.NOT_JOB_RELATED


def test_a_stand_in_engine_s_result_is_served_briefly_then_analysed_again(owner, settings) -> None:
    # The configured LLM endpoint refuses connections: the rules engine stands in.
    settings.ANALYSIS_LLM_URL = "http://127.0.0.1:1/v1"
    settings.ANALYSIS_LLM_MODEL = "bench-model"
    settings.ANALYSIS_LLM_TIMEOUT = 1.0
    settings.ANALYSIS_FAILED_TTL = 1
    store(owner, "job", *INTERVIEW)
    outcome = service.run(owner.pk, ["job"])
    assert outcome.provisional == ["job"]
    assert outcome.summary() == "1 analysed, 0 failed, 1 provisional"
    assert outcome.results["job"].status == Status.INTERVIEW_INVITATION
    assert cache.get(owner.pk, "job") == outcome.results["job"]  # readers get it meanwhile
    assert l3_versions(owner) == {}  # MongoDB keeps only the configured engine's results
    wait_until(lambda: cache.get(owner.pk, "job") is None, 5, "the stand-in result to expire")
    assert service.run(owner.pk, ["job"]).provisional == ["job"]  # tried again


def test_a_message_deleted_while_being_classified_leaves_no_analysis(owner, monkeypatch) -> None:
    store(owner, "job", *INTERVIEW)

    def classify_while_the_sync_deletes(email):
        Message.objects.filter(user=owner, gmail_id=email.message_id).delete()
        return real_classify(email)

    monkeypatch.setattr(service, "classify", classify_while_the_sync_deletes)
    assert service.analyze(owner.pk, ["job"]) == {}
    assert l3_versions(owner) == {}
    assert cache.get(owner.pk, "job") is None


def test_forget_and_purge_announce_what_they_removed(owner, signals) -> None:
    for gmail_id in ("a", "b", "c"):
        store(owner, gmail_id, *INTERVIEW)
    service.analyze(owner.pk, ["a", "b", "c"])
    service.forget(owner.pk, ["a"])
    [removed] = signals["removed"]
    assert (removed["user_id"], removed["message_ids"]) == (owner.pk, ["a"])
    assert service.purge_user(owner.pk) == 2
    assert sorted(signals["removed"][-1]["message_ids"]) == ["b", "c"]
    assert l3_versions(owner) == {}


def test_mailbox_batches_lists_unanalysed_messages_newest_first(owner, settings) -> None:
    settings.ANALYSIS_BATCH_SIZE = 2
    for gmail_id in ("m1", "m2", "m3"):
        store(owner, gmail_id, *NEWSLETTER)
    service.analyze(owner.pk, ["m2"])
    assert list(service.mailbox_batches(owner.pk)) == [["m3"], ["m1"]]
    assert list(service.mailbox_batches(owner.pk, force=True)) == [["m3", "m2"], ["m1"]]
