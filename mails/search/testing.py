"""Seeded mail for search tests and benches: specs, RFC 822 bytes, and a direct bulk insert.

Tests deliver specs to the Google emulator and sync them through the real store path;
benches that need 100,000s of messages insert them directly with ``insert`` (the same
``search_fields`` the sync stores, without Gmail's round trip).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from bson import ObjectId
from pymongo import InsertOne

from mailbox_project.mongo import get_database
from mails.parsing import PARSER_VERSION
from mails.search.index import search_fields

# Words with the case and accent variants search must fold together.
VOCABULARY = (
    "invoice", "meeting", "offer", "interview", "résumé", "resume", "café", "cafe",
    "naïve", "Straße", "strasse", "report", "budget", "launch", "quarterly", "review",
    "Zürich", "zurich", "Ångström", "project", "deadline", "schedule", "contract", "update",
    "weekly", "digest", "travel", "receipt", "order", "shipped", "delivery", "photos",
    "family", "dinner", "party", "welcome", "onboarding", "security", "alert", "password",
    "account", "payment", "refund", "ticket", "support", "release", "notes", "roadmap",
    "design", "feedback", "hiring", "2024", "42",
)  # fmt: skip
NAMES = ("Ana López", "Zoë Brown", "Bob Stone", "Chloé Martin", "Dan O'Neil", "Eve Adams")
DOMAINS = ("example.com", "mail.example.com", "corp.example.org", "lever.co", "greenhouse.io")
LOCALS = ("ana", "zoe", "bob.stone", "chloe", "dan", "eve", "jobs", "noreply", "team")
LISTS = ("", "", "", "news.example.com", "dev.lists.example.org")
LABEL_CHOICES = ("INBOX", "UNREAD", "STARRED", "IMPORTANT", "SENT", "CATEGORY_SOCIAL")
EXTENSIONS = ("pdf", "docx", "png", "ics")


@dataclass
class Spec:
    """One message to deliver: its headers, body, attachments, labels and time."""

    subject: str
    from_name: str
    from_address: str
    internal_date: dt.datetime
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    body: str = ""
    filenames: list[str] = field(default_factory=list)
    list_id: str = ""
    message_id: str = ""
    labels: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    html: str = ""  # an HTML alternative to the plain body


def _address(rng: random.Random) -> str:
    return f"{rng.choice(LOCALS)}@{rng.choice(DOMAINS)}"


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(low, high)))


def random_spec(rng: random.Random, index: int, start: dt.datetime) -> Spec:
    """Return a random message; about every 7th shares the previous one's second."""
    seconds = index * 3600 - (index % 7 == 6) * 3600
    labels = sorted({rng.choice(LABEL_CHOICES) for _ in range(rng.randint(0, 3))})
    if rng.random() < 0.08:
        labels.append(rng.choice(("TRASH", "SPAM")))
    if rng.random() < 0.2:
        labels.append(rng.choice(("Job search", "Work/Projects", "Reçus")))
    filenames = [
        f"{rng.choice(VOCABULARY)}-{rng.randint(1, 9)}.{rng.choice(EXTENSIONS)}"
        for _ in range(rng.choice((0, 0, 0, 1, 2)))
    ]
    return Spec(
        subject=_text(rng, 1, 5),
        from_name=rng.choice(NAMES),
        from_address=_address(rng),
        internal_date=start + dt.timedelta(seconds=seconds),
        to=[_address(rng) for _ in range(rng.randint(1, 2))],
        cc=[_address(rng) for _ in range(rng.choice((0, 0, 1)))],
        bcc=[_address(rng) for _ in range(rng.choice((0, 0, 0, 1)))],
        body=_text(rng, 5, 40),
        filenames=filenames,
        list_id=rng.choice(LISTS),
        message_id=f"<m{index}.{rng.randint(1000, 9999)}@{rng.choice(DOMAINS)}>",
        labels=labels,
    )


def random_specs(seed: int, count: int, start: dt.datetime) -> list[Spec]:
    rng = random.Random(seed)  # noqa: S311 - seeded test data, not cryptography
    return [random_spec(rng, index, start) for index in range(count)]


def raw_message(spec: Spec) -> bytes:
    """Return ``spec`` as RFC 822 bytes, attachments and all."""
    message = EmailMessage()
    for address in spec.delivered_to:
        message["Delivered-To"] = address
    message["From"] = formataddr((spec.from_name, spec.from_address))
    if spec.to:
        message["To"] = ", ".join(spec.to)
    if spec.cc:
        message["Cc"] = ", ".join(spec.cc)
    if spec.bcc:
        message["Bcc"] = ", ".join(spec.bcc)
    message["Subject"] = spec.subject
    message["Date"] = format_datetime(spec.internal_date)
    if spec.message_id:
        message["Message-ID"] = spec.message_id
    if spec.list_id:
        message["List-Id"] = f"List <{spec.list_id}>"
    message.set_content(spec.body)
    if spec.html:
        message.add_alternative(spec.html, subtype="html")
    for name in spec.filenames:
        message.add_attachment(b"%PDF-1.4 test", maintype="application", subtype="octet-stream",
                               filename=name)  # fmt: skip
    return message.as_bytes()


def deliver(emulator: Any, email: str, spec: Spec) -> str:
    """Deliver ``spec`` to the emulator's mailbox ``email``; return its Gmail id."""
    millis = int(spec.internal_date.timestamp() * 1000)
    return str(emulator.deliver(email, raw_message(spec), labels=spec.labels, internal_date=millis))


def document(user_id: Any, spec: Spec, gmail_id: str) -> dict[str, Any]:
    """Return the stored document of ``spec`` as the sync would write it."""
    fields: dict[str, Any] = {
        "user_id": user_id,
        "gmail_id": gmail_id,
        "thread_id": gmail_id,
        "history_id": 1,
        "internal_date": spec.internal_date,
        "label_ids": list(spec.labels),
        "from_name": spec.from_name,
        "from_address": spec.from_address,
        "to_addresses": spec.to,
        "cc_addresses": spec.cc,
        "bcc_addresses": spec.bcc,
        "to_names": [],
        "cc_names": [],
        "bcc_names": [],
        "delivered_to": list(spec.delivered_to),
        "subject": spec.subject,
        "date_header": spec.internal_date,
        "rfc822_message_id": spec.message_id,
        "list_id": spec.list_id,
        "snippet": spec.body[:100],
        "body_text": spec.body,
        # Written straight to MongoDB, an HTML alternative is not parsed: deliver the spec
        # through the emulator to test what the sync makes of one.
        "alternative_text": "",
        "attachments": [
            {"filename": name, "size": 13, "mime_type": "application/octet-stream"}
            for name in spec.filenames
        ],
        "size_estimate": 500 + len(spec.body) + 10_000 * len(spec.filenames),
        "is_unread": "UNREAD" in spec.labels,
        "is_starred": "STARRED" in spec.labels,
        "parse_error": "",
        "links": [],
        "references": [],
        "parser_version": PARSER_VERSION,
        "synced_at": spec.internal_date,
        "sync_generation": 1,
    }
    fields.update(search_fields(fields))
    return fields


def insert(user_id: Any, specs: list[Spec], *, batch_size: int = 2000) -> None:
    """Insert ``specs`` as ``user_id``'s messages directly (benches), in batches."""
    messages = get_database()["messages"]
    for start in range(0, len(specs), batch_size):
        batch = specs[start : start + batch_size]
        messages.bulk_write(
            [InsertOne(document(user_id, spec, str(ObjectId()))) for spec in batch],
            ordered=False,
        )
