"""Signal receivers feeding the metrics (connected in ``OpsConfig.ready``)."""

from __future__ import annotations


def connect() -> None:
    """Connect the receivers (filled in with the metrics)."""
