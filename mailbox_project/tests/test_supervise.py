"""scripts/supervise.sh (what `make run` starts each service under) restarts a dead service."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailbox_project.testing import BASE_DIR, wait_until

SUPERVISE = BASE_DIR / "scripts" / "supervise.sh"


@pytest.fixture
def supervise(tmp_path: Path) -> Iterator[object]:
    started: list[subprocess.Popen[bytes]] = []

    def start(*command: str) -> subprocess.Popen[bytes]:
        with (tmp_path / "supervise.log").open("wb") as log:
            process = subprocess.Popen(
                [str(SUPERVISE), "service", *command], stderr=log, start_new_session=True
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_a_service_that_dies_is_restarted_with_a_growing_wait(supervise, tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    supervise("bash", "-c", f"echo started >> {starts}; exit 3")
    wait_until(lambda: len(lines(starts)) >= 3, 30, "two restarts")
    log = (tmp_path / "supervise.log").read_text()
    assert "service exited with code 3; restarting in 1s" in log
    assert "service exited with code 3; restarting in 2s" in log


def test_term_stops_the_service_and_its_children_without_a_restart(
    supervise, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    supervisor = supervise("bash", "-c", f"sleep 300 & echo $! > {pid_file}; wait")
    wait_until(pid_file.exists, 20, "the service to start")
    grandchild = int(pid_file.read_text())
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=20) == 0
    wait_until(lambda: not Path(f"/proc/{grandchild}").exists(), 20, "the service's child to end")
    assert "restarting" not in (tmp_path / "supervise.log").read_text()
