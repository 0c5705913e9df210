"""``manage.py sync_mailbox EMAIL [--full]``: sync one mailbox now, in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.errors import GoogleError, UnrecoverableError
from accounts.models import User
from mails import sync
from mails.models import SyncState


class Command(BaseCommand):
    help = "Sync one user's mailbox from Gmail now (a full sync with --full)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--full", action="store_true", help="start a new full sync")

    def handle(self, *args: Any, email: str, full: bool, **options: Any) -> None:
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with email {email!r}.")
        try:
            result = sync.sync_step(user, full=full)
            self.stdout.write(result.summary())
            while result.more:
                result = sync.sync_step(user)
                self.stdout.write(result.summary())
        except UnrecoverableError as exc:
            raise CommandError(f"Sync stopped: {exc.reason}") from exc
        except GoogleError as exc:
            raise CommandError(f"Sync failed, try again later: {exc}") from exc
        state = SyncState.objects.get(user=user)
        self.stdout.write(
            self.style.SUCCESS(f"{state.get_phase_display()}: {state.messages_done} messages")
        )
