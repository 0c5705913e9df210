"""A production process with missing or malformed configuration refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 60,
    "MONGODB_URI": "mongodb://127.0.0.1:1/?replicaSet=rs0",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "ALLOWED_HOSTS": "mail.example.com",
    "GOOGLE_CLIENT_ID": "id.apps.googleusercontent.com",
    "GOOGLE_CLIENT_SECRET": "client-secret",
    "TOKEN_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q=",
}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A clean environment: nothing of the test run's own configuration leaks in.
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def without(name: str) -> dict[str, str]:
    return {key: value for key, value in PRODUCTION.items() if key != name}


def test_complete_production_configuration_passes_the_checks() -> None:
    result = run(["manage.py", "check"], PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "MONGODB_URI", "REDIS_URL", "GOOGLE_CLIENT_ID"])
def test_a_missing_required_variable_is_named(name: str) -> None:
    result = run(["manage.py", "check"], without(name))
    assert result.returncode != 0
    assert "mailbox.E001" in result.stderr
    assert name in result.stderr


def test_a_malformed_integer_is_named() -> None:
    result = run(["manage.py", "check"], {**PRODUCTION, "CELERY_VISIBILITY_TIMEOUT": "soon"})
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT must be an integer" in result.stderr


def test_the_wsgi_application_refuses_to_start_without_secret_key() -> None:
    result = run(["-c", "import mailbox_project.wsgi"], without("SECRET_KEY"))
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_secrets_can_come_from_files(tmp_path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("y" * 60 + "\n")
    env = {**without("SECRET_KEY"), "SECRET_KEY_FILE": str(secret_file)}
    result = run(["manage.py", "check"], env)
    assert result.returncode == 0, result.stderr


def test_debug_needs_no_secrets() -> None:
    result = run(["manage.py", "check"], {"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
