"""Mailbox project package: settings, URLs, the Celery app and health checks."""

from __future__ import annotations

from mailbox_project.celery import app as celery_app

__all__ = ["celery_app"]
