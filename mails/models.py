"""A user's synced Gmail messages and the state of their sync."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_mongodb_backend.fields import ArrayField

from mailbox_project.ids import UserId
from mailbox_project.indexes import CompressedIndex


class MessageQuerySet(models.QuerySet["Message"]):
    def for_user(self, user: object) -> MessageQuerySet:
        """Every query of mail starts here: one user's messages, never anyone else's.

        ``user`` is a user or a ``UserId``.
        """
        return self.filter(user=user)


class Message(models.Model):
    """One Gmail message, as parsed from the API. Unique per (user, gmail_id)."""

    # No single-field index: every compound index below starts with the user.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    user_id: UserId  # the ObjectId behind ``user``; declared for type checkers
    gmail_id = models.CharField(max_length=64)
    thread_id = models.CharField(max_length=64)
    history_id = models.BigIntegerField(default=0)
    internal_date = models.DateTimeField()
    label_ids = ArrayField(models.CharField(max_length=128), default=list, blank=True)
    from_name = models.CharField(max_length=500, blank=True)
    from_address = models.CharField(max_length=500, blank=True)
    to_addresses = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    cc_addresses = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    bcc_addresses = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    # Recipients' display names (searched by to:/cc:/bcc:), and Delivered-To/X-Original-To.
    to_names = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    cc_names = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    bcc_names = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    delivered_to = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    subject = models.TextField(blank=True)
    date_header = models.DateTimeField(null=True, blank=True)
    rfc822_message_id = models.CharField(max_length=1000, blank=True)
    # The Message-IDs this email answers (References, In-Reply-To; the nearest last).
    references = ArrayField(models.CharField(max_length=1000), default=list, blank=True)
    list_id = models.CharField(max_length=1000, blank=True)
    snippet = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    # What only the HTML alternative says (the plain one is shown): searched, not shown.
    alternative_text = models.TextField(blank=True)
    # [{"filename": str, "size": int, "mime_type": str}]
    attachments = models.JSONField(default=list, blank=True)
    size_estimate = models.BigIntegerField(default=0)
    is_unread = models.BooleanField(default=False)
    is_starred = models.BooleanField(default=False)
    # What could not be parsed (a bad charset, broken MIME): the rest is still stored.
    parse_error = models.TextField(blank=True)
    # mails.parsing.PARSER_VERSION of the parse that wrote the fields above (0: stored before
    # versions were recorded); mails.refetch fetches older ones again.
    parser_version = models.IntegerField(default=0)
    # The http(s) targets of the HTML parts' links (has:youtube finds "click here"): searched.
    links = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    synced_at = models.DateTimeField(default=timezone.now)
    # The full sync that last saw this message in Gmail; a full resync deletes older ones.
    sync_generation = models.IntegerField(default=0)
    # Derived from the fields above by mails.search.index; see there for what they hold.
    search_terms = ArrayField(models.TextField(), default=list, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    # Bits of the very frequent words and their pairs (mails.search.index): not in any index.
    common_marks = models.BinaryField(null=True, blank=True, editable=False)

    objects: ClassVar[MessageQuerySet] = MessageQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        db_table = "messages"
        constraints = [
            models.UniqueConstraint(fields=["user", "gmail_id"], name="unique_user_gmail_id"),
        ]
        indexes = [
            # django-mongodb-backend builds unique constraints as *partial* indexes, which
            # MongoDB's planner will not use for plain equality lookups: each unique lookup
            # gets a plain index too.
            models.Index(fields=["user", "gmail_id"], name="user_gmail_id"),
            models.Index(fields=["user", "thread_id"], name="user_thread"),
            # Search: all mail newest first, and one term's mail newest first; both end
            # with the id so keyset pages on (internal_date, id) walk the index in order.
            models.Index(fields=["user", "-internal_date", "-id"], name="user_newest_id"),
            # The largest index by far (a key per word of every message): block-compressed.
            CompressedIndex(
                fields=["user", "search_terms", "-internal_date", "-id"], name="user_term_newest"
            ),
            # larger:/smaller: select few messages out of many: a range here, then a sort.
            models.Index(fields=["user", "size_estimate"], name="user_size"),
            # mails.refetch: "has this user stale messages?" after every sync step is one
            # index probe, and a pass walks only the stale ones, in _id order.
            models.Index(fields=["user", "parser_version", "id"], name="user_parser_version"),
            # The tracker finds the mail a reply answers by its Message-ID (References).
            models.Index(fields=["user", "rfc822_message_id"], name="user_rfc822_id"),
        ]

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} <{self.gmail_id}>"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The sync writes through mails.store; a message written through the ORM (tests,
        # the shell) gets the same derived fields, so it is searchable and flagged alike.
        self.refresh_search_fields()
        super().save(*args, **kwargs)

    @property
    def gmail_url(self) -> str:
        return f"https://mail.google.com/mail/u/0/#all/{self.gmail_id}"

    def refresh_search_fields(self) -> None:
        """Recompute the derived fields (search terms and text, flags) from the message's own."""
        from mails.store import derived_fields

        source = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}
        for name, value in derived_fields(source).items():
            setattr(self, name, value)


class Label(models.Model):
    """One of a user's Gmail labels, from labels.list: its id and display name."""

    class Kind(models.TextChoices):
        SYSTEM = "system", "System"
        USER = "user", "User"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    user_id: UserId  # the ObjectId behind ``user``; declared for type checkers
    label_id = models.CharField(max_length=256)
    name = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.USER)

    class Meta:
        db_table = "labels"
        constraints = [
            models.UniqueConstraint(fields=["user", "label_id"], name="unique_user_label_id"),
        ]
        indexes = [
            # The unique constraint is a partial index the planner skips for equality.
            models.Index(fields=["user", "label_id"], name="user_label_id"),
        ]

    def __str__(self) -> str:
        return self.name


class SyncState(models.Model):
    """Where one user's sync stands: the phase, its checkpoint and its progress."""

    class Phase(models.TextChoices):
        NEW = "new", "Not synced yet"
        FULL = "full", "Full sync"
        PARTIAL = "partial", "Up to date"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sync_state"
    )
    user_id: UserId  # the ObjectId behind ``user``; declared for type checkers
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.NEW)
    # Incremented by every full sync; see Message.sync_generation.
    generation = models.IntegerField(default=0)
    # The next messages.list page of a running full sync: the checkpoint a restart resumes from.
    page_token = models.CharField(max_length=500, blank=True)
    # History id recorded before a full sync began; becomes history_id when it completes.
    full_sync_history_id = models.BigIntegerField(null=True, blank=True)
    # The last history id whose changes are all applied locally.
    history_id = models.BigIntegerField(null=True, blank=True)
    messages_done = models.IntegerField(default=0)
    messages_total = models.IntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # [{"gmail_id": str, "reason": str}] of messages that could not be fetched or parsed.
    failed_messages = models.JSONField(default=list, blank=True)
    watch_expiration = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "sync_states"
        indexes = [
            # django-mongodb-backend builds unique constraints as *partial* indexes, which
            # MongoDB's planner will not use for plain equality lookups: each unique lookup
            # gets a plain index too.
            models.Index(fields=["user"], name="sync_state_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_phase_display()}"
