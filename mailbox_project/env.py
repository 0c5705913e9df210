"""Strict, typed readers for settings that come from the environment.

A malformed value never falls back silently to a default: it is recorded in ``PROBLEMS`` and
reported by a Django system check (``mailbox_project.checks``) that names the variable, so the
process fails at boot rather than at the first request. ``NAME_FILE`` variants let secrets
come from files (Docker/Kubernetes secrets) instead of the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

# (variable, message) pairs found while reading settings; reported by checks.py.
PROBLEMS: list[tuple[str, str]] = []

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def raw(name: str) -> str | None:
    """Return the variable's value, reading ``NAME_FILE`` when that is set instead."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as exc:
            PROBLEMS.append((f"{name}_FILE", f"cannot be read: {exc.strerror}"))
            return None
    return os.environ.get(name)


def string(name: str, default: str = "") -> str:
    value = raw(name)
    return default if value is None else value


def required(name: str, *, unless: bool = False, dev_default: str = "") -> str:
    """Return a value that must be set, except when ``unless`` (e.g. DEBUG) allows a default."""
    value = raw(name)
    if value:
        return value
    if unless:
        return dev_default
    PROBLEMS.append((name, "is required but not set"))
    return dev_default


def boolean(name: str, default: bool) -> bool:
    value = raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    PROBLEMS.append((name, f"must be a boolean (true/false), got {value!r}"))
    return default


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        PROBLEMS.append((name, f"must be an integer, got {value!r}"))
        return default
    if minimum is not None and number < minimum:
        PROBLEMS.append((name, f"must be at least {minimum}, got {number}"))
        return default
    return number


def floating(name: str, default: float, *, minimum: float | None = None) -> float:
    value = raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value.strip())
    except ValueError:
        PROBLEMS.append((name, f"must be a number, got {value!r}"))
        return default
    if minimum is not None and number < minimum:
        PROBLEMS.append((name, f"must be at least {minimum}, got {number}"))
        return default
    return number


def string_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list, with blanks dropped."""
    value = raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]
