"""Offline stand-in for Google OAuth2 and the Gmail API v1.

Speaks the real wire protocol on Google's real paths, so ``google-api-python-client``,
``google-auth`` and social-auth's ``google-oauth2`` backend work against it unchanged
(only the host differs).  Standard library only.

* ``python -m google_emulator --port 8765`` — standalone server (see ``--help``);
* :class:`google_emulator.testing.EmulatorServer` — in-process server for tests;
* :class:`google_emulator.state.Emulator` — the state and its Python control API;
* ``google_emulator.pytest_plugin`` — fixtures ``google_emulator``,
  ``google_emulator_server`` and ``google_emulator_config``.
"""

from __future__ import annotations

from .config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URIS,
    EmulatorConfig,
)
from .state import Emulator
from .testing import EmulatorServer

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_REDIRECT_URIS",
    "Emulator",
    "EmulatorConfig",
    "EmulatorServer",
]
