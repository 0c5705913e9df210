"""A backup process killed with SIGKILL mid-way leaves nothing that looks complete."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from mailbox_project.testing import process_environment
from ops.catalogue import apply_retention, complete_backups, partial_folders
from ops.restore import RestoreError, from_backup
from ops.tests.conftest import PARTS, WIDGETS

pytestmark = pytest.mark.slow


def test_a_backup_killed_mid_way_is_never_offered(mongo, tmp_path, capsys) -> None:
    # Enough poorly compressible data that the widgets collection takes a while to write.
    mongo[PARTS].insert_many([{"widget": i} for i in range(10)])
    mongo[WIDGETS].insert_many([{"n": i, "pad": os.urandom(1000).hex()} for i in range(40_000)])
    process = subprocess.Popen(
        [sys.executable, "manage.py", "backup", "--dir", str(tmp_path)],
        cwd=settings.BASE_DIR,
        env=process_environment(PYTHONUNBUFFERED="1", BACKUP_ENCRYPTION_KEY=""),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    # Collections are written in name order: once PARTS is done, WIDGETS is being written.
    for line in process.stdout:
        if line.startswith(f"backup {PARTS}:") or time.monotonic() > deadline:
            break
    # Then wait until the widgets file is being written, and kill the process mid-file.
    while not any(tmp_path.rglob(f"{WIDGETS}.bson.gz")) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    partial = partial_folders(tmp_path)
    assert len(partial) == 1, "the killed run must have left its partial folder"
    assert any(partial[0].rglob(f"{WIDGETS}.bson.gz")), "killed while writing widgets"
    assert [p for p in tmp_path.iterdir() if p not in partial] == []
    assert complete_backups(tmp_path) == []
    with pytest.raises(RestoreError, match="incomplete"):
        from_backup(partial[0])

    settings.BACKUP_DIR = tmp_path
    call_command("backup", "--list")
    assert "1 incomplete folder(s)" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("restore", "--latest")

    # Retention removes a dead run's leftovers once they are old enough to be surely dead.
    an_hour_ago = time.time() - 3700
    os.utime(partial[0], (an_hour_ago, an_hour_ago))
    from datetime import UTC, datetime

    removed = apply_retention(Path(tmp_path), 7, 4, datetime.now(UTC))
    assert removed == partial
