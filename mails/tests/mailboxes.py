"""A person's Gmail in the emulator, delivered to as RFC 822 bytes and copied by the real sync.

Fixtures for every app's tests (registered in the root conftest.py with ``pytest_plugins``):
``mailbox`` (``mailbox_owner``'s Gmail, nothing synced yet; ``add`` delivers, ``sync`` copies),
``other_mailbox`` (a second person with the emulator's second account) and ``signed_in`` (a test
client signed in as ``mailbox``'s owner). ``email_bytes`` builds a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone

from accounts import google as google_oauth
from accounts.models import User
from google_emulator.testing import EmulatorServer
from mails.tests.test_full_sync import run_until_partial


def email_bytes(
    *,
    subject: str,
    body: str = "",
    html: str | None = None,
    sender: str = "Ana Lima <ana@lima.example>",
    to: str = "alex.morgan@example.com",
    cc: str | None = None,
    bcc: str | None = None,
    attachments: Iterable[tuple[str, bytes]] = (),
    date: datetime | None = None,
) -> bytes:
    """Return an RFC 822 message; ``html`` alone makes an HTML-only mail."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    if bcc:
        message["Bcc"] = bcc
    message["Subject"] = subject
    message["Date"] = format_datetime(date or timezone.now())
    message["Message-ID"] = make_msgid(domain="lima.example")
    if html is not None and not body:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
    for filename, data in attachments:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return message.as_bytes()


@dataclass
class Mailbox:
    """One user's Gmail in the emulator, and the sync that copies it into Mailbox."""

    google: EmulatorServer
    user: User
    # Delivered mail is newer than the emulator's generated mail, one minute apart.
    clock: datetime

    def add(self, *, labels: Iterable[str] | None = None, **fields: object) -> str:
        """Deliver a message a minute newer than the last one; return its Gmail id."""
        self.clock += timedelta(minutes=1)
        raw = email_bytes(date=self.clock, **fields)
        return self.google.emulator.deliver(
            self.user.email,
            raw,
            labels=list(labels) if labels is not None else None,
            internal_date=int(self.clock.timestamp() * 1000),
        )

    def sync(self) -> None:
        run_until_partial(self.user)


def start_clock() -> datetime:
    """Today, after the emulator's generated mail (which ends before midnight UTC)."""
    now = timezone.now().replace(microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0)
    return max(midnight, now - timedelta(minutes=30))


@pytest.fixture
def mailbox(mailbox_owner: User, google: EmulatorServer) -> Mailbox:
    return Mailbox(google, mailbox_owner, start_clock())


@pytest.fixture
def other_mailbox(google: EmulatorServer) -> Mailbox:
    """A second signed-up user with the emulator's second account."""
    email = google.emails[1]
    user = User.objects.create_user(email=email, name="Second Person")
    google_oauth.store_tokens(user, google.emulator.issue_tokens(email))
    return Mailbox(google, user, start_clock())


@pytest.fixture
def signed_in(client, mailbox: Mailbox):
    client.force_login(mailbox.user)
    return client
