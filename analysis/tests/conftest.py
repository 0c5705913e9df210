"""Fixtures of the analysis tests.

The personas (``owner``, ``other_user``, ``staff`` and the emulator-backed ``mailbox_owner``)
live in the root conftest.py, shared by every app.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from analysis import cache, cache_metrics


@pytest.fixture
def fresh_analysis_tiers() -> Iterator[None]:
    """Empty the analysis cache's in-process tier (L1) and zero its counters, before and after.

    Redis (L2) is emptied by the root conftest's ``_clean_cache`` and MongoDB (L3) by the
    ``db`` flush; L1 and the counters live in this process and would leak from test to test.
    Modules use it with ``pytest.mark.usefixtures("fresh_analysis_tiers")``.
    """
    cache.clear_local()
    cache_metrics.reset()
    yield
    cache.clear_local()
