"""The Mailbox user: identified by the Google account's email address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.time_zones import DEFAULT_TIME_ZONE, is_time_zone


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(f"{value!r} is not an IANA time zone name (like Europe/Paris)")


class UserQuerySet(models.QuerySet["User"]):
    def active_since(self, since: timedelta) -> UserQuerySet:
        """Users seen within ``since``: the people whose mailboxes keep syncing."""
        return self.filter(is_active=True, last_seen_at__gte=timezone.now() - since)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def active_since(self, since: timedelta) -> UserQuerySet:
        return self.get_queryset().active_since(since)

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            # Google users never sign in with a password.
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=255, blank=True)
    picture = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    last_sync_time = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Set when Google refused our refresh token: syncing stops until the person consents again.
    needs_reconnect = models.BooleanField(default=False)
    # The person's IANA time zone: search's after:/before: days start at its midnight.
    time_zone = models.CharField(
        max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    # True once the person picked the zone on the account page: the browser's zone (offered
    # once a session) then never replaces it, even when the pick was UTC.
    time_zone_chosen = models.BooleanField(default=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        db_table = "users"
        ordering = ("email",)
        indexes = [
            # django-mongodb-backend builds unique constraints as *partial* indexes, which
            # MongoDB's planner will not use for plain equality lookups: each unique lookup
            # gets a plain index too.
            models.Index(fields=["email"], name="user_email"),
            models.Index(fields=["last_seen_at"], name="user_last_seen"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class AuditEvent(models.Model):
    """One look by staff at a person's mail content or analysis details (``accounts.audit``).

    The person sees their own events on the account page. The actor's address is copied so the
    record still says who looked after that staff account is gone.
    """

    class What(models.TextChoices):
        MESSAGE = "message", "opened one of your emails"
        MESSAGE_LIST = "message_list", "listed your emails with their subjects"
        ANALYSIS = "analysis", "opened the analysis of one of your emails"
        ANALYSIS_LIST = "analysis_list", "listed analyses of your emails with their companies"
        APPLICATION = "application", "opened one of your job applications with its timeline"
        APPLICATION_LIST = "application_list", "listed your job applications"

    # Whose data was looked at.
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="audit_events", db_index=False
    )
    user_id: Any
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    actor_email = models.EmailField()
    what = models.CharField(max_length=32, choices=What.choices)
    # The document looked at (a Gmail id or an ObjectId); blank for a list.
    object_id = models.CharField(max_length=64, blank=True)
    # How many of the person's items a list showed.
    count = models.IntegerField(default=1)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "audit_events"
        ordering = ("-at",)
        indexes = [models.Index(fields=["user", "-at"], name="audit_user_recent")]
        permissions = [
            (
                "support_access",
                "Can see message contents and analysis details (every look is audited)",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_email} {self.what} {self.object_id}".strip()
