"""The tracker's hot queries use plain indexes (the planner ignores the partial unique ones)."""

from __future__ import annotations

import pytest

from analysis.status import Status
from mailbox_project.mongo import get_database
from tracker.models import JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db


def winning_stage(plan) -> tuple[str, str]:
    """(stage, index name) of the leaf of the winning plan."""
    stage = plan["queryPlanner"]["winningPlan"]
    while "inputStage" in stage or "queryPlan" in stage:
        stage = stage.get("inputStage") or stage["queryPlan"]
    return stage["stage"], stage.get("indexName", "")


@pytest.fixture
def collections(owner):
    store(owner, result("m1", Status.APPLICATION_CONFIRMATION, "Acme", "Engineer"))
    database = get_database()
    return database, owner.pk, JobApplication.objects.get(user=owner).pk


def test_placement_lookups_use_the_plain_indexes(collections) -> None:
    database, user, _ = collections
    alias = database["job_application_aliases"].find(
        {"user_id": user, "company_key": {"$in": ["acme"]}}
    )
    assert winning_stage(alias.explain()) == ("IXSCAN", "alias_user_keys")
    link = database["job_application_emails"].find({"user_id": user, "message_id": {"$in": ["m1"]}})
    assert winning_stage(link.explain()) == ("IXSCAN", "app_email_user_message")
    correction = database["application_corrections"].find({"user_id": user, "message_id": "m1"})
    assert winning_stage(correction.explain()) == ("IXSCAN", "correction_user_message")


def test_page_queries_use_the_user_first_indexes(collections) -> None:
    database, user, application = collections
    newest = database["job_applications"].find({"user_id": user}).sort("last_activity_at", -1)
    assert winning_stage(newest.explain()) == ("IXSCAN", "app_user_recent")
    by_status = database["job_applications"].find({"user_id": user, "status": "offer"})
    assert winning_stage(by_status.explain()) == ("IXSCAN", "app_user_status")
    timeline = (
        database["job_application_emails"]
        .find({"user_id": user, "application_id": application})
        .sort("date", 1)
    )
    assert winning_stage(timeline.explain()) == ("IXSCAN", "app_email_user_timeline")
