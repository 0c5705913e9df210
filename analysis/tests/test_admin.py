"""The admin's cache inspection: entries, tier counters, Redis usage, purge and re-analyse."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from redis import Redis

from analysis import cache, cache_metrics, service
from analysis.models import EmailAnalysis
from analysis.results import AnalysisResult
from analysis.signals import analysis_removed
from analysis.status import Status
from mailbox_project.celery import app
from mailbox_project.mongo import get_database
from mails.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]

CHANGELIST = reverse("admin:analysis_emailanalysis_changelist")


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def store(user: Any, gmail_id: str, subject: str, body: str) -> None:
    Message.objects.create(
        user=user,
        gmail_id=gmail_id,
        thread_id="t",
        internal_date=timezone.now(),
        subject=subject,
        body_text=body,
    )


@pytest.fixture
def entries(owner, other_user) -> dict[str, Any]:
    """Owner: an interview invitation and a newsletter; the other user: an offer."""
    store(owner, "interview", "Interview invitation", "Pick an interview slot.")
    store(owner, "digest", "Weekly digest", "Recipes for a rainy day.")
    store(other_user, "offer", "Offer letter", "We are pleased to offer you the job.")
    service.analyze(owner.pk, ["interview", "digest"])
    service.analyze(other_user.pk, ["offer"])
    return {"owner": owner, "other": other_user}


def listed(response) -> set[str]:
    return set(re.findall(r'class="field-message_id">(?:<a [^>]*>)?([^<]+)<', response.text))


def select(*pairs: tuple[Any, str]) -> list[str]:
    return [
        str(EmailAnalysis.objects.get(user=user, message_id=message_id).pk)
        for user, message_id in pairs
    ]


def test_the_changelist_is_for_staff_only(client, owner) -> None:
    client.force_login(owner)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_changelist_shows_entries_and_each_tier_s_counters(admin_client, entries) -> None:
    owner = entries["owner"]
    cache_metrics.reset()  # count from here: the fixture's analyses looked up the cache too
    cache.get_many(owner.pk, ["interview", "digest"])  # two L1 hits
    cache.clear_local()
    cache.get(owner.pk, "interview")  # an L1 miss answered by Redis
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == {"interview", "digest", "offer"}
    page = response.text
    l1 = re.search(r'class="tier-l1">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", l1)[1:] == ["2", "1", "0", "67%"]
    l2 = re.search(r'class="tier-l2">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", l2)[1:] == ["1", "0", "not counted", "100%"]
    usage = re.search(r'id="analysis-redis-usage">(.*?)</table>', page, re.S).group(1)
    assert "whole Redis instance" in usage
    # Three results, two users' generation tokens, the set of versions and the counters hash.
    assert re.search(r"<td>7</td>", usage)


def test_entries_are_searched_by_message_id_and_user_email(admin_client, entries) -> None:
    assert listed(admin_client.get(CHANGELIST, {"q": "interview"})) == {"interview"}
    assert listed(admin_client.get(CHANGELIST, {"q": "other@example.com"})) == {"offer"}


def test_entries_are_filtered_by_status_and_classifier_version(admin_client, entries) -> None:
    assert listed(admin_client.get(CHANGELIST, {"status": "offer"})) == {"offer"}
    assert listed(admin_client.get(CHANGELIST, {"status": "not_job_related"})) == {"digest"}
    version = EmailAnalysis.objects.first().classifier_version
    assert len(listed(admin_client.get(CHANGELIST, {"classifier_version": version}))) == 3
    response = admin_client.get(CHANGELIST, {"classifier_version": "old"})
    assert response.status_code == 200
    assert listed(response) == set()


def test_an_entry_page_shows_the_result_read_only(admin_client, entries) -> None:
    pk = select((entries["owner"], "interview"))[0]
    response = admin_client.get(reverse("admin:analysis_emailanalysis_change", args=[pk]))
    assert response.status_code == 200
    assert "interview_invitation" in response.text
    assert 'name="_save"' not in response.text


def test_purging_selected_entries_empties_every_tier(admin_client, entries) -> None:
    owner, other = entries["owner"], entries["other"]
    removed: list[dict[str, Any]] = []

    def on_removed(sender, **kwargs):
        removed.append(kwargs)

    analysis_removed.connect(on_removed)
    try:
        response = admin_client.post(
            CHANGELIST,
            {
                "action": "purge_selected",
                "_selected_action": select((owner, "interview"), (other, "offer")),
            },
            follow=True,
        )
    finally:
        analysis_removed.disconnect(on_removed)
    assert "Purged 2 entries of 2 users." in response.text
    assert listed(response) == {"digest"}
    assert cache.get(owner.pk, "interview") is None
    assert cache.get(other.pk, "offer") is None
    assert cache.get(owner.pk, "digest") is not None
    assert sorted(r["message_ids"][0] for r in removed) == ["interview", "offer"]


def test_purging_a_user_removes_all_their_entries_only(admin_client, entries) -> None:
    owner, other = entries["owner"], entries["other"]
    response = admin_client.post(
        CHANGELIST,
        {"action": "purge_users", "_selected_action": select((owner, "digest"))},
        follow=True,
    )
    assert "Purged all 2 entries of 1 users." in response.text
    assert cache.get_many(owner.pk, ["interview", "digest"]) == {}
    assert cache.get(other.pk, "offer") is not None


def test_deleting_one_entry_goes_through_every_tier(admin_client, entries) -> None:
    owner = entries["owner"]
    pk = select((owner, "digest"))[0]
    url = reverse("admin:analysis_emailanalysis_delete", args=[pk])
    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert cache.get(owner.pk, "digest") is None
    [left] = cache._l2_user_keys(cache._redis(), str(owner.pk))
    assert left.endswith(b":interview")


def test_re_analysing_selected_entries_recomputes_them(admin_client, entries) -> None:
    owner = entries["owner"]
    current = cache.get(owner.pk, "digest")
    assert isinstance(current, AnalysisResult)
    wrong = replace(current, status=Status.OFFER, company="Stale")
    cache.put(owner.pk, "digest", wrong)
    before = EmailAnalysis.objects.get(user=owner, message_id="digest").cached_at
    response = admin_client.post(
        CHANGELIST,
        {"action": "reanalyse_selected", "_selected_action": select((owner, "digest"))},
        follow=True,
    )
    assert "Re-analysed 1 entries, 0 failed." in response.text
    assert cache.get(owner.pk, "digest").status is Status.NOT_JOB_RELATED
    fresh = get_database()["email_analysis_cache"].find_one(
        {"user_id": owner.pk, "message_id": "digest"}
    )
    assert fresh["result"]["status"] == "not_job_related"
    assert EmailAnalysis.objects.get(user=owner, message_id="digest").cached_at > before


def test_re_analysing_more_than_a_batch_is_queued_for_the_workers(
    admin_client, entries, settings
) -> None:
    settings.ANALYSIS_BATCH_SIZE = 1
    owner, other = entries["owner"], entries["other"]
    app.control.purge()
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "reanalyse_selected",
            "_selected_action": select((owner, "interview"), (owner, "digest"), (other, "offer")),
        },
        follow=True,
    )
    assert "Queued re-analysis of 3 entries (3 tasks)." in response.text
    assert Redis.from_url(settings.CELERY_BROKER_URL).llen("analysis") == 3
    app.control.purge()
