"""A Django index whose pages WiredTiger stores block-compressed.

MongoDB compresses a collection's blocks (snappy) but only prefix-compresses an index's keys.
The search term index (``mails.Message``'s ``user_term_newest``) holds one key per word of every
message, each carrying the user id, the word, the date and the message id: prefix compression
leaves the ids and dates, and inserting keys one message at a time leaves pages part empty. The
same index with snappy blocks measured about half the size on disk (bench/vs_notmuch.py) for a
little CPU when a page is written; pages in the cache are uncompressed, so searching a warm
index costs the same.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from pymongo.operations import IndexModel

# WiredTiger's table options (createIndexes' ``storageEngine``). snappy, not zstd: zstd saved
# another quarter but doubled the writing CPU in the same measurement. 8 KB leaf pages, not 16:
# every message adds ~140 keys spread over the whole index, so past the cache's dirty room each
# insert dirties a page that is written out again, and a smaller page is less to compress and
# write each time (200,000 messages, bench/index_writes.py: 323 → 699 msg/s, mongod's CPU
# 1,078 → 412 s). 1 KB allocation units, not 4: a compressed 8 KB page is rounded up to whole
# units on disk (with 4 KB units the index was a quarter larger: 2,021 against 1,618 MiB).
BLOCK_COMPRESSOR = "snappy"
TERM_INDEX_CONFIG = f"block_compressor={BLOCK_COMPRESSOR},leaf_page_max=8KB,allocation_size=1KB"


class CompressedIndex(models.Index):
    """``models.Index`` created with ``block_compressor`` set (by django-mongodb-backend)."""

    def get_pymongo_index_model(self, *args: Any, **kwargs: Any) -> IndexModel | None:
        # django-mongodb-backend adds this method to ``models.Index`` when it loads.
        plain: IndexModel | None = super().get_pymongo_index_model(*args, **kwargs)  # type: ignore[misc]
        if plain is None:
            return None
        options = dict(plain.document)
        keys = list(options.pop("key").items())
        storage = {"wiredTiger": {"configString": TERM_INDEX_CONFIG}}
        return IndexModel(keys, **options, storageEngine=storage)
