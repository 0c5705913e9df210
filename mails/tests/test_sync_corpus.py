"""Real-world mail (../shared/data/email-corpus) syncs completely: nothing crashes the sync."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from google_emulator.loader import mail_files, read_messages
from mails.models import Message, SyncState
from mails.tests.mirror import emulator_view, local_view
from mails.tests.test_full_sync import run_until_partial

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "data" / "email-corpus"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CORPUS.is_dir(), reason="../shared/data/email-corpus is absent (fresh clone)"
    ),
]


def test_every_corpus_message_syncs(mailbox_owner, google) -> None:
    loaded = google.emulator.load_eml(mailbox_owner.email, CORPUS)
    # Every message the loader finds (licence and README files are not mail), each loaded.
    expected = sum(len(list(read_messages(path))) for path in mail_files(CORPUS))
    assert len(loaded) == expected > 0
    run_until_partial(mailbox_owner, steps=100)
    assert local_view(mailbox_owner) == emulator_view(google, mailbox_owner.email)
    state = SyncState.objects.get(user=mailbox_owner)
    assert state.failed_messages == []
    stored = Message.objects.filter(user=mailbox_owner, gmail_id__in=loaded)
    assert stored.count() == len(loaded)
    noted = stored.exclude(parse_error="").count()
    print(f"corpus: {len(loaded)} messages synced, {noted} with parse notes")
