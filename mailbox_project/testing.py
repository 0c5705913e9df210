"""Test helpers that run real processes: a Celery worker on the test database.

Used by fixtures in the root conftest. Kept out of conftest so benches can use it too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from celery import Celery
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
# The fixed ports pytest-django's live server may take, which the test emulator accepts in
# redirect URIs: 8089 by default (pyproject's addopts); parallel runs pass `--liveserver`.
LIVE_SERVER_PORTS = range(8089, 8096)


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``predicate`` until it is truthy; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def process_environment(**overrides: str) -> dict[str, str]:
    """Return the environment a child process needs to share this test's database."""
    env = dict(os.environ)
    env["MONGODB_NAME"] = str(connection.settings_dict["NAME"])
    env["PYTHONPATH"] = str(BASE_DIR)
    env.update(overrides)
    return env


@dataclass
class WorkerProcess:
    """A real ``celery worker`` child process."""

    process: subprocess.Popen[bytes]
    name: str
    log_path: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker's whole process group, as a crash or OOM kill would."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_worker(
    name: str,
    log_dir: Path,
    *,
    queues: str = "sync,analysis,maintenance",
    concurrency: int = 1,
    include: str = "",
    env: dict[str, str] | None = None,
    timeout: float = 30,
    app: Celery | None = None,
) -> WorkerProcess:
    """Start a worker and wait until it answers a control ping.

    ``app`` is the Celery app to ping through: the project's by default, another one when
    ``env`` points the worker at another broker.
    """
    from mailbox_project.celery import app as project_app

    pinged = app or project_app

    log_path = log_dir / f"{name}.log"
    command = [
        sys.executable, "-m", "celery", "-A", "mailbox_project", "worker",
        "--hostname", f"{name}@%h", "-Q", queues, "--concurrency", str(concurrency),
        "--pool", "prefork", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    if include:
        command += ["--include", include]
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            cwd=BASE_DIR,
            env=process_environment(**(env or {})),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = WorkerProcess(process, name, log_path)

    def answers() -> bool:
        if not worker.alive():
            raise AssertionError(f"worker {name} exited:\n{worker.log()[-3000:]}")
        replies = pinged.control.ping(timeout=0.5) or []
        return any(name in key for reply in replies for key in reply)

    wait_until(answers, timeout, f"worker {name} to answer a ping")
    return worker
