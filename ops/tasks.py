"""The scheduled backup (beat entry ``scheduled-backup``, every ``BACKUP_INTERVAL`` s)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from celery import shared_task
from django.conf import settings

from mailbox_project.mongo import get_database
from mailbox_project.redis import UserLock
from ops import status
from ops.backup import create_backup
from ops.catalogue import apply_retention

logger = logging.getLogger(__name__)

# One lock for the whole deployment ("user" all): two backups at once would only compete for
# the disk, and retention must not delete what the other is writing.
LOCK_KIND = "backup"
LOCK_SCOPE = "all"
LOCK_TTL = 120


@shared_task(name="ops.tasks.scheduled_backup", soft_time_limit=3000, time_limit=3300)
def scheduled_backup() -> str:
    """Back up into BACKUP_DIR, apply retention, record the outcome; skip if one is running."""
    lock = UserLock(LOCK_KIND, LOCK_SCOPE, ttl=LOCK_TTL, renew=True, on_lost="warn")
    if not lock.acquire(0):
        logger.info("scheduled backup skipped: another backup is running")
        return "skipped: another backup is running"
    with lock:
        return _run()


def _run() -> str:
    started = datetime.now(UTC)
    try:
        result = create_backup(
            get_database(),
            settings.BACKUP_DIR,
            key=settings.BACKUP_ENCRYPTION_KEY or None,
        )
    except Exception as exc:  # recorded for the operator, then re-raised
        status.record_failure(f"{type(exc).__name__}: {exc}", started)
        logger.exception("scheduled backup failed")
        raise
    manifest = result.manifest
    status.record_success(result.path.name, manifest.size, manifest.documents, datetime.now(UTC))
    removed = apply_retention(
        settings.BACKUP_DIR, settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, started
    )
    return f"{result.path.name}: {manifest.documents} documents; removed {len(removed)}"
