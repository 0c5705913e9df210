"""The production compose stack, brought up for real where Docker can run it.

Skipped, saying why, without a compose client or a Docker daemon (``make test`` still runs
``docker compose config`` wherever a client exists). Where both exist it builds the image,
starts everything with two workers, and requires https://localhost (Caddy, ``tls internal``)
to serve the app's health check and sign-in page, one beat, two live workers, and migrate done.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

pytestmark = pytest.mark.slow

PROJECT = "mailbox-smoke"


def _compose() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    found = shutil.which("docker-compose")
    return [found] if found else None


def _daemon() -> bool:
    probe = subprocess.run(["docker", "info"], capture_output=True, check=False)
    return probe.returncode == 0


def _env_file(folder: Path) -> Path:
    path = folder / "smoke.env"
    values = {
        "DEBUG": "false",
        "SECRET_KEY": Fernet.generate_key().decode() * 2,
        "ALLOWED_HOSTS": "localhost,web",
        "CSRF_TRUSTED_ORIGINS": "https://localhost",
        "SITE_URL": "https://localhost",
        "GOOGLE_EMULATOR_URL": "http://127.0.0.1:9",
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BACKUP_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "METRICS_TOKEN": "smoke-metrics-token",
    }
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


def _get(url: str) -> int:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # Caddy's local CA for localhost
    try:
        with urllib.request.urlopen(url, timeout=5, context=context) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def test_the_stack_serves_https_with_one_beat_and_scaled_workers(tmp_path) -> None:
    compose = _compose()
    if compose is None:
        pytest.skip("no docker compose client installed")
    if not _daemon():
        pytest.skip("no Docker daemon reachable (docker info fails): the stack cannot start")
    env = {"MAILBOX_ENV_FILE": str(_env_file(tmp_path)), "SITE_HOST": "localhost"}
    base = [*compose, "-p", PROJECT, "-f", str(Path(settings.BASE_DIR) / "docker-compose.yml")]
    run_env = {**os.environ, **env}

    def run(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*base, *args], env=run_env, capture_output=True, text=True, timeout=timeout,
            check=False,
        )  # fmt: skip

    try:
        up = run("up", "-d", "--build", "--scale", "worker=2")
        assert up.returncode == 0, up.stderr[-3000:]
        deadline = time.monotonic() + 300
        while _get("https://localhost/healthz") != 200 and time.monotonic() < deadline:
            time.sleep(2)
        assert _get("https://localhost/healthz") == 200
        assert _get("https://localhost/sign_in") == 200
        assert _get("https://localhost/metrics") == 404  # only inside the network
        listed = run("ps", "--all", "--format", "json")
        lines = [line for line in listed.stdout.splitlines() if line.strip()]
        services = [json.loads(line)["Service"] for line in lines]
        assert services.count("worker") == 2
        assert services.count("beat") == 1
        migrate = next(
            json.loads(line) for line in lines if json.loads(line)["Service"] == "migrate"
        )
        assert migrate["ExitCode"] == 0
    finally:
        run("down", "-v", "--remove-orphans", timeout=300)
