"""The fixtures work whether the plugin is registered by -p, by a root conftest, or both."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

TEST_MODULE = """
def test_uses_fixture(google_emulator):
    google_emulator.emulator.deliver(google_emulator.emails[0], kind="offer")
    assert len(google_emulator.emulator.mailbox(google_emulator.emails[0]).messages) == 61

def test_state_was_reset(google_emulator):
    assert len(google_emulator.emulator.mailbox(google_emulator.emails[0]).messages) == 60
"""


@pytest.mark.parametrize(
    ("conftest", "args"),
    [
        ('pytest_plugins = ["google_emulator.pytest_plugin"]\n', []),
        ("", ["-p", "google_emulator.pytest_plugin"]),
        (
            'pytest_plugins = ["google_emulator.pytest_plugin"]\n',
            ["-p", "google_emulator.pytest_plugin"],
        ),
    ],
    ids=["root-conftest", "dash-p", "both"],
)
def test_plugin_registration(tmp_path: Path, conftest: str, args: list[str]) -> None:
    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_sample.py").write_text(TEST_MODULE)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:django",
            *args,
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
