"""``manage.py analyze_mailbox EMAIL [--force] [--queue]``: analyse one user's mailbox.

Without ``--force`` only messages with no analysis under the current classifier are analysed;
with it, every message is analysed again. The work runs in this process, batch by batch,
unless ``--queue`` hands the batches to the analysis workers.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from analysis import service, tasks


class Command(BaseCommand):
    help = "Analyse one user's mailbox now (every message again with --force)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--force", action="store_true", help="re-analyse every message")
        parser.add_argument("--queue", action="store_true", help="queue for the workers")

    def handle(self, *args: Any, email: str, force: bool, queue: bool, **options: Any) -> None:
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with email {email!r}.")
        if queue:
            result = tasks.analyze_mailbox.delay(str(user.pk), force)
            self.stdout.write(self.style.SUCCESS(f"Queued as task {result.id}."))
            return
        analysed = failed = 0
        for batch in service.mailbox_batches(user.pk, force=force):
            outcome = service.run(user.pk, batch, force=True)  # the batch is what needs doing
            analysed += outcome.analysed
            failed += len(outcome.failed)
            self.stdout.write(f"{outcome.summary()} ({analysed} so far)")
        style = self.style.WARNING if failed else self.style.SUCCESS
        self.stdout.write(style(f"{user.email}: {analysed} analysed, {failed} failed."))
