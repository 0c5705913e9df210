"""Giving the disk back the blocks MongoDB freed while a large sync filled the mail store.

A full sync writes the ``messages`` collection's term index (``search_terms``: ~140 keys a
message, in no key order) page by page, and WiredTiger writes each changed page to a new block
at every checkpoint: the index's file ends holding its pages plus the blocks their earlier
versions left, which WiredTiger keeps for its own later writes rather than give back.
After 200,000 messages that was 691 MiB of a 1,818 MiB term index (bench/index_writes.py), and
a mailbox syncing a few messages a day reuses it slowly. ``compact`` rewrites the collection
and its indexes without those blocks; since MongoDB 4.4 it blocks no reads or writes, but it
costs CPU (~0.4 ms a message), so it runs only when the free blocks are worth it: at least
``MAIL_STORE_COMPACT_MIN_MB`` and ``MAIL_STORE_COMPACT_MIN_SHARE`` of the files (collection
and indexes). A nightly beat task (``mails.tasks.compact_mail_store``) and ``manage.py
compact_mail_store`` run it; the collection belongs to ``mails.store``, this module only
maintains its files.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from pymongo.database import Database
from pymongo.errors import OperationFailure

from mailbox_project.mongo import get_database
from mails.models import Message

logger = logging.getLogger(__name__)

_MIB = 2**20


@dataclass(frozen=True)
class Files:
    """The on-disk size of the mail store's files (collection and indexes), in bytes."""

    size: int
    reusable: int  # blocks freed inside them, kept by WiredTiger for its own later writes

    @property
    def share(self) -> float:
        return self.reusable / self.size if self.size else 0.0


@dataclass(frozen=True)
class Compaction:
    before: Files
    after: Files
    seconds: float


def _collection() -> str:
    return str(Message._meta.db_table)


def _block_stats(stats: dict[str, Any]) -> tuple[int, int]:
    blocks = stats.get("wiredTiger", stats).get("block-manager", {})
    return int(blocks.get("file size in bytes", 0)), int(
        blocks.get("file bytes available for reuse", 0)
    )


def files(database: Database[dict[str, Any]] | None = None) -> Files:
    """The mail store's files now, from a checkpoint (WiredTiger's block counts are per
    checkpoint: without one they lag what was written)."""
    database = database if database is not None else get_database()
    database.client.admin.command("fsync")
    stats = database.command("collStats", _collection(), indexDetails=True)
    parts = [_block_stats(stats), *map(_block_stats, stats.get("indexDetails", {}).values())]
    return Files(sum(size for size, _ in parts), sum(free for _, free in parts))


def worthwhile(found: Files, min_bytes: int, min_share: float) -> bool:
    return found.reusable >= min_bytes and found.share >= min_share


def compact(force: bool = False) -> Compaction | None:
    """Compact the mail store when enough of its files are free blocks (always with
    ``force``); None when it was not worth it or MongoDB refused (logged)."""
    database = get_database()
    before = files(database)
    min_bytes = settings.MAIL_STORE_COMPACT_MIN_MB * _MIB
    if not force and not worthwhile(before, min_bytes, settings.MAIL_STORE_COMPACT_MIN_SHARE):
        logger.info(
            "mail store: %.0f of %.0f MiB free blocks, under the threshold: not compacted",
            before.reusable / _MIB,
            before.size / _MIB,
        )
        return None
    started = time.perf_counter()
    try:
        # force: a single-node replica set's member is its primary, where compact needs it.
        database.command("compact", _collection(), force=True)
    except OperationFailure as error:  # another compact running, or not permitted
        logger.warning("mail store: compact refused: %s", error)
        return None
    done = Compaction(before, files(database), time.perf_counter() - started)
    logger.info(
        "mail store compacted in %.1f s: %.0f → %.0f MiB",
        done.seconds,
        before.size / _MIB,
        done.after.size / _MIB,
    )
    return done
