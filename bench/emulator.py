"""Benchmark: how many ``messages.get`` per second the Google emulator serves.

Starts ``python -m google_emulator`` in a subprocess (its own GIL, as in a real run),
generates a mailbox, then drives the real ``googleapiclient`` ``BatchHttpRequest``
(50 gets per batch) from two client processes, for ``format=raw`` and ``format=full``.
Prints measured messages.get/s and the ratio to the goal of 2,000/s, which keeps the
emulator from ever being what limits the sync benchmark; then how long ``messages.list?q=``
takes over the whole mailbox, the first time (each message's words are indexed on first
use) and once indexed.

    .venv/bin/python bench/emulator.py [--messages 5000] [--clients 2] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_PER_SECOND = 2000.0
BATCH_SIZE = 50
EMULATOR_PID = [0]


def start_emulator(messages: int, extra: list[str]) -> tuple[subprocess.Popen[str], str]:
    """Start the emulator subprocess and return it with its base URL."""
    command = [sys.executable, "-m", "google_emulator", "--port", "0", "--accounts", "1"]
    command += ["--messages", str(messages), "--quota-units-per-second", "0", *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "http://" not in line:
        proc.kill()
        raise SystemExit(f"emulator did not start: {line!r}")
    return proc, line.strip().rsplit(" ", 1)[-1]


def post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def get(url: str) -> Any:
    with urllib.request.urlopen(url) as response:
        return json.loads(response.read())


def gmail_service(url: str, grant: dict[str, Any]) -> Any:
    from google.oauth2.credentials import Credentials
    from googleapiclient.discovery import build

    credentials = Credentials(
        token=grant["access_token"],
        refresh_token=grant["refresh_token"],
        token_uri=f"{url}/token",
        client_id="mailbox-demo-client",
        client_secret="mailbox-demo-secret",
    )
    return build(
        "gmail",
        "v1",
        credentials=credentials,
        static_discovery=True,
        client_options={"api_endpoint": url},
    )


def all_ids(url: str, grant: dict[str, Any]) -> list[str]:
    service = gmail_service(url, grant)
    ids: list[str] = []
    request = service.users().messages().list(userId="me", maxResults=500, includeSpamTrash=True)
    while request is not None:
        response = request.execute()
        ids += [m["id"] for m in response.get("messages", [])]
        request = service.users().messages().list_next(request, response)
    return ids


# Word, phrase, name, CJK and link queries: each reads every message's word index.
SEARCHES = ("interview", '"thank you"', "to:morgan OR from:greenhouse", "京都", "has:drive")


def time_searches(url: str, grant: dict[str, Any]) -> None:
    """Print the wall-clock time of each ``SEARCHES`` query, cold then warm."""
    service = gmail_service(url, grant)
    for label in ("first (indexing)", "indexed"):
        timings = []
        for query in SEARCHES:
            started = time.monotonic()
            found = len(search_ids(service, query))
            timings.append(f"{query} {1000 * (time.monotonic() - started):.0f} ms ({found})")
        print(f"q, {label}: " + "; ".join(timings))


def search_ids(service: Any, query: str) -> list[str]:
    ids: list[str] = []
    request = service.users().messages().list(userId="me", q=query, maxResults=500)
    while request is not None:
        response = request.execute()
        ids += [m["id"] for m in response.get("messages", [])]
        request = service.users().messages().list_next(request, response)
    return ids


def worker(args: tuple[str, dict[str, Any], list[str], str, Any]) -> tuple[int, int, float, float]:
    """Fetch ``ids`` in batches of 50; return (ok, errors, start, end) in monotonic time."""
    from googleapiclient.http import BatchHttpRequest

    url, grant, ids, fmt, barrier = args
    service = gmail_service(url, grant)
    messages = service.users().messages()
    counts = {"ok": 0, "errors": 0}

    def done(request_id: str, response: Any, exception: Exception | None) -> None:
        counts["errors" if exception is not None else "ok"] += 1

    barrier.wait()
    start = time.monotonic()
    for offset in range(0, len(ids), BATCH_SIZE):
        # new_batch_http_request() would ignore api_endpoint, so name the batch URL.
        batch = BatchHttpRequest(callback=done, batch_uri=f"{url}/batch/gmail/v1")
        for message_id in ids[offset : offset + BATCH_SIZE]:
            batch.add(messages.get(userId="me", id=message_id, format=fmt))
        batch.execute()
    return counts["ok"], counts["errors"], start, time.monotonic()


def cpu_seconds(pid: int) -> float | None:
    """Return user+system CPU seconds a process has used (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    url: str, grant: dict[str, Any], ids: list[str], fmt: str, clients: int
) -> tuple[float, float]:
    """Return (wall-clock messages.get/s, calls per emulator CPU-second)."""
    ctx = mp.get_context("fork")
    barrier = ctx.Manager().Barrier(clients)
    chunks = [ids[i::clients] for i in range(clients)]
    cpu_before = cpu_seconds(EMULATOR_PID[0])
    with ctx.Pool(clients) as pool:
        results = pool.map(worker, [(url, grant, c, fmt, barrier) for c in chunks])
    cpu_after = cpu_seconds(EMULATOR_PID[0])
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    elapsed = max(r[3] for r in results) - min(r[2] for r in results)
    if errors:
        print(f"  !! {errors} calls failed")
    used = (cpu_after - cpu_before) if cpu_before is not None and cpu_after is not None else 0
    return ok / elapsed, (ok / used if used else float("nan"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="best of N runs per format")
    parser.add_argument("--no-gzip", action="store_true")
    args = parser.parse_args()

    started = time.monotonic()
    proc, url = start_emulator(args.messages, ["--no-gzip"] if args.no_gzip else [])
    EMULATOR_PID[0] = proc.pid
    try:
        print(
            f"emulator at {url}: {args.messages} messages, ready in "
            f"{time.monotonic() - started:.1f}s"
        )
        email = get(f"{url}/_emulator/state")["accounts"][0]["email"]
        grant = post(f"{url}/_emulator/issue-tokens", {"email": email})
        ids = all_ids(url, grant)
        print(f"{len(ids)} ids listed; {args.clients} client processes, batches of {BATCH_SIZE}")
        worst = None
        for fmt in ("raw", "full"):
            runs = [measure(url, grant, ids, fmt, args.clients) for _ in range(args.rounds)]
            best, capacity = max(runs)
            worst = best if worst is None else min(worst, best)
            listed = ", ".join(f"{r:,.0f}" for r, _ in runs)
            print(
                f"format={fmt:<4}  {best:8,.0f} messages.get/s end to end (runs: {listed})  "
                f"ratio to goal {best / GOAL_PER_SECOND:.2f}x;  emulator alone: "
                f"{capacity:,.0f} gets per CPU-second"
            )
        time_searches(url, grant)
        stats = get(f"{url}/_emulator/stats")
        print(
            f"emulator counted {stats['batch_requests']} batch requests, "
            f"{stats['accounts'][email]['calls'].get('users.messages.get', 0)} messages.get"
        )
        assert worst is not None
        verdict = "PASS" if worst >= GOAL_PER_SECOND else "FAIL"
        print(f"{verdict}: slowest format {worst:,.0f}/s vs goal {GOAL_PER_SECOND:,.0f}/s")
        return 0 if verdict == "PASS" else 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
