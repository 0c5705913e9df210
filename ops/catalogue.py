"""The backups in ``BACKUP_DIR``: only complete ones (a manifest) are listed or offered."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ops import manifest as manifests
from ops.backup import NAME_PREFIX, PARTIAL_PREFIX
from ops.manifest import Manifest, ManifestError


@dataclass(frozen=True)
class StoredBackup:
    path: Path
    manifest: Manifest

    @property
    def name(self) -> str:
        return self.path.name


def complete_backups(directory: Path) -> list[StoredBackup]:
    """Return the complete backups under ``directory``, newest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        if not path.is_dir() or not path.name.startswith(NAME_PREFIX):
            continue
        try:
            found.append(StoredBackup(path, manifests.read(path)))
        except ManifestError:
            continue  # no manifest: never offered
    return sorted(found, key=lambda b: b.manifest.created_at, reverse=True)


def partial_folders(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.startswith(PARTIAL_PREFIX))


def to_keep(backups: list[StoredBackup], daily: int, weekly: int) -> set[Path]:
    """Return the backups retention keeps: the newest of each of the last ``daily`` days that
    have one, and the newest of each of the last ``weekly`` ISO weeks that have one."""
    keep: set[Path] = set()
    days: dict[str, Path] = {}
    weeks: dict[str, Path] = {}
    for backup in backups:  # newest first: the first seen of a day/week is its newest
        created = backup.manifest.created_at
        days.setdefault(created.strftime("%Y-%m-%d"), backup.path)
        iso = created.isocalendar()
        weeks.setdefault(f"{iso.year}-W{iso.week:02d}", backup.path)
    keep.update(list(days.values())[:daily])
    keep.update(list(weeks.values())[:weekly])
    if backups:
        keep.add(backups[0].path)  # never delete the newest, whatever the settings
    return keep


def apply_retention(directory: Path, daily: int, weekly: int, now: datetime) -> list[Path]:
    """Delete backups retention does not keep and stale partial folders; return what went.

    Called under the backup lock, so a partial folder is a dead run's leftover — unless it is
    younger than an hour, which a manual ``manage.py backup`` (not under the lock) may own.
    """
    backups = complete_backups(directory)
    keep = to_keep(backups, daily, weekly)
    removed = [b.path for b in backups if b.path not in keep]
    for path in partial_folders(directory):
        if datetime.fromtimestamp(path.stat().st_mtime, tz=now.tzinfo) < now - timedelta(hours=1):
            removed.append(path)
    for path in removed:
        shutil.rmtree(path)
    return removed
