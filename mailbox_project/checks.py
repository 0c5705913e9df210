"""System checks for configuration that comes from the environment."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from mailbox_project import env


def _describe(name: str, message: str) -> str:
    return f"{name} {message}"


@checks.register(checks.Tags.compatibility, deploy=False)
def check_environment(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report every missing or malformed environment variable by name (mailbox.E001)."""
    return [
        checks.Error(
            _describe(name, message),
            hint=f"Set {name} in the environment or .env (see .env.example).",
            id="mailbox.E001",
        )
        for name, message in env.PROBLEMS
    ]


def fail_fast() -> None:
    """Raise at process start (wsgi, asgi, celery) when the environment is misconfigured.

    `manage.py` commands run the system checks themselves; gunicorn and celery do not, so they
    call this to refuse to start rather than fail on the first request or task.
    """
    if env.PROBLEMS:
        details = "; ".join(_describe(name, message) for name, message in env.PROBLEMS)
        raise ImproperlyConfigured(f"Mailbox is misconfigured: {details}")


@checks.register(checks.Tags.security)
def check_token_encryption(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn in debug that Google sign-in cannot store tokens without an encryption key.

    Production already fails on this (mailbox.E001); `make run` generates a key for the demo.
    """
    from django.conf import settings

    if settings.TOKEN_ENCRYPTION_KEYS or settings.TOKEN_STORE_ALLOW_PLAINTEXT:
        return []
    return [
        checks.Warning(
            "TOKEN_ENCRYPTION_KEYS is not set: signing in with Google will fail to store tokens.",
            hint="Set TOKEN_ENCRYPTION_KEYS (see .env.example), or run through `make run`.",
            id="mailbox.W001",
        )
    ]
