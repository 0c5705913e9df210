"""The scheduled backup's record of its last success and failure, in one Redis hash.

Read by the System page, ``dbstats`` and ``/metrics`` (backup age). The backups on disk stay
the truth: with the hash gone (a Redis flush) the newest complete backup in ``BACKUP_DIR``
answers for the last success.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from redis.exceptions import RedisError

from mailbox_project.redis import connection
from ops.catalogue import complete_backups


def key() -> str:
    return f"{settings.CACHE_KEY_PREFIX}:ops:backup-status"


@dataclass(frozen=True)
class BackupStatus:
    last_success_at: datetime | None
    last_success_name: str
    last_success_bytes: int
    last_success_documents: int
    last_failure_at: datetime | None
    last_failure_error: str

    def age_seconds(self, now: datetime) -> float | None:
        if self.last_success_at is None:
            return None
        return (now - self.last_success_at).total_seconds()


def record_success(name: str, size: int, documents: int, at: datetime) -> None:
    connection().hset(
        key(),
        mapping={
            "last_success_at": at.isoformat(),
            "last_success_name": name,
            "last_success_bytes": size,
            "last_success_documents": documents,
        },
    )


def record_failure(error: str, at: datetime) -> None:
    connection().hset(
        key(), mapping={"last_failure_at": at.isoformat(), "last_failure_error": error[:500]}
    )


def read() -> BackupStatus:
    """Return the last success and failure (one HGETALL; the directory if Redis lost it)."""
    try:
        raw = {_text(k): _text(v) for k, v in connection().hgetall(key()).items()}
    except RedisError:
        raw = {}
    success = _time(raw.get("last_success_at"))
    status = BackupStatus(
        last_success_at=success,
        last_success_name=raw.get("last_success_name", ""),
        last_success_bytes=int(raw.get("last_success_bytes", 0)),
        last_success_documents=int(raw.get("last_success_documents", 0)),
        last_failure_at=_time(raw.get("last_failure_at")),
        last_failure_error=raw.get("last_failure_error", ""),
    )
    if success is None:
        return _from_directory(status)
    return status


def _from_directory(status: BackupStatus) -> BackupStatus:
    backups = complete_backups(settings.BACKUP_DIR)
    if not backups:
        return status
    newest = backups[0]
    return BackupStatus(
        last_success_at=newest.manifest.finished_at,
        last_success_name=newest.name,
        last_success_bytes=newest.manifest.size,
        last_success_documents=newest.manifest.documents,
        last_failure_at=status.last_failure_at,
        last_failure_error=status.last_failure_error,
    )


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
