"""Build a person's data export: one zip with their mail as an mbox and their tracker as CSV
and JSON (``build``), run by ``privacy.tasks.build_export``.

Layout of the zip: ``README.txt``, ``messages.mbox``, ``labels.json``, ``applications.csv``
(the tracker's own CSV, human labels), ``applications.json``, ``timelines.csv``/``.json`` (every
email on an application), ``notes``, ``corrections`` and ``interviews`` as CSV and JSON.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import time
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from email.utils import format_datetime
from typing import Any

from django.db import models
from django.utils import timezone

from accounts import google
from accounts.errors import GoogleError
from accounts.models import User
from mails.gmail import GmailClient, MessageGone
from mails.models import Label, Message
from privacy import mbox, storage
from privacy.models import EXPORT_LIFETIME, DataExport
from tracker import export as tracker_export
from tracker.models import ApplicationEmail, ApplicationNote, Correction, Interview, JobApplication

logger = logging.getLogger(__name__)

# Progress is saved every this many messages (one small update each).
PROGRESS_EVERY = 50
# Seconds spent fetching bytes from Gmail (5 quota units a message: at 250 units/s about
# 50 messages/s, so ~120,000 messages); the rest is rebuilt, and the README says how many.
# Keeps the task well inside its time limit (tasks.EXPORT_TIME_LIMIT) and the broker's
# visibility timeout, past which a running task would be delivered again.
RAW_BUDGET_SECONDS = 2400
_SKIPPED_FIELDS = {"user", "search_terms", "search_text", "common_marks"}


def start(user: User) -> DataExport:
    """Record a queued export for ``user`` (the view then queues the task)."""
    return DataExport.objects.create(user=user)


def build(export: DataExport) -> DataExport:
    """Write the zip for ``export`` (0600, random name), mark it ready for a day; return it."""
    user = export.user
    export.status = DataExport.Status.RUNNING
    export.total = Message.objects.for_user(user).count()
    export.file_name = export.file_name or storage.new_file_name()
    export.save(update_fields=["status", "total", "file_name"])
    storage.remove(export.file_name)  # a retried task starts the file again
    with (
        os.fdopen(storage.open_private(export.file_name), "wb") as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        rebuilt = _write_mbox(archive, export)
        _write_tracker(archive, user)
        archive.writestr("README.txt", _readme(export, rebuilt))
    export.status = DataExport.Status.READY
    export.finished_at = timezone.now()
    export.expires_at = export.finished_at + EXPORT_LIFETIME
    export.size = storage.path_of(export.file_name).stat().st_size
    export.save()
    return export


def fail(export: DataExport, reason: str) -> None:
    storage.remove(export.file_name)
    export.status = DataExport.Status.FAILED
    export.error = reason[:300]
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "error", "finished_at"])


# --- messages --------------------------------------------------------------------------------


class _RawSource:
    """Message bytes from Gmail while that works; ``None`` means: rebuild from stored fields."""

    def __init__(self, user: User) -> None:
        connected = not user.needs_reconnect and google.has_credentials(user)
        self.client = GmailClient(user) if connected else None
        self.deadline = time.monotonic() + RAW_BUDGET_SECONDS

    def get(self, gmail_id: str) -> bytes | None:
        if self.client is not None and time.monotonic() > self.deadline:
            logger.warning("export out of time for Gmail's bytes; the rest is rebuilt")
            self.client = None
        if self.client is None:
            return None
        try:
            return self.client.get_raw_message(gmail_id).data
        except GoogleError as exc:
            # Gone from Gmail, or Gmail refusing: this message is rebuilt; after a refusal
            # that is not about this message, every later one is too (no retry storm).
            if not isinstance(exc, MessageGone):
                logger.warning("export falls back to stored fields: %s", type(exc).__name__)
                self.client = None
            return None


def _write_mbox(archive: zipfile.ZipFile, export: DataExport) -> int:
    """Write ``messages.mbox``, oldest first; return how many messages were rebuilt."""
    source = _RawSource(export.user)
    export.raw_from_gmail = source.client is not None
    rebuilt = 0
    messages = Message.objects.for_user(export.user).defer(
        "search_terms", "search_text", "common_marks"
    )
    with archive.open("messages.mbox", "w", force_zip64=True) as out:
        for count, message in enumerate(messages.order_by("internal_date", "id").iterator(), 1):
            data = source.get(message.gmail_id)
            if data is None:
                data = mbox.rebuild(message)
                rebuilt += 1
            when = format_datetime(message.internal_date).replace(",", "")
            mbox.write(out, data, message.from_address, when)  # type: ignore[arg-type]
            if count % PROGRESS_EVERY == 0:
                DataExport.objects.filter(pk=export.pk).update(done=count)
        export.done = export.total
    return rebuilt


# --- tracker and labels ----------------------------------------------------------------------


def _value(value: object) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)  # ObjectIds


def _rows(queryset: Iterable[models.Model]) -> Iterator[dict[str, Any]]:
    for instance in queryset:
        yield {
            field.attname if field.name != "id" else "id": _value(getattr(instance, field.attname))
            for field in instance._meta.concrete_fields
            if field.name not in _SKIPPED_FIELDS
        }


def _write_table(archive: zipfile.ZipFile, name: str, rows: list[dict[str, Any]]) -> None:
    archive.writestr(f"{name}.json", json.dumps(rows, ensure_ascii=False, indent=1))
    text = io.StringIO()
    if rows:
        writer = csv.DictWriter(text, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})
    archive.writestr(f"{name}.csv", text.getvalue())


def _cell(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
    return tracker_export.neutralise("" if text is None else str(text))


def _write_tracker(archive: zipfile.ZipFile, user: User) -> None:
    applications = JobApplication.objects.for_user(user).order_by("created_at")
    text = io.StringIO()
    tracker_export.write_csv(applications, text)
    archive.writestr("applications.csv", text.getvalue())
    archive.writestr(
        "applications.json", json.dumps(list(_rows(applications)), ensure_ascii=False, indent=1)
    )
    tables: dict[str, Iterable[models.Model]] = {
        "timelines": ApplicationEmail.objects.filter(user=user).order_by("application_id", "date"),
        "notes": ApplicationNote.objects.filter(user=user).order_by("created_at"),
        "corrections": Correction.objects.filter(user=user).order_by("created_at"),
        "interviews": Interview.objects.filter(user=user).order_by("starts_at"),
    }
    for name, queryset in tables.items():
        _write_table(archive, name, list(_rows(queryset)))
    labels = [
        {"id": label.label_id, "name": label.name, "kind": label.kind}
        for label in Label.objects.filter(user=user)
    ]
    archive.writestr("labels.json", json.dumps(labels, ensure_ascii=False, indent=1))


def _readme(export: DataExport, rebuilt: int) -> str:
    total = export.total
    if rebuilt == 0:
        origin = "every message as Gmail holds it (fetched from Gmail for this export)."
    elif not export.raw_from_gmail:
        origin = (
            "every message REBUILT from the fields Mailbox stores, because Google is not "
            "connected: headers and the plain text are kept; HTML alternatives and attachment "
            "bytes are not (attachments are named at the end of each body). Such messages "
            "carry an X-Mailbox-Rebuilt header."
        )
    else:
        origin = (
            f"{total - rebuilt} messages as Gmail holds them and {rebuilt} REBUILT from the "
            "stored fields (gone from Gmail, Gmail refused, or the export ran out of time to "
            "fetch them): those carry an X-Mailbox-Rebuilt header and lack HTML alternatives "
            "and attachment bytes."
        )
    return f"""Mailbox data export for {export.user.email}
Made {timezone.now():%Y-%m-%d %H:%M} UTC; this file is deleted from the server a day later.

messages.mbox      {total} messages, oldest first (mboxrd: a body line starting with
                   "From " has one more ">"). It holds {origin}
                   Gmail's labels are in each message's X-Gmail-Labels header (ids; names
                   in labels.json).
applications.csv   your applications as the tracker's CSV export (human labels).
applications.json  the same applications, every stored field.
timelines.*        every email placed on an application (application_id links them).
notes.*            your notes on applications.
corrections.*      corrections you made to the analysis of an email.
interviews.*       interview times the tracker found.
"""
