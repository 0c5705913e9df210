"""``manage.py backup``: back up the database now, or ``--list`` the complete backups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from pymongo.errors import PyMongoError

from mailbox_project.mongo import get_database
from mailbox_project.redis import UserLock
from ops.backup import BackupError, create_backup, mongodump_available
from ops.catalogue import complete_backups, partial_folders
from ops.streams import BackupFileError
from ops.tasks import LOCK_KIND, LOCK_SCOPE, LOCK_TTL


class Command(BaseCommand):
    help = "Back up MongoDB to BACKUP_DIR (mongodump --gzip layout + manifest), or list backups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="list complete backups")
        parser.add_argument("--dir", type=Path, help="folder to write to (default BACKUP_DIR)")
        parser.add_argument(
            "--engine",
            choices=["builtin", "mongodump"],
            default="builtin",
            help="builtin (pymongo, one snapshot) or mongodump (needs the binaries)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["dir"] or settings.BACKUP_DIR
        if options["list"]:
            self._list(directory)
            return
        if options["engine"] == "mongodump" and not mongodump_available():
            raise CommandError("--engine mongodump: mongodump/mongorestore are not on the PATH")
        key = settings.BACKUP_ENCRYPTION_KEY or None
        if key is None:
            self.stderr.write("warning: BACKUP_ENCRYPTION_KEY is not set; files are not encrypted")
        # The scheduled backup's lock: never two backups at once, whoever started them.
        lock = UserLock(LOCK_KIND, LOCK_SCOPE, ttl=LOCK_TTL, renew=True, on_lost="warn")
        if not lock.acquire(0):
            raise CommandError("another backup is running (the scheduled one?); try again later")
        with lock:
            self._backup(directory, key, options["engine"])

    def _backup(self, directory: Path, key: str | None, engine: str) -> None:
        try:
            result = create_backup(
                get_database(),
                directory,
                key=key,
                engine=engine,
                uri=settings.MONGODB_URI,
                out=self.stdout,
            )
        except (BackupError, BackupFileError, PyMongoError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        manifest = result.manifest
        seconds = max(result.seconds, 1e-9)
        self.stdout.write(
            f"{result.path}: {len(manifest.collections)} collections, {manifest.documents} "
            f"documents, {manifest.size / 1e6:.1f} MB in {result.seconds:.1f} s "
            f"({manifest.documents / seconds:,.0f} docs/s), cluster time "
            f"{manifest.cluster_time['t']}.{manifest.cluster_time['i']}"
        )

    def _list(self, directory: Path) -> None:
        backups = complete_backups(directory)
        if not backups:
            self.stdout.write(f"no complete backups in {directory}")
        for backup in backups:
            m = backup.manifest
            self.stdout.write(
                f"{backup.name}  {m.created_at:%Y-%m-%d %H:%M:%S}Z  {m.documents:>10} docs  "
                f"{m.size / 1e6:>9.1f} MB  {'encrypted' if m.encrypted else 'plain':9}  "
                f"{m.engine}  db={m.database}  app={m.app_version}"
            )
        partial = partial_folders(directory)
        if partial:
            self.stdout.write(
                f"{len(partial)} incomplete folder(s) (no manifest; never offered): "
                + ", ".join(p.name for p in partial)
            )
