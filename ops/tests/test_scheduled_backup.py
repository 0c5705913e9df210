"""The beat task: a backup with retention, its outcome recorded, never two at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mailbox_project.redis import UserLock
from ops import status
from ops.catalogue import StoredBackup, complete_backups, to_keep
from ops.manifest import Manifest
from ops.tasks import LOCK_KIND, LOCK_SCOPE, scheduled_backup


def _stored(created: datetime) -> StoredBackup:
    manifest = Manifest(
        database="db",
        created_at=created,
        finished_at=created,
        cluster_time={"t": 1, "i": 1},
        engine="builtin",
        app_version="t",
        encrypted=False,
        migrations=[],
    )
    return StoredBackup(Path(f"/b/{created:%Y%m%d%H}"), manifest)


def test_retention_keeps_the_newest_of_recent_days_and_weeks() -> None:
    start = datetime(2026, 11, 30, 22, tzinfo=UTC)  # a Monday
    # Two backups a day for 21 days, newest first.
    backups = [_stored(start - timedelta(hours=12 * i)) for i in range(42)]
    kept = to_keep(backups, daily=3, weekly=2)
    kept_times = sorted((b.manifest.created_at for b in backups if b.path in kept), reverse=True)
    assert kept_times[:3] == [start, start - timedelta(days=1), start - timedelta(days=2)]
    # Weekly: this ISO week's newest (start) and last week's newest (Sunday 22:00).
    assert start - timedelta(days=1) in kept_times
    assert len(kept_times) == 3  # the two weekly picks are among the daily ones here
    assert to_keep(backups, daily=1, weekly=0) == {backups[0].path}


def test_retention_always_keeps_the_newest() -> None:
    backups = [_stored(datetime(2026, 1, 1, tzinfo=UTC))]
    assert to_keep(backups, daily=0, weekly=0) == {backups[0].path}


def test_the_task_backs_up_records_success_and_applies_retention(mongo, tmp_path, settings):
    settings.BACKUP_DIR = tmp_path
    settings.BACKUP_ENCRYPTION_KEY = ""
    settings.BACKUP_KEEP_DAILY = 1
    settings.BACKUP_KEEP_WEEKLY = 0
    first = scheduled_backup()
    second = scheduled_backup()
    assert "documents" in first
    assert "removed 1" in second  # the same day: only the newest is kept
    backups = complete_backups(tmp_path)
    assert len(backups) == 1
    recorded = status.read()
    assert recorded.last_success_name == backups[0].name
    assert recorded.last_success_documents == backups[0].manifest.documents
    assert recorded.age_seconds(datetime.now(UTC)) < 60


def test_the_task_never_runs_twice_at_once(mongo, tmp_path, settings):
    settings.BACKUP_DIR = tmp_path
    running = UserLock(LOCK_KIND, LOCK_SCOPE, ttl=30)
    assert running.acquire()
    try:
        assert scheduled_backup().startswith("skipped")
    finally:
        with running:
            pass
    assert complete_backups(tmp_path) == []


def test_a_manual_backup_refuses_while_another_runs(mongo, tmp_path, settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.BACKUP_DIR = tmp_path
    running = UserLock(LOCK_KIND, LOCK_SCOPE, ttl=30)
    assert running.acquire()
    try:
        with pytest.raises(CommandError, match="another backup is running"):
            call_command("backup")
    finally:
        with running:
            pass
    call_command("backup")
    assert len(complete_backups(tmp_path)) == 1


def test_a_failure_is_recorded(mongo, tmp_path, settings):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings.BACKUP_DIR = blocker
    with pytest.raises(FileExistsError):
        scheduled_backup()
    assert status.read().last_failure_error.startswith("FileExistsError")
