"""The mail store is compacted when the blocks MongoDB freed in its files are worth it, on the
real mongod: mail stored and then removed leaves such blocks, as a large sync's rewritten index
pages do."""

from __future__ import annotations

import random

import pytest
from bson import ObjectId
from django.core.management import call_command
from django.test import override_settings

from mailbox_project.mongo import get_database
from mails import compaction
from mails.tasks import compact_mail_store

pytestmark = pytest.mark.django_db


def _churn(count: int = 1500) -> ObjectId:
    """Store ``count`` messages of one throwaway owner with many index terms, then remove them:
    the blocks their index pages took stay in the files, free."""
    owner = ObjectId()
    rng = random.Random(7)
    words = [f"w{n}" for n in range(20_000)]
    messages = get_database()["messages"]
    messages.insert_many(
        [
            {
                "user_id": owner,
                "gmail_id": f"churn-{n}",
                "thread_id": f"churn-{n}",
                "search_terms": rng.sample(words, 120),
            }
            for n in range(count)
        ]
    )
    compaction.files()  # a checkpoint with them in
    messages.delete_many({"user_id": owner})
    return owner


# compact takes seconds a file whatever its size (WiredTiger works file by file, with
# checkpoints between): twice here, a minute or more, so with the drills.
@pytest.mark.slow
def test_free_blocks_go_back_to_the_disk_when_worth_it(capsys) -> None:
    _churn()
    before = compaction.files()
    assert before.reusable >= 2**20  # what the removed mail's pages left
    with override_settings(MAIL_STORE_COMPACT_MIN_MB=10_000, MAIL_STORE_COMPACT_MIN_SHARE=0.01):
        assert compaction.compact() is None
        assert compact_mail_store.apply().get() == "not compacted"
    assert compaction.files().size == before.size  # left alone
    with override_settings(MAIL_STORE_COMPACT_MIN_MB=1, MAIL_STORE_COMPACT_MIN_SHARE=0.01):
        assert compact_mail_store.apply().get().startswith("compacted in ")
    after = compaction.files()
    assert after.size < before.size
    assert after.reusable < before.reusable
    # On demand, whatever the thresholds say.
    with override_settings(MAIL_STORE_COMPACT_MIN_MB=10_000):
        call_command("compact_mail_store", "--force")
    out = capsys.readouterr().out
    assert "free blocks" in out
    assert "compacted in" in out


def test_the_thresholds_need_both_the_bytes_and_the_share() -> None:
    files = compaction.Files(size=1000 * 2**20, reusable=300 * 2**20)
    assert compaction.worthwhile(files, 256 * 2**20, 0.25)
    assert not compaction.worthwhile(files, 400 * 2**20, 0.25)
    assert not compaction.worthwhile(files, 256 * 2**20, 0.5)
    assert compaction.Files(0, 0).share == 0.0
