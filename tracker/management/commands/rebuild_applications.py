"""``manage.py rebuild_applications EMAIL``: regroup one user's job applications from scratch.

Grouping normally follows each analysis as it is stored. If that step ever failed (the tracker
lock was held too long, a worker died between the two writes), this rebuilds the tracker from the
stored analyses, keeping the person's corrections, renames and merges. Safe to run any time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from mailbox_project.ids import user_id
from tracker import grouping


class Command(BaseCommand):
    help = "Regroup one user's job applications from their stored analyses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with email {email!r}.")
        summary = grouping.rebuild(user_id(user))
        self.stdout.write(
            self.style.SUCCESS(
                f"{user.email}: {summary.emails} job emails in {summary.applications} applications."
            )
        )
