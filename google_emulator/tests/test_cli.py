"""``python -m google_emulator`` prints its URL when ready and exits cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cli_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    eml = tmp_path / "hello.eml"
    eml.write_bytes(b"From: a@b.example\r\nSubject: loaded\r\n\r\nhi\r\n")
    command = [
        sys.executable,
        "-m",
        "google_emulator",
        "--port",
        "0",
        "--accounts",
        "1",
        "--messages",
        "5",
        "--seed",
        "9",
        "--client-id",
        "cid",
        "--client-secret",
        "cs",
        "--redirect-uri",
        "http://app.example/cb",
        "--load-eml",
        str(eml),
        "--quota-units-per-second",
        "0",
        "--history-retention",
        "50",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Google emulator listening on http://127.0.0.1:")
        url = line.split()[-1]
        with urllib.request.urlopen(f"{url}/_emulator/state", timeout=10) as response:
            state = json.loads(response.read())
        assert state["clientId"] == "cid"
        assert state["redirectUris"] == ["http://app.example/cb"]
        assert state["accounts"][0]["messages"] == 6
        assert state["accounts"][0]["limits"]["unitsPerSecond"] is None
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
