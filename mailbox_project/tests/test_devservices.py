"""scripts/devservices.py: idempotent start, and stop ends only what it started."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from pymongo import MongoClient

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "devservices.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mongods_for(data_dir: Path) -> list[int]:
    """Return pids of live (non-zombie) mongod processes serving ``data_dir``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().split()[2]
        except OSError:
            continue
        if (
            state != "Z"
            and cmdline[0].endswith(b"mongod")
            and str(data_dir).encode() in b" ".join(cmdline)
        ):
            pids.append(int(proc.name))
    return pids


def devservices(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "REDIS_URL": settings.REDIS_URL},
    )


def test_start_twice_runs_one_mongod_and_stop_leaves_none(tmp_path: Path) -> None:
    data_dir = tmp_path / "services"
    port = str(free_port())
    try:
        first = devservices("start", "--data-dir", str(data_dir), "--mongo-port", port)
        assert "started in" in first.stdout
        second = devservices("start", "--data-dir", str(data_dir), "--mongo-port", port)
        assert "already running" in second.stdout
        assert len(mongods_for(data_dir)) == 1
        env = devservices("env", "--data-dir", str(data_dir)).stdout
        assert f"MONGODB_URI=mongodb://127.0.0.1:{port}/?replicaSet=rs0" in env
        # The server runs with the raised dirty limit (devservices' ENGINE_CONFIG).
        client: MongoClient[dict[str, object]] = MongoClient("127.0.0.1", int(port))
        try:
            parsed = client.admin.command("getCmdLineOpts")["parsed"]
        finally:
            client.close()
        engine = parsed["storage"]["wiredTiger"]["engineConfig"]["configString"]
        assert "eviction_dirty_target=60" in engine
    finally:
        devservices("stop", "--data-dir", str(data_dir))
    assert mongods_for(data_dir) == []
