"""Two gunicorn workers, one /metrics: every worker's counts are summed (multiprocess mode)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from mailbox_project.testing import process_environment, wait_until
from ops.tests.test_metrics import _value

pytestmark = pytest.mark.slow

TOKEN = "multiprocess-metrics-token"
REQUESTS = 80


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Connection": "close", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _answers(port: int) -> bool:
    try:
        return _get(port, "/healthz")[0] in {200, 503}
    except OSError:
        return False


def _pids(folder: Path) -> set[str]:
    # Files are "<type>_<host>-<pid>.db" (mailbox_project.metrics names them by host and pid).
    return {path.stem.rsplit("-", 1)[-1] for path in folder.glob("counter_*.db")}


def test_two_gunicorn_workers_are_counted_together(db, tmp_path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "mailbox_project.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            os.devnull,
        ],
        cwd=settings.BASE_DIR,
        env=process_environment(PROMETHEUS_MULTIPROC_DIR=str(folder), METRICS_TOKEN=TOKEN),
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        start_new_session=True,
    )
    try:
        wait_until(lambda: _answers(port), 60, "gunicorn to answer")
        before = _get(port, "/metrics", {"Authorization": f"Bearer {TOKEN}"})[1].decode()
        sent = 0
        deadline = time.monotonic() + 60
        # Concurrent requests until both workers have answered some (their files appear).
        with ThreadPoolExecutor(max_workers=8) as pool:
            while sent < REQUESTS or (len(_pids(folder)) < 2 and time.monotonic() < deadline):
                statuses = list(pool.map(lambda _: _get(port, "/healthz")[0], range(8)))
                assert set(statuses) <= {200, 503}, log.read_text()[-3000:]
                sent += len(statuses)
        assert len(_pids(folder)) == 2, "both workers must have served requests"
        after = _get(port, "/metrics", {"Authorization": f"Bearer {TOKEN}"})[1].decode()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    status = {"route": "healthz", "status": "2xx"}
    counted = _value(after, "mailbox_http_requests_total", **status) - _value(
        before, "mailbox_http_requests_total", **status
    )
    counted += _value(after, "mailbox_http_requests_total", route="healthz", status="5xx") - (
        _value(before, "mailbox_http_requests_total", route="healthz", status="5xx")
    )
    assert counted == sent
