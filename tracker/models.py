"""The applications tracker's models: job applications grouped from the analysed emails.

Analyses are grouped into job applications per user. Three collections hold the grouping and
one holds the person's corrections; everything but the corrections (and the merges and renames
recorded as aliases) can be rebuilt from the analyses by ``tracker.grouping.rebuild``.

The models moved here from ``analysis`` (tracker migration 0001) with their collection names:
no data moved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, ClassVar

from bson import ObjectId
from django.conf import settings
from django.db import models
from django.utils import timezone

from analysis.status import Status
from mailbox_project.ids import UserId

if TYPE_CHECKING:
    from tracker.summary import TimelineSummary

# The statuses an application's timeline can hold: every status but "not job related".
TRACKED_STATUSES = tuple(status.value for status in Status if status != Status.NOT_JOB_RELATED)
STATUS_LABELS: dict[str, str] = {
    Status.APPLICATION_CONFIRMATION: "Applied",
    Status.INFORMATION_REQUEST: "Information requested",
    Status.ACTION_REQUIRED: "Action required",
    Status.ASSESSMENT: "Assessment",
    Status.INTERVIEW_INVITATION: "Interview",
    Status.OFFER: "Offer",
    Status.REJECTION: "Rejected",
    Status.WITHDRAWAL: "Withdrawn",
}
STATUS_CHOICES = [(str(status), label) for status, label in STATUS_LABELS.items()]
TERMINAL_STATUSES: frozenset[str] = frozenset({Status.OFFER, Status.REJECTION, Status.WITHDRAWAL})
# What counts as the employer answering an application (a withdrawal is the applicant's act).
RESPONSE_STATUSES: frozenset[str] = frozenset(TRACKED_STATUSES) - {
    Status.APPLICATION_CONFIRMATION,
    Status.WITHDRAWAL,
}


# Where an application came from: set by hand, or detected from its mail (tracker.sources).
SOURCE_LABELS: dict[str, str] = {
    "linkedin": "LinkedIn",
    "company_site": "Company site",
    "referral": "Referral",
    "agency": "Agency",
    "job_board": "Job board",
    "other": "Other",
}
SOURCE_CHOICES = list(SOURCE_LABELS.items())
WORK_MODE_LABELS: dict[str, str] = {"onsite": "On site", "hybrid": "Hybrid", "remote": "Remote"}
WORK_MODE_CHOICES = list(WORK_MODE_LABELS.items())


def applied_at_of(day: date | None) -> datetime | None:
    """The instant a hand-set day of application stands for: noon UTC, so that it is the same
    calendar day in every time zone from UTC-11 to UTC+11."""
    return datetime.combine(day, time(12), tzinfo=UTC) if day else None


def review_threshold() -> float:
    """The analysis confidence under which an email shows as "Needs review"."""
    return float(getattr(settings, "ANALYSIS_REVIEW_THRESHOLD", 0.6))


# How an application without a company or a position is shown (its key is "").
UNKNOWN_COMPANY = "(company unknown)"
UNKNOWN_POSITION = "(position unknown)"


class JobApplicationQuerySet(models.QuerySet["JobApplication"]):
    def for_user(self, user: object) -> JobApplicationQuerySet:
        """Every query of applications starts here: one user's, never anyone else's."""
        return self.filter(user=user)


class JobApplication(models.Model):
    """One application: a (company, position) a person applied to, with its current status.

    The timeline is the application's ``ApplicationEmail`` documents; the summary fields here
    (status, dates, email count) are recomputed from them after every change.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    user_id: UserId  # the ObjectId behind ``user``; declared for type checkers
    company = models.CharField(max_length=300, blank=True)
    company_key = models.CharField(max_length=300, blank=True)
    position = models.CharField(max_length=300, blank=True)
    position_key = models.CharField(max_length=300, blank=True)
    # The status the timeline implies, or the person's override while it holds.
    status = models.CharField(max_length=32)
    # A status the person set; it holds until an email newer than ``status_override_at`` arrives.
    status_override = models.CharField(max_length=32, blank=True)
    status_override_at = models.DateTimeField(null=True, blank=True)
    # First application confirmation; unknown (null) when the first email was already a response.
    applied_at = models.DateTimeField(null=True, blank=True)
    first_email_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    email_count = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # What the person entered by hand (tracker 0003). None of it is touched by grouping.
    manual = models.BooleanField(default=False)  # made by hand (may have had no email)
    link = models.URLField(max_length=1000, blank=True)
    source = models.CharField(max_length=20, blank=True, choices=SOURCE_CHOICES)
    salary_range = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=200, blank=True)
    work_mode = models.CharField(max_length=10, blank=True, choices=WORK_MODE_CHOICES)
    contact = models.CharField(max_length=300, blank=True)
    # The day applied, set by hand: wins over the first confirmation email's date.
    applied_on = models.DateField(null=True, blank=True)
    next_action = models.CharField(max_length=200, blank=True)
    next_action_due = models.DateField(null=True, blank=True)

    objects: ClassVar[JobApplicationQuerySet] = JobApplicationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        db_table = "job_applications"
        indexes = [
            models.Index(fields=["user", "company_key", "position_key"], name="app_user_keys"),
            models.Index(fields=["user", "-last_activity_at"], name="app_user_recent"),
            models.Index(fields=["user", "status"], name="app_user_status"),
        ]

    def __str__(self) -> str:
        return f"{self.company_label} — {self.position_label} ({self.status})"

    @property
    def company_label(self) -> str:
        return self.company or UNKNOWN_COMPANY

    @property
    def position_label(self) -> str:
        return self.position or UNKNOWN_POSITION

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def apply_summary(self, summary: TimelineSummary) -> None:
        """Take the status and dates of the timeline's summary.

        A status the person set holds until an email newer than their correction arrives;
        then the timeline decides again.
        """
        self.status = summary.status
        if self.status_override:
            assert self.status_override_at is not None
            last = summary.last_activity_at
            if last is not None and last > self.status_override_at:
                self.status_override, self.status_override_at = "", None
            else:
                self.status = self.status_override
        self.applied_at = applied_at_of(self.applied_on) or summary.applied_at
        self.first_email_at = summary.first_email_at
        self.first_response_at = summary.first_response_at
        self.last_activity_at = summary.last_activity_at
        self.email_count = summary.email_count
        self.updated_at = timezone.now()


class ApplicationAlias(models.Model):
    """A (company key, position key) that leads to an application.

    Every application has its own keys as an alias; renaming an application or merging another
    into it adds aliases, so emails under the old names keep joining it after re-analysis.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    company_key = models.CharField(max_length=300, blank=True)
    position_key = models.CharField(max_length=300, blank=True)
    application = models.ForeignKey(
        JobApplication, on_delete=models.CASCADE, related_name="aliases"
    )
    application_id: ObjectId
    # Made by a person (a merge or rename) rather than by grouping.
    manual = models.BooleanField(default=False)

    class Meta:
        db_table = "job_application_aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company_key", "position_key"], name="unique_user_alias"
            ),
        ]
        indexes = [
            # The unique constraint is a partial index the planner will not use for lookups.
            models.Index(fields=["user", "company_key", "position_key"], name="alias_user_keys"),
        ]

    def __str__(self) -> str:
        return f"{self.company_key}/{self.position_key} → {self.application_id}"


class ApplicationEmailQuerySet(models.QuerySet["ApplicationEmail"]):
    def timeline(self, application: JobApplication) -> ApplicationEmailQuerySet:
        """The application's emails, oldest first (by the user, then the application)."""
        mine = self.filter(user_id=application.user_id, application=application)
        return mine.order_by("date", "message_id")


class ApplicationEmail(models.Model):
    """One email on an application's timeline: a snapshot of its (corrected) analysis.

    Unique per (user, message id): an email belongs to one application at most, and placing it
    again moves it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    application = models.ForeignKey(
        JobApplication, on_delete=models.CASCADE, related_name="emails", db_index=False
    )
    application_id: ObjectId
    message_id = models.CharField(max_length=64)
    status = models.CharField(max_length=32)
    date = models.DateTimeField()
    subject = models.TextField(blank=True)
    sender = models.CharField(max_length=500, blank=True)
    company = models.CharField(max_length=300, blank=True)
    position = models.CharField(max_length=300, blank=True)
    details = models.TextField(blank=True)
    confidence = models.FloatField(null=True, blank=True)
    # A person's correction changed this email's status, company or position.
    corrected = models.BooleanField(default=False)
    # What links the email to its application besides its names ("thread:<id>", "req:<id>",
    # "portal:<link>", "addr:<recruiter>"; ``tracker.grouping.Signals``), indexed by migration.
    link_keys = models.JSONField(default=list, blank=True)

    objects: ClassVar[ApplicationEmailQuerySet] = ApplicationEmailQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        db_table = "job_application_emails"
        ordering = ("date", "message_id")
        constraints = [
            models.UniqueConstraint(fields=["user", "message_id"], name="unique_user_app_email"),
        ]
        indexes = [
            models.Index(fields=["user", "message_id"], name="app_email_user_message"),
            models.Index(fields=["user", "application", "date"], name="app_email_user_timeline"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.status}"

    @property
    def needs_review(self) -> bool:
        """The analysis is unsure (``tracker.review``) and the person has not corrected it."""
        unsure = self.confidence is not None and self.confidence < review_threshold()
        return unsure and not self.corrected


class Correction(models.Model):
    """A person's correction of one email's analysis, applied on top of every re-analysis.

    Blank fields leave the analysis as it is; ``not_job`` takes the email out of the tracker.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    message_id = models.CharField(max_length=64)
    status = models.CharField(max_length=32, blank=True)
    company = models.CharField(max_length=300, blank=True)
    position = models.CharField(max_length=300, blank=True)
    not_job = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "application_corrections"
        constraints = [
            models.UniqueConstraint(fields=["user", "message_id"], name="unique_user_correction"),
        ]
        indexes = [
            models.Index(fields=["user", "message_id"], name="correction_user_message"),
        ]

    def __str__(self) -> str:
        return f"correction of {self.message_id}"


# --- The person's workflow (tracker 0003): notes, settings, interviews ---------------------------


class ApplicationNote(models.Model):
    """A free-text note a person wrote on one of their applications."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    application = models.ForeignKey(
        JobApplication, on_delete=models.CASCADE, related_name="notes", db_index=False
    )
    application_id: ObjectId
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "job_application_notes"
        indexes = [
            models.Index(fields=["user", "application", "-created_at"], name="note_user_app"),
        ]

    def __str__(self) -> str:
        return f"note on {self.application_id}"


# Days without a word from the company after which an application shows as "No response".
DEFAULT_GHOST_AFTER_DAYS = 21


class TrackerSettings(models.Model):
    """One person's tracker settings: ghosting delay, the daily digest, the calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracker_settings"
    )
    ghost_after_days = models.PositiveSmallIntegerField(default=DEFAULT_GHOST_AFTER_DAYS)
    digest_enabled = models.BooleanField(default=False)
    # The last day (UTC) a digest went out: the beat task claims the day by a conditional update.
    digest_sent_on = models.DateField(null=True, blank=True)
    # SHA-256 of the calendar feed's secret; blank = no feed (never made, or revoked).
    feed_token_hash = models.CharField(max_length=64, blank=True)
    feed_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "tracker_settings"
        indexes = [
            # The one-to-one's unique index is partial, which lookups do not use (see Data).
            models.Index(fields=["user"], name="tracker_settings_user"),
            models.Index(fields=["feed_token_hash"], name="tracker_feed_token"),
        ]

    def __str__(self) -> str:
        return f"tracker settings of {self.user_id}"  # type: ignore[attr-defined]


class Interview(models.Model):
    """An interview found in an application's mail: a calendar invitation or a date in text."""

    class Origin(models.TextChoices):
        CALENDAR = "ics", "Calendar invitation"
        TEXT = "text", "Date in the email"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    application = models.ForeignKey(
        JobApplication, on_delete=models.CASCADE, related_name="interviews", db_index=False
    )
    application_id: ObjectId
    message_id = models.CharField(max_length=64)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=300, blank=True)
    origin = models.CharField(max_length=4, choices=Origin.choices)
    # The calendar event's UID (an .ics invitation), reused in the feed so updates replace.
    uid = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "tracker_interviews"
        ordering = ("starts_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["user", "message_id", "starts_at"], name="unique_user_interview"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "message_id", "starts_at"], name="interview_user_msg"),
            models.Index(fields=["user", "starts_at"], name="interview_user_start"),
        ]

    def __str__(self) -> str:
        return f"interview {self.starts_at:%Y-%m-%d %H:%M} ({self.message_id})"


class InterviewScan(models.Model):
    """An interview email already read for dates, so the scan reads each email once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    message_id = models.CharField(max_length=64)
    scanned_at = models.DateTimeField(default=timezone.now)
    found = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "tracker_interview_scans"
        constraints = [
            models.UniqueConstraint(fields=["user", "message_id"], name="unique_user_scan"),
        ]
        indexes = [models.Index(fields=["user", "message_id"], name="scan_user_message")]

    def __str__(self) -> str:
        return f"scan of {self.message_id}"
