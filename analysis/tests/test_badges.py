"""Status badges on the mail pages: job emails only, from the cache only, per user."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from analysis import cache, cache_metrics, service
from mailbox_project.mongo import get_database
from mails.annotations import badges_for
from mails.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]


def store(user: Any, gmail_id: str, subject: str, body: str) -> None:
    Message.objects.create(
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
def analysed_owner(owner) -> Any:
    """The owner with three stored messages; two are analysed, one (a job offer) not yet."""
    store(owner, "interview", "Interview invitation", "Pick an interview slot.")
    store(owner, "digest", "Weekly digest", "Recipes for a rainy day.")
    store(owner, "fresh", "Offer letter", "We are pleased to offer you the job.")
    service.analyze(owner.pk, ["interview", "digest"])  # "fresh" is not analysed yet
    return owner


def test_only_analysed_job_emails_get_a_badge(analysed_owner) -> None:
    badges = badges_for(analysed_owner.pk, ["interview", "digest", "fresh"])
    assert list(badges) == ["interview"]
    [badge] = badges["interview"]
    assert badge.label == "Interview invitation"
    assert badge.css_class == "status-interview_invitation"
    assert "confident" in badge.title


def test_a_page_view_never_classifies(analysed_owner) -> None:
    badges_for(analysed_owner.pk, ["fresh"])
    assert cache.get(analysed_owner.pk, "fresh") is None
    assert get_database()["email_analysis_cache"].count_documents({"message_id": "fresh"}) == 0


def test_a_warm_page_is_served_without_mongodb(analysed_owner) -> None:
    cache.clear_local()
    badges_for(analysed_owner.pk, ["interview", "digest"])  # Redis answers and fills L1
    cache_metrics.reset()
    for _ in range(3):
        badges_for(analysed_owner.pk, ["interview", "digest"])
    stats = cache.stats()
    assert stats["l1"]["hits"] == 6
    assert stats["l3"]["hits"] + stats["l3"]["misses"] == 0


def test_another_user_sees_no_badge_for_the_same_gmail_id(analysed_owner, other_user) -> None:
    store(other_user, "interview", "Lunch?", "Shall we have lunch on Friday?")
    assert badges_for(other_user.pk, ["interview"]) == {}
    service.analyze(other_user.pk, ["interview"])
    assert badges_for(other_user.pk, ["interview"]) == {}  # theirs is not a job email
    assert list(badges_for(analysed_owner.pk, ["interview"])) == ["interview"]


def test_the_mail_list_shows_the_badges_of_its_owner_only(
    client, analysed_owner, other_user
) -> None:
    client.force_login(analysed_owner)
    page = client.get("/mails").text
    assert re.search(r'class="badge status-interview_invitation"[^>]*>Interview invitation<', page)
    assert "status-not_job_related" not in page
    client.force_login(other_user)
    assert "status-interview_invitation" not in client.get("/mails").text
