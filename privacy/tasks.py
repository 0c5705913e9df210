"""Thin tasks: build one export, delete expired ones."""

from __future__ import annotations

import logging

from django.utils import timezone

from mailbox_project.celery import app
from mailbox_project.faults import RetryingTask, is_transient
from privacy import export as exports
from privacy import storage
from privacy.models import DataExport

logger = logging.getLogger(__name__)


# An export fetches every message from Gmail (bounded by export.RAW_BUDGET_SECONDS): far more
# than the default 300 s, still under the broker's 3600 s visibility timeout.
EXPORT_SOFT_TIME_LIMIT = 3300
EXPORT_TIME_LIMIT = 3400


@app.task(
    base=RetryingTask,
    name="privacy.tasks.build_export",
    ignore_result=True,
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT,
    time_limit=EXPORT_TIME_LIMIT,
)
def build_export(export_id: str) -> str:
    """Build the zip of one queued export (a retry starts the file again)."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status in (DataExport.Status.READY, DataExport.Status.FAILED):
        return "nothing to do"
    try:
        exports.build(export)
    except Exception as exc:
        if is_transient(exc):
            raise  # MongoDB or Redis hiccup: RetryingTask tries again, the file starts over
        # Anything else would leave the page saying "being built" for ever: it says "failed".
        logger.exception("export %s failed", export_id)
        exports.fail(export, "The export could not be built. Please try again later.")
        return "failed"
    return f"{export.total} messages, {export.size} bytes"


@app.task(base=RetryingTask, name="privacy.tasks.expire_exports", ignore_result=True)
def expire_exports() -> int:
    """Delete exports past their day (file and row); return how many."""
    expired = DataExport.objects.filter(expires_at__lte=timezone.now())
    count = 0
    for export in expired:
        storage.remove(export.file_name)
        export.delete()
        count += 1
    return count
