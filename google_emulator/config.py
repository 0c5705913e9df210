"""Configuration of one emulator instance (CLI options map 1:1 onto these fields)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

DEFAULT_CLIENT_ID = "mailbox-demo-client"
DEFAULT_CLIENT_SECRET = "mailbox-demo-secret"
DEFAULT_REDIRECT_URIS: tuple[str, ...] = (
    "http://127.0.0.1:8000/complete/google-oauth2/",
    "http://localhost:8000/complete/google-oauth2/",
)


def today_utc() -> dt.date:
    """Return the current UTC date (the default anchor of generated mailboxes)."""
    return dt.datetime.now(dt.UTC).date()


@dataclass
class EmulatorConfig:
    """Everything that shapes an emulator: mailboxes, OAuth client, limits, faults, push.

    ``quota_units_per_second`` of ``None`` or ``0`` switches the quota off; the same holds
    for ``concurrent_limit``.  ``anchor_date`` is the day generated mailboxes end on: the
    same seed, counts and anchor give byte-identical mailboxes (ids do not depend on it).
    """

    accounts: int = 2
    messages: int = 200
    seed: int = 7
    anchor_date: dt.date = field(default_factory=today_utc)
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    redirect_uris: tuple[str, ...] = DEFAULT_REDIRECT_URIS
    quota_units_per_second: float | None = 250.0
    concurrent_limit: int | None = None
    # Gmail answers per-user rate limits with 429 rateLimitExceeded; some clients still see
    # the older 403 userRateLimitExceeded, so it can be switched to exercise that path.
    quota_exceeded_status: int = 429
    fault_rate: float = 0.0
    fault_statuses: tuple[int, ...] = (500, 503)
    latency_ms: float = 0.0
    access_token_lifetime: int = 3600
    history_retention: int = 10_000
    push_url: str | None = None
    push_token: str | None = None
    demo_new_mail_every: float | None = None
    load_eml: tuple[str, ...] = ()
    gzip: bool = True

    def replace(self, **changes: object) -> EmulatorConfig:
        """Return a copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
