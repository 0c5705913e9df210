"""manage.py reindex_search [--user EMAIL] [--missing]: recompute messages' search fields."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from mailbox_project.ids import UserId
from mailbox_project.ids import user_id as to_user_id
from mails import store
from mails.search.reindex import reindex


class Command(BaseCommand):
    help = "Recompute the search terms and text of stored messages (idempotent, batched)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="only this user's messages (email address)")
        parser.add_argument(
            "--missing", action="store_true", help="only messages without search fields"
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        user_id: UserId | None = None
        if options["user"]:
            user = User.objects.filter(email=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}")
            user_id = to_user_id(user)
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        count = reindex(
            user_id=user_id, only_missing=options["missing"], batch_size=options["batch_size"]
        )
        # Cached result pages were computed from the old fields.
        pks = [user_id] if user_id is not None else User.objects.values_list("pk", flat=True)
        store.mailbox_changed(to_user_id(pk) for pk in pks)
        self.stdout.write(f"reindexed {count} messages")
