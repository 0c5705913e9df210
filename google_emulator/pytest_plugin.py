"""pytest fixtures for the Google emulator.

Registration: the fixtures live only here.  The project's root ``conftest.py`` registers
them with ``pytest_plugins = ["google_emulator.pytest_plugin"]``; the emulator's own
tests are run with ``-p google_emulator.pytest_plugin`` (``google_emulator/tests/
conftest.py`` also registers the plugin at configure time if nobody else did, so a bare
``pytest google_emulator`` works).  pytest registers a plugin module once by name, so
both ways together are safe.

Fixtures:

* ``google_emulator_config`` (session) — the :class:`EmulatorConfig`; override it in a
  conftest to change accounts/messages.  Default: 2 accounts × 60 messages, seed 7,
  quota OFF (tests opt in with ``emulator.set_quota``), no faults.
* ``google_emulator_server`` (session) — the running :class:`EmulatorServer`.
* ``google_emulator`` (function) — the same server, reset to its start-up state
  before the test (mailboxes, tokens, limits, watches, stats).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .config import EmulatorConfig
from .testing import EmulatorServer


@pytest.fixture(scope="session")
def google_emulator_config() -> EmulatorConfig:
    """Return the configuration of the session's emulator."""
    return EmulatorConfig(accounts=2, messages=60, seed=7, quota_units_per_second=None)


@pytest.fixture(scope="session")
def google_emulator_server(google_emulator_config: EmulatorConfig) -> Iterator[EmulatorServer]:
    """Start one emulator for the whole session."""
    server = EmulatorServer(google_emulator_config).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def google_emulator(google_emulator_server: EmulatorServer) -> EmulatorServer:
    """Return the session's emulator, reset to its start-up state."""
    google_emulator_server.reset()
    return google_emulator_server
