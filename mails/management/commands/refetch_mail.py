"""``manage.py refetch_mail [--user EMAIL] [--dry-run]``: fetch again what an older parser stored.

The same work as the ``refetch_mail`` task that follows sync steps (``mails.refetch``), done
now, in this process, for one user or every connected one; ``--dry-run`` only counts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.errors import GoogleError, UnrecoverableError
from accounts.models import User
from mailbox_project.ids import user_id as to_user_id
from mails import refetch
from mails.parsing import PARSER_VERSION


class Command(BaseCommand):
    help = "Fetch again, through Gmail, the messages stored by an older parser version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="only this user (email address)")
        parser.add_argument(
            "--dry-run", action="store_true", help="only count the stale messages per user"
        )

    def handle(self, *args: Any, user: str | None, dry_run: bool, **options: Any) -> None:
        users = User.objects.filter(is_active=True).order_by("email")
        if user:
            users = users.filter(email=user.strip().lower())
            if not users.exists():
                raise CommandError(f"No user with email {user!r}.")
        self.stdout.write(f"parser version {PARSER_VERSION}")
        stale_total = refetched = deleted = failed = 0
        for person in users:
            pk = to_user_id(person)
            stale = refetch.count_stale(pk)
            stale_total += stale
            if dry_run or not stale:
                self.stdout.write(f"{person.email}: {stale} stale")
                continue
            if person.needs_reconnect:
                self.stdout.write(f"{person.email}: {stale} stale, skipped (needs reconnect)")
                continue
            try:
                result = refetch.refetch_all(pk)
            except UnrecoverableError as exc:
                raise CommandError(f"{person.email}: stopped: {exc.reason}") from exc
            except (GoogleError, TimeoutError) as exc:
                raise CommandError(f"{person.email}: failed, try again later: {exc}") from exc
            self.stdout.write(f"{person.email}: {stale} stale, {result.summary()}")
            refetched += result.refetched
            deleted += result.deleted
            failed += result.failed
        if dry_run:
            self.stdout.write(f"{stale_total} stale messages (dry run: nothing fetched)")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{stale_total} stale: {refetched} refetched, {deleted} deleted, "
                    f"{failed} failed"
                )
            )
