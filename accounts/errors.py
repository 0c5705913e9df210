"""Domain errors shared by every seam to Google (OAuth here, Gmail in ``mails.gmail``)."""

from __future__ import annotations


class GoogleError(Exception):
    """Base of every error a Google seam raises."""


class UnrecoverableError(GoogleError):
    """Retrying cannot help: the user is gone, consent was revoked, or the API is disabled.

    ``needs_reconnect`` is True when the person can fix it by signing in with Google again.
    """

    def __init__(self, reason: str, *, needs_reconnect: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.needs_reconnect = needs_reconnect


class TransientError(GoogleError):
    """A failure that may pass: 5xx, timeouts, connection errors. Retry with backoff."""
