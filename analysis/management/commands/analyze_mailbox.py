"""``manage.py analyze_mailbox [EMAIL] [--force] [--pending [--older-than S]] [--queue]``.

Without ``--force`` only messages with no analysis under the current classifier are analysed;
with it, every message is analysed again. ``--pending`` takes instead the messages still
waiting for their analysis (stored, never analysed: a crash or a broker outage in between)
for longer than ``--older-than`` seconds (default ``ANALYSIS_PENDING_GRACE``), of one user or,
without EMAIL, of everyone. The work runs in this process, batch by batch, unless ``--queue``
hands the batches to the analysis workers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from analysis import service, tasks
from mailbox_project.ids import user_id


class Command(BaseCommand):
    help = "Analyse one user's mailbox now (every message again with --force, or the pending)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", nargs="?", help="the user (all users with --pending)")
        parser.add_argument("--force", action="store_true", help="re-analyse every message")
        parser.add_argument(
            "--pending", action="store_true", help="only messages stored but never analysed"
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="with --pending: pending at least this long (default ANALYSIS_PENDING_GRACE)",
        )
        parser.add_argument("--queue", action="store_true", help="queue for the workers")

    def handle(
        self,
        *args: Any,
        email: str | None,
        force: bool,
        pending: bool,
        older_than: int | None,
        queue: bool,
        **options: Any,
    ) -> None:
        if pending:
            grace = settings.ANALYSIS_PENDING_GRACE if older_than is None else older_than
            self._pending(self._users(email), timedelta(seconds=max(0, grace)), queue)
            return
        if email is None:
            raise CommandError("Name the user's email (only --pending works on every user).")
        user = self._users(email)[0]
        if queue:
            result = tasks.analyze_mailbox.delay(str(user.pk), force)
            self.stdout.write(self.style.SUCCESS(f"Queued as task {result.id}."))
            return
        self._run(user, service.mailbox_batches(user_id(user), force=force), force=True)

    def _users(self, email: str | None) -> list[User]:
        if email is None:
            return list(User.objects.filter(is_active=True))
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with email {email!r}.")
        return [user]

    def _pending(self, users: list[User], older_than: timedelta, queue: bool) -> None:
        for user in users:
            if queue:
                queued = tasks.queue_pending(user_id(user), older_than)
                self.stdout.write(self.style.SUCCESS(f"{user.email}: {queued} pending queued."))
                continue
            ids = service.pending(user_id(user), older_than, tasks.RECONCILE_LIMIT)
            size = settings.ANALYSIS_BATCH_SIZE
            batches = (ids[start : start + size] for start in range(0, len(ids), size))
            # Not forced: a message whose analysis is stored already is only placed and cleared.
            self._run(user, batches, force=False)

    def _run(self, user: User, batches: Iterable[list[str]], *, force: bool) -> None:
        analysed = failed = 0
        for batch in batches:
            outcome = service.run(user_id(user), batch, force=force)
            analysed += outcome.analysed
            failed += len(outcome.failed)
            self.stdout.write(f"{outcome.summary()} ({analysed} so far)")
        style = self.style.WARNING if failed else self.style.SUCCESS
        self.stdout.write(style(f"{user.email}: {analysed} analysed, {failed} failed."))
