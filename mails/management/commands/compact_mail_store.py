"""``manage.py compact_mail_store [--force]``: what the nightly task does, on demand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mails import compaction

_MIB = 2**20


class Command(BaseCommand):
    help = (
        "Compact the messages collection when enough of its files are blocks MongoDB freed "
        "(MAIL_STORE_COMPACT_MIN_MB, MAIL_STORE_COMPACT_MIN_SHARE); --force: whatever their share."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="compact below the thresholds")

    def handle(self, *args: Any, **options: Any) -> None:
        found = compaction.files()
        self.stdout.write(
            f"mail store: {found.size / _MIB:,.1f} MiB, of which {found.reusable / _MIB:,.1f} "
            f"MiB free blocks ({found.share:.0%})"
        )
        done = compaction.compact(force=options["force"])
        if done is None:
            self.stdout.write("not compacted (under the thresholds, or refused: see the log)")
            return
        self.stdout.write(
            f"compacted in {done.seconds:.1f} s: {done.after.size / _MIB:,.1f} MiB, "
            f"{done.after.reusable / _MIB:,.1f} MiB free blocks"
        )
