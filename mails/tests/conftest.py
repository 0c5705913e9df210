"""Fixtures of the mail tests: the owner's emulator mailbox synced, and a generated search corpus.

The personas (``owner``, ``other_user``, ``staff`` and the emulator-backed ``mailbox_owner``)
live in the root conftest.py, shared by every app.

- ``synced_mailbox``: ``mailbox_owner``'s Gmail in the emulator, copied by the real sync until
  it reached partial (history) sync. Use it when a test starts from "everything is stored".
- ``search_corpus``: ``owner`` with generated messages inserted straight into MongoDB (the
  documents the sync would write, without Gmail's round trip), for search tests that need
  many messages fast. A module picks its messages by overriding ``search_corpus_specs``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from accounts.models import User
from google_emulator.testing import EmulatorServer
from mails.search.testing import Spec, insert, random_specs
from mails.tests.mirror import emulator_view
from mails.tests.test_full_sync import run_until_partial

CORPUS_START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class SyncedMailbox:
    """A user whose emulator mailbox the sync has copied completely."""

    user: User
    email: str
    # Messages in the emulator's mailbox, all of them stored by the sync.
    message_count: int


@pytest.fixture
def synced_mailbox(mailbox_owner: User, google: EmulatorServer) -> SyncedMailbox:
    """The owner's emulator mailbox, fully synced: the next sync step is a partial one."""
    run_until_partial(mailbox_owner)
    email = mailbox_owner.email
    return SyncedMailbox(mailbox_owner, email, len(emulator_view(google, email)))


@pytest.fixture
def search_corpus_specs() -> list[Spec]:
    """The messages of ``search_corpus``: 30 random ones; a module overrides it for its own."""
    return random_specs(5, 30, CORPUS_START)


@pytest.fixture
def search_corpus(owner: User, search_corpus_specs: list[Spec]) -> User:
    """``owner``, with ``search_corpus_specs`` inserted as their stored messages."""
    insert(owner.pk, search_corpus_specs)
    return owner
