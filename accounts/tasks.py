"""Maintenance tasks of the accounts app."""

from __future__ import annotations

import logging

from accounts.tokens.factory import get_uncached_token_store
from mailbox_project.celery import app
from mailbox_project.faults import RetryingTask

logger = logging.getLogger(__name__)


@app.task(base=RetryingTask, name="accounts.tasks.cleanup_expired_tokens", ignore_result=True)
def cleanup_expired_tokens() -> dict[str, int]:
    """Delete expired token-store records (MongoDB's TTL monitor also does, lazily)."""
    removed = get_uncached_token_store().cleanup_expired()
    logger.info("removed expired token records: %s", removed)
    return removed
