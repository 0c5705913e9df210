"""Fixtures of the tracker tests.

The personas live in the root conftest.py; ``fresh_analysis_tiers`` (the analysis cache's
in-process tier and counters, emptied around a test) is analysis's own fixture, reused here
because the tracker reads analyses through that cache.
"""

from __future__ import annotations

from analysis.tests.conftest import fresh_analysis_tiers

__all__ = ["fresh_analysis_tiers"]
