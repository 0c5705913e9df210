"""Helpers for the privacy tests: read an export's zip, load its mbox into a fresh emulator."""

from __future__ import annotations

import base64
import email
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from google_emulator.config import EmulatorConfig
from google_emulator.testing import EmulatorServer
from privacy import storage
from privacy.models import DataExport


@pytest.fixture(autouse=True)
def _private_export_dir(settings: Any, tmp_path: Path) -> None:
    settings.EXPORT_DIR = tmp_path / "exports"


def open_zip(export: DataExport) -> zipfile.ZipFile:
    return zipfile.ZipFile(storage.path_of(export.file_name))


def reimported(mbox: Path) -> Iterator[EmailMessage]:
    """Load ``mbox`` with the emulator's ``--load-eml`` into an empty account and read every
    message back through the Gmail API (``format=raw``)."""
    config = EmulatorConfig(
        accounts=1, messages=0, quota_units_per_second=None, load_eml=(str(mbox),)
    )
    with EmulatorServer(config).start() as server:
        service = server.gmail_service(server.emails[0])
        listed = (
            service.users()
            .messages()
            .list(userId="me", maxResults=500, includeSpamTrash=True)
            .execute()
        )
        for item in listed.get("messages", []):
            raw = service.users().messages().get(userId="me", id=item["id"], format="raw").execute()
            data = base64.urlsafe_b64decode(raw["raw"] + "=" * (-len(raw["raw"]) % 4))
            message = email.message_from_bytes(data, policy=default)
            assert isinstance(message, EmailMessage)
            yield message


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return "" if part is None else str(part.get_content()).replace("\r\n", "\n").strip()
