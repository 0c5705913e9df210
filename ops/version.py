"""The application's version as recorded in backups: ``APP_VERSION`` or pyproject's version."""

from __future__ import annotations

import os
import tomllib
from functools import cache

from django.conf import settings


@cache
def app_version() -> str:
    """Return ``APP_VERSION`` (set by the image build) or ``[project] version``."""
    explicit = os.environ.get("APP_VERSION")
    if explicit:
        return explicit
    try:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
