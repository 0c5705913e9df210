"""Real-world (and broken) mail loads and is served in every format without a 500."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from googleapiclient.http import BatchHttpRequest

from google_emulator.config import EmulatorConfig
from google_emulator.loader import read_messages
from google_emulator.testing import EmulatorServer

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "email-corpus"
pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"external email corpus not present at {CORPUS}"
)


def test_every_corpus_file_loads_and_is_served_in_all_formats() -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and "LICENSE" not in p.name)
    assert len(files) > 200
    config = EmulatorConfig(accounts=1, messages=1, quota_units_per_second=None)
    with EmulatorServer(config) as server:
        address = server.emails[0]
        mailbox = server.emulator.mailbox(address)
        loaded: list[str] = []
        for path in files:
            ids = server.emulator.load_eml(address, path)
            assert ids, path
            if len(ids) == 1 and not path.read_bytes().startswith(b"From "):
                # stored byte for byte, even when Python's parser finds it broken
                assert mailbox.messages[ids[0]].raw == path.read_bytes()
            loaded += ids
        service = server.gmail_service(address)
        failures: list[Any] = []
        for fmt in ("minimal", "metadata", "full", "raw"):
            for offset in range(0, len(loaded), 50):
                batch = BatchHttpRequest(
                    batch_uri=server.batch_uri,
                    callback=lambda rid, resp, exc: (
                        failures.append(exc) if exc is not None else None
                    ),
                )
                for message_id in loaded[offset : offset + 50]:
                    batch.add(
                        service.users().messages().get(userId="me", id=message_id, format=fmt)
                    )
                batch.execute()
        assert failures == []
        raw_of_first = (
            service.users().messages().get(userId="me", id=loaded[0], format="raw").execute()
        )
        assert base64.urlsafe_b64decode(raw_of_first["raw"]) == mailbox.messages[loaded[0]].raw


def test_directories_and_mbox_files_are_read_recursively() -> None:
    mbox = CORPUS / "cpython-test_email" / "mailbox_01.mbox"
    assert len(list(read_messages(mbox))) > 1
    everything = list(read_messages(CORPUS))
    assert len(everything) > 200
