"""Forms of the applications tracker: the list's filters, corrections and merges.

The filter form serves the page, the CSV export and the API alike, so all three accept the same
parameters and refuse the same bad ones.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from django import forms
from django.db.models import Q

from tracker.keys import company_key, normalise
from tracker.manual import Details
from tracker.models import (
    SOURCE_CHOICES,
    STATUS_CHOICES,
    UNKNOWN_COMPANY,
    UNKNOWN_POSITION,
    WORK_MODE_CHOICES,
    JobApplication,
    JobApplicationQuerySet,
)

# ?sort= values and the ordering each stands for; "-" in front reverses it.
SORTS: dict[str, tuple[str, ...]] = {
    "company": ("company_key", "position_key"),
    "position": ("position_key", "company_key"),
    "status": ("status", "company_key"),
    "last_activity": ("last_activity_at",),
    "applied": ("applied_at",),
    "emails": ("email_count",),
}
DEFAULT_SORT = "-last_activity"
SORT_CHOICES = [(name, name) for base in SORTS for name in (base, f"-{base}")]
PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class ApplicationFilterForm(forms.Form):
    """GET parameters of /applications, its CSV export and /api/applications."""

    status = forms.ChoiceField(
        choices=[("", "All statuses"), *STATUS_CHOICES], required=False, label="Status"
    )
    company = forms.CharField(required=False, max_length=300, label="Company")
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Company or position", "type": "search"}),
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    page_size = forms.IntegerField(
        min_value=1, max_value=MAX_PAGE_SIZE, required=False, widget=forms.HiddenInput
    )

    def filter(self, queryset: JobApplicationQuerySet) -> JobApplicationQuerySet:
        """Return ``queryset`` filtered and ordered as the (valid) form says."""
        data = self.cleaned_data
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("company"):
            name = data["company"]
            key = "" if name == UNKNOWN_COMPANY else company_key(name)
            queryset = queryset.filter(company_key=key)
        if data.get("q"):
            queryset = queryset.filter(text_query(data["q"]))
        return queryset.order_by(*self.ordering())

    def ordering(self) -> list[str]:
        sort = self.cleaned_data.get("sort") or DEFAULT_SORT
        descending = sort.startswith("-")
        fields = SORTS[sort.lstrip("-")]
        return [f"-{f}" if descending else f for f in (*fields, "pk")]

    def error_message(self) -> str:
        """Return every error of the form as one sentence per field, for a 400 answer."""
        return " ".join(
            f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in self.errors.items()
        )


def text_query(text: str) -> Q:
    """Return a filter of applications whose company or position contains ``text``."""
    query = Q(company__icontains=text) | Q(position__icontains=text)
    # Words alone also search the keys, so "societe" finds "Société Générale". Not text with
    # punctuation: normalising "C++" or "[a-" would leave a letter that matches nearly all.
    if all(ch.isalnum() or ch.isspace() for ch in text):
        key = normalise(text)
        query |= Q(company_key__contains=key) | Q(position_key__contains=key)
    return query


def company_choices(queryset: JobApplicationQuerySet) -> list[str]:
    """Return the names of the companies in ``queryset``, one per key, by name.

    The page offers them in a select (rendered by a plain template loop: a Select widget takes
    tens of milliseconds for a few hundred options); the API accepts any name.
    """
    names: dict[str, str] = {}
    for key, name in queryset.order_by("company_key").values_list("company_key", "company"):
        names.setdefault(key, name or UNKNOWN_COMPANY)
    return sorted(names.values(), key=str.casefold)


class ApplicationCorrectionForm(forms.Form):
    """Correct an application: its status (or "as its emails say"), company and position."""

    status = forms.ChoiceField(
        choices=[("", "As its emails say"), *STATUS_CHOICES], required=False, label="Status"
    )
    company = forms.CharField(max_length=300, label="Company")
    position = forms.CharField(max_length=300, required=False, label="Position")

    @classmethod
    def for_application(cls, application: JobApplication) -> ApplicationCorrectionForm:
        return cls(
            initial={
                "status": application.status_override,
                "company": application.company,
                "position": application.position,
            },
            prefix="app",
        )


class EmailCorrectionForm(forms.Form):
    """Correct one email's analysis; a blank field keeps what the analysis says."""

    status = forms.ChoiceField(
        choices=[("", "As analysed"), *STATUS_CHOICES], required=False, label="Status"
    )
    company = forms.CharField(max_length=300, required=False, label="Company")
    position = forms.CharField(max_length=300, required=False, label="Position")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in ("status", "company", "position")):
            raise forms.ValidationError("Change the status, the company or the position.")
        return data


# At most this many applications are offered per group of the merge form's select.
MERGE_CHOICES = 40


def merge_choices(
    application: JobApplication, others: JobApplicationQuerySet, query: str = ""
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return grouped (value, label) choices of applications to merge into ``application``.

    Same-company applications first, then the most recently active others (or, with a
    ``query``, those that match it): a select of every application would be unusable.
    """
    others = others.exclude(pk=application.pk)
    if query:
        others = others.filter(text_query(query))
    fields, limit = ("pk", "company", "position"), MERGE_CHOICES
    same = others.filter(company_key=application.company_key).order_by("position_key")
    rest = others.exclude(company_key=application.company_key).order_by("-last_activity_at")
    groups = [
        ("Same company", same.values_list(*fields)[:limit]),
        (f"Matching “{query}”" if query else "Recently active", rest.values_list(*fields)[:limit]),
    ]
    return [(label, [_merge_choice(*row) for row in rows]) for label, rows in groups if rows]


def _merge_choice(pk: Any, company: str, position: str) -> tuple[str, str]:
    return str(pk), f"{company or UNKNOWN_COMPANY} — {position or UNKNOWN_POSITION}"


class MergeForm(forms.Form):
    """Pick another application of the user's to merge into this one."""

    other = forms.CharField(label="Merge with")

    def __init__(
        self,
        *args: Any,
        application: JobApplication,
        others: JobApplicationQuerySet,
        query: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.application, self.others = application, others
        choices = merge_choices(application, others, query)
        self.fields["other"].widget = forms.Select(
            choices=[("", "Choose an application…"), *choices]
        )

    def clean_other(self) -> ObjectId:
        """Accept any other application of the user's (not only those the select offered)."""
        value = self.cleaned_data["other"]
        if ObjectId.is_valid(value):
            pk = ObjectId(value)
            if pk != self.application.pk and self.others.filter(pk=pk).exists():
                return pk
        raise forms.ValidationError("Choose one of your other applications.")


# --- The person's workflow: add and edit, notes, next action, board, settings, date range ------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ApplicationForm(forms.Form):
    """Add an application by hand, or edit what the person knows of one."""

    company = forms.CharField(max_length=300, label="Company")
    position = forms.CharField(max_length=300, required=False, label="Position")
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label="Status")
    applied_on = forms.DateField(required=False, label="Date applied", widget=DateInput())
    source = forms.ChoiceField(
        choices=[("", "Detect from mail"), *SOURCE_CHOICES], required=False, label="Source"
    )
    link = forms.URLField(
        max_length=1000, required=False, label="Job posting link", assume_scheme="https"
    )
    salary_range = forms.CharField(
        max_length=100,
        required=False,
        label="Salary range",
        widget=forms.TextInput(attrs={"placeholder": "e.g. 60–70k EUR"}),
    )
    location = forms.CharField(max_length=200, required=False, label="Location")
    work_mode = forms.ChoiceField(
        choices=[("", "—"), *WORK_MODE_CHOICES], required=False, label="On site / remote"
    )
    contact = forms.CharField(
        max_length=300,
        required=False,
        label="Contact",
        widget=forms.TextInput(attrs={"placeholder": "Name, email or phone"}),
    )

    DETAIL_FIELDS = ("link", "source", "salary_range", "location", "work_mode", "contact")

    @classmethod
    def for_application(cls, application: JobApplication) -> ApplicationForm:
        """The edit form: "As its emails say" offered for an application with mail."""
        initial = {name: getattr(application, name) for name in cls.DETAIL_FIELDS}
        initial.update(
            company=application.company,
            position=application.position,
            status=application.status_override or application.status,
            applied_on=application.applied_on,
        )
        form = cls(initial=initial)
        form.offer_timeline_status(application)
        return form

    def offer_timeline_status(self, application: JobApplication) -> None:
        if application.email_count:
            field = self.fields["status"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "As its emails say"), *STATUS_CHOICES]
            if not application.status_override:
                self.initial["status"] = ""

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            link=data.get("link") or "",
            source=data.get("source") or "",
            salary_range=(data.get("salary_range") or "").strip(),
            location=(data.get("location") or "").strip(),
            work_mode=data.get("work_mode") or "",
            contact=(data.get("contact") or "").strip(),
            applied_on=data.get("applied_on"),
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=5000,
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "What happened, what to remember"}),
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError("Write something first.")
        return text


class NextActionForm(forms.Form):
    """The next action and its due day; an empty action clears it."""

    action = forms.CharField(
        max_length=200,
        required=False,
        label="Next action",
        widget=forms.TextInput(attrs={"placeholder": "Follow up, prepare for interview…"}),
    )
    due = forms.DateField(required=False, label="Due", widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("due") and not (data.get("action") or "").strip():
            raise forms.ValidationError("Say what is due, or clear the date.")
        return data


class AttachForm(forms.Form):
    """Pick one of the user's tracked emails (on another application) to attach here."""

    message_id = forms.ChoiceField(label="Attach an email")

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["message_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose an email…"), *choices]


class MoveForm(forms.Form):
    """A board move: the status a card was dropped on (a correction)."""

    status = forms.ChoiceField(choices=STATUS_CHOICES, label="Move to")


class TrackerSettingsForm(forms.Form):
    ghost_after_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        label="Show as “No response” after (days without a reply)",
    )
    digest_enabled = forms.BooleanField(
        required=False, label="Email me a daily digest (due steps, new silences, interviews)"
    )


class DateRangeForm(forms.Form):
    """The dashboard's date range: applications that started between two days (inclusive)."""

    since = forms.DateField(required=False, label="From", widget=DateInput())
    until = forms.DateField(required=False, label="To", widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError("“From” must not be after “To”.")
        return data
