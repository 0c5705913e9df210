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

# WiredTiger's table option (createIndexes' ``storageEngine``); snappy, not zstd: zstd saved
# another quarter but doubled the writing CPU in the same measurement.
BLOCK_COMPRESSOR = "snappy"


class CompressedIndex(models.Index):
    """``models.Index`` created with ``block_compressor`` set (by django-mongodb-backend)."""

    def get_pymongo_index_model(self, *args: Any, **kwargs: Any) -> IndexModel | None:
        # django-mongodb-backend adds this method to ``models.Index`` when it loads.
        plain: IndexModel | None = super().get_pymongo_index_model(*args, **kwargs)  # type: ignore[misc]
        if plain is None:
            return None
        options = dict(plain.document)
        keys = list(options.pop("key").items())
        storage = {"wiredTiger": {"configString": f"block_compressor={BLOCK_COMPRESSOR}"}}
        return IndexModel(keys, **options, storageEngine=storage)
