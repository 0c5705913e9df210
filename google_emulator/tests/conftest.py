"""Make the emulator's fixtures available however pytest was started.

The fixtures live in ``google_emulator.pytest_plugin``.  If neither the root conftest
(``pytest_plugins``) nor ``-p google_emulator.pytest_plugin`` registered it, register
it here; pytest refuses ``pytest_plugins`` in non-root conftests, and registering by the
same module name twice is a no-op, so this never double-registers.
"""

from __future__ import annotations

import pytest

PLUGIN = "google_emulator.pytest_plugin"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(PLUGIN):
        config.pluginmanager.import_plugin(PLUGIN)
