"""``manage.py restore <backup>``: restore a complete backup (or a mongodump folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from pymongo.errors import PyMongoError

from mailbox_project.mongo import get_database
from ops.catalogue import complete_backups
from ops.restore import (
    RestoreError,
    RestoreReport,
    RestoreSource,
    decrypt_to,
    from_backup,
    from_mongodump_folder,
    restore,
)
from ops.streams import BackupFileError


class Command(BaseCommand):
    help = "Restore a backup into this database (verifies checksums first; --dry-run shows)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", nargs="?", help="a backup name in BACKUP_DIR, or a path")
        parser.add_argument("--latest", action="store_true", help="the newest complete backup")
        parser.add_argument(
            "--mongodump-folder", type=Path, help="restore what `mongodump --gzip --out` wrote"
        )
        parser.add_argument("--drop", action="store_true", help="replace a non-empty database")
        parser.add_argument("--dry-run", action="store_true", help="check and say, change nothing")
        parser.add_argument("--no-migrate", action="store_true", help="skip `migrate` afterwards")
        parser.add_argument(
            "--decrypt-to",
            type=Path,
            help="only write the backup decrypted into this folder (for mongorestore)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = self._source(options)
        if options["decrypt_to"]:
            try:
                written = decrypt_to(source, options["decrypt_to"], settings.BACKUP_ENCRYPTION_KEY)
            except RestoreError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{written}: a plain mongodump --gzip folder (mongorestore --gzip)")
            return
        try:
            report = restore(
                get_database(),
                source,
                key=settings.BACKUP_ENCRYPTION_KEY or None,
                drop=options["drop"],
                dry_run=options["dry_run"],
                migrate=not options["no_migrate"],
                out=self.stdout,
            )
        except (RestoreError, BackupFileError) as exc:
            raise CommandError(str(exc)) from exc
        except PyMongoError as exc:
            raise CommandError(f"MongoDB failed during the restore: {exc}") from exc
        self._print(report)

    def _source(self, options: dict[str, Any]) -> RestoreSource:
        try:
            if options["mongodump_folder"]:
                return from_mongodump_folder(options["mongodump_folder"])
            if options["latest"]:
                backups = complete_backups(settings.BACKUP_DIR)
                if not backups:
                    raise CommandError(f"no complete backup in {settings.BACKUP_DIR}")
                return from_backup(backups[0].path)
            if not options["backup"]:
                raise CommandError("name a backup (see `backup --list`), or pass --latest")
            path = Path(options["backup"])
            if not path.is_dir():
                path = settings.BACKUP_DIR / options["backup"]
            if not path.is_dir():
                raise CommandError(f"no backup folder {options['backup']!r}")
            return from_backup(path)
        except (RestoreError, OSError) as exc:
            raise CommandError(str(exc)) from exc

    def _print(self, report: RestoreReport) -> None:
        source = report.source
        if report.dry_run:
            self.stdout.write(f"dry run: checksums verified, would restore {source.root}")
            if report.dropped:
                self.stdout.write(f"would drop {len(report.dropped)} collections first")
            for planned in source.collections:
                count = "?" if planned.expected is None else str(planned.expected)
                self.stdout.write(f"would restore {planned.name}: {count} documents")
            return
        mismatched = [c for c in report.collections if not c.matches]
        for c in report.collections:
            expected = "-" if c.expected is None else str(c.expected)
            mark = "ok" if c.matches else "MISMATCH"
            self.stdout.write(
                f"{c.name:40} restored {c.restored:>10}  manifest {expected:>10}  {mark}"
            )
        if report.migrated:
            self.stdout.write(f"migrated: {', '.join(report.migrated)}")
        if report.caches is not None:
            caches = report.caches
            self.stdout.write(
                f"caches cleared: {caches.search_pages} search pages, {caches.analysis_keys} "
                f"analysis keys, {caches.token_subscribers} token caches told"
                + (f" ({caches.error})" if caches.error else "")
            )
        self.stdout.write(f"{report.documents} documents in {report.seconds:.1f} s")
        if mismatched:
            raise CommandError(
                "counts differ from the manifest: " + ", ".join(c.name for c in mismatched)
            )
