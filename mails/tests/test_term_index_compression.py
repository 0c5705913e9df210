"""Migrations mails 0014 and 0015 build the search term index with WiredTiger block
compression, 8 KB leaf pages and 1 KB allocation units."""

from __future__ import annotations

import pytest

from mailbox_project.indexes import BLOCK_COMPRESSOR
from mailbox_project.mongo import get_database
from mails.search.plan import TERM_INDEX

pytestmark = pytest.mark.django_db


def test_the_term_index_is_block_compressed_with_its_keys_unchanged() -> None:
    messages = get_database()["messages"]
    index = messages.index_information()[TERM_INDEX]
    assert index["key"] == [("user_id", 1), ("search_terms", 1), ("internal_date", -1), ("_id", -1)]
    # What WiredTiger made of it, not only what was asked for.
    details = get_database().command("collStats", "messages")["indexDetails"][TERM_INDEX]
    options = details["creationString"].split(",")
    assert f"block_compressor={BLOCK_COMPRESSOR}" in options
    assert "leaf_page_max=8KB" in options
    assert "allocation_size=1KB" in options
    assert "prefix_compression=true" in options


def test_the_other_indexes_keep_mongodb_s_defaults() -> None:
    details = get_database().command("collStats", "messages")["indexDetails"]
    options = details["user_newest_id"]["creationString"].split(",")
    assert "block_compressor=" in options
    assert "leaf_page_max=16k" in options
