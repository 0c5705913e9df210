"""The real pipeline feeds the tracker: a synced emulator mailbox, analysed, becomes applications.

No result dicts are made up here: the emulator's generated job mail goes through the sync, the
classifier and the cache, and ``analysis_stored`` reaches the tracker as in production.
"""

from __future__ import annotations

import pytest

from analysis import service
from mails import sync
from mails.models import Message, SyncState
from tracker import grouping
from tracker.models import ApplicationEmail, JobApplication

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def sync_mailbox(user) -> list[str]:
    for _ in range(50):
        step = sync.sync_step(user)
        if SyncState.objects.get(user=user).phase == SyncState.Phase.PARTIAL and not step.more:
            break
    return list(Message.objects.filter(user=user).values_list("gmail_id", flat=True))


def groups_of(user) -> dict[str, list[str]]:
    """{application id: sorted message ids}."""
    found: dict[str, list[str]] = {}
    for email in ApplicationEmail.objects.filter(user=user):
        found.setdefault(str(email.application_id), []).append(email.message_id)
    return {key: sorted(ids) for key, ids in found.items()}


def test_analysed_job_mail_becomes_applications_idempotently(mailbox_owner, google) -> None:
    user = mailbox_owner
    ids = sync_mailbox(user)
    results = service.analyze(user.pk, ids)
    # The person's own mail (SENT) is no event of an application: the tracker leaves it out.
    sent = set(
        Message.objects.filter(user=user, label_ids="SENT").values_list("gmail_id", flat=True)
    )
    job = {m for m, r in results.items() if r.is_job and m not in sent}
    assert job, "the emulator's mailbox has job mail"

    placed = groups_of(user)
    assert sorted(m for group in placed.values() for m in group) == sorted(job)
    apps = JobApplication.objects.for_user(user)
    assert sum(app.email_count for app in apps) == len(job)
    assert {str(app.pk) for app in apps} == set(placed)

    # Re-analysis and a rebuild from the stored analyses change nothing.
    service.analyze(user.pk, ids, force=True)
    assert groups_of(user) == placed
    grouping.rebuild(user.pk)
    assert groups_of(user) == placed

    # A deleted message leaves its application (and an emptied application goes).
    gone = next(iter(job))
    service.forget(user.pk, [gone])
    assert gone not in {m for group in groups_of(user).values() for m in group}
    assert all(app.email_count > 0 for app in JobApplication.objects.for_user(user))
