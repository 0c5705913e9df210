"""The tracker's models moved from ``analysis`` to ``tracker`` without moving data.

A database migrated at the old state (analysis 0004, the four models still analysis's) with
rows in the tracker's collections keeps them, readable and writable by the ``tracker`` models,
after migrating to the new state: the move is state only (``SeparateDatabaseAndState``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from mailbox_project.mongo import get_database
from tracker import grouping
from tracker.models import ApplicationAlias, ApplicationEmail, Correction, JobApplication
from tracker.tests.tracker_factory import START, result

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_analysis_tiers")]

OLD_STATE = [("analysis", "0004_timeline_index_by_user"), ("tracker", None)]
COLLECTIONS = (
    "job_applications",
    "job_application_emails",
    "job_application_aliases",
    "application_corrections",
)


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate to ``targets``; return the migration state's apps there."""
    executor = MigrationExecutor(connection)
    return executor.migrate(targets).apps


def _latest() -> list[tuple[str, str | None]]:
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_apps() -> Iterator[Any]:
    """The migration state before the move; migrates forward again whatever the test does."""
    latest = _latest()
    try:
        yield _migrate(OLD_STATE)
    finally:
        _migrate(latest)


def _index_names(collection: str) -> set[str]:
    return set(get_database()[collection].index_information())


def test_old_state_rows_keep_working_after_the_move(old_apps: Any, owner: Any, client: Any) -> None:
    indexes_before = {name: _index_names(name) for name in COLLECTIONS}
    old_application = old_apps.get_model("analysis", "JobApplication")
    old_email = old_apps.get_model("analysis", "ApplicationEmail")
    old_alias = old_apps.get_model("analysis", "ApplicationAlias")
    old_correction = old_apps.get_model("analysis", "Correction")
    application = old_application.objects.create(
        user_id=owner.pk,
        company="Acme",
        company_key="acme",
        position="Backend Engineer",
        position_key="backend engineer",
        status="application_confirmation",
        applied_at=START,
        first_email_at=START,
        last_activity_at=START,
        email_count=1,
    )
    old_email.objects.create(
        user_id=owner.pk,
        application_id=application.pk,
        message_id="m-old",
        status="application_confirmation",
        date=START,
        subject="Thanks for applying",
    )
    old_alias.objects.create(
        user_id=owner.pk,
        company_key="acme",
        position_key="backend engineer",
        application_id=application.pk,
    )
    old_correction.objects.create(user_id=owner.pk, message_id="m-other", not_job=True)

    _migrate(_latest())

    # Nothing moved: same collections, same indexes (plus tracker 0002's link-key index), the
    # old rows read through the new models.
    indexes_after = {name: _index_names(name) for name in COLLECTIONS}
    indexes_before["job_application_emails"].add("app_email_user_links")
    assert indexes_after == indexes_before
    moved = JobApplication.objects.for_user(owner).get()
    assert moved.pk == application.pk
    assert moved.company == "Acme"
    assert list(ApplicationEmail.objects.timeline(moved).values_list("message_id", flat=True)) == [
        "m-old"
    ]
    assert ApplicationAlias.objects.get(user=owner).application_id == application.pk
    assert Correction.objects.get(user=owner, message_id="m-other").not_job
    # A new email of the same application joins the old row (through its old alias).
    grouping.record(owner.pk, [result("m-new", "interview_invitation", day=5)])
    moved.refresh_from_db()
    assert (moved.email_count, moved.status) == (2, "interview_invitation")
    assert JobApplication.objects.for_user(owner).count() == 1
    client.force_login(owner)
    page = client.get(reverse("tracker:detail", args=[str(moved.pk)]))
    assert page.status_code == 200
    assert "Thanks for applying" in page.text


def test_content_types_follow_the_models(old_apps: Any) -> None:
    content_type = old_apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label__in=["analysis", "tracker"]).delete()
    old = content_type.objects.create(app_label="analysis", model="jobapplication")
    _migrate(_latest())
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    assert ContentType.objects.get(pk=old.pk).app_label == "tracker"
