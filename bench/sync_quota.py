"""Full sync at Gmail's quota: how much of the ceiling it uses, and how many calls are refused.

    .venv/bin/python bench/sync_quota.py [--messages 3000] [--runs 3] [--skip lowered]
        [--gyb PATH-TO-A-GOT-YOUR-BACK-CHECKOUT]

Needs MongoDB and Redis as bench/sync.py does (same environment variables). Each run starts an
emulator granting ``--quota`` units/s per user (Gmail's per-user limit is 250; messages.get costs
5), signs up a new user (nothing learned yet) and runs the full sync to the end. Prints, per run
and as median with the spread (min–max) over the runs, all measured in this process:
  - at the quota (app configured = emulator's quota): messages/s and its ratio to the messages
    ceiling (quota / 5), the units the emulator charged per second / the quota (the ceiling;
    goal >= 0.99), the same against the strict ceiling (the emulator's bucket starts full,
    so quota x (seconds + 1) units could be granted at most), and the share of calls refused
    with 429 (goal <= 1%);
  - with ``--gyb``: GYB's backup of the same mailbox (bench/gyb_emulated.py), alternating with
    ours run by run, measured the same way from the emulator's counters; and the ratio of the
    two (ours / GYB's messages/s);
  - lowered mid-sync: the emulator's quota drops to ``--lowered`` once a third of the messages
    is stored; every message must still arrive; the units/s after the drop / the lowered quota
    and the 429 share show how fast and how cleanly the pacing converged.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# bench.sync sets the environment (database, Redis, test defaults) before Django loads.
from bench.sync import (
    emulator,
    full_sync,
    get,
    post,
    setup_django,
    signed_up_user,
    switch_emulator,
)

MESSAGES_GET_UNITS = 5


@dataclass(frozen=True)
class Run:
    """One full sync as the emulator and the database saw it."""

    stored: int
    total: int
    seconds: float
    units: int
    calls: int
    refused: int
    quota: float

    @property
    def msg_ratio(self) -> float:
        return self.stored / self.seconds / (self.quota / MESSAGES_GET_UNITS)

    @property
    def units_ratio(self) -> float:
        return self.units / self.seconds / self.quota

    @property
    def strict_ratio(self) -> float:
        return self.units / ((self.seconds + 1) * self.quota)

    @property
    def refused_share(self) -> float:
        return self.refused / max(1, self.calls)


def account_stats(url: str) -> dict[str, Any]:
    stats: dict[str, Any] = next(iter(get(f"{url}/_emulator/stats")["accounts"].values()))
    return stats


def run_at_quota(settings: Any, messages: int, quota: int) -> Run:
    with emulator(messages, quota) as url:
        switch_emulator(settings, url, quota)
        user = signed_up_user(url)
        stored, seconds = full_sync(user)
        stats = account_stats(url)
    calls = sum(stats["calls"].values())
    return Run(stored, messages, seconds, stats["quota_units"], calls, stats["rate_limited"], quota)


def run_gyb(settings: Any, messages: int, quota: int, checkout: Path) -> Run:
    """GYB's backup of the same mailbox at the same quota (its own bucket, batches, retries)."""
    with emulator(messages, quota) as url:
        email = get(f"{url}/_emulator/state")["accounts"][0]["email"]
        token = post(f"{url}/_emulator/issue-tokens", {"email": email})["access_token"]
        runner = Path(__file__).resolve().parent / "gyb_emulated.py"
        done = subprocess.run(
            [sys.executable, str(runner), url, email, token],
            cwd=checkout, capture_output=True, text=True, timeout=3600, check=True,
        )  # fmt: skip
        seconds = float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])
        stats = account_stats(url)
    calls = sum(stats["calls"].values())
    stored = stats["calls"].get("users.messages.get", 0) - stats["rate_limited"]
    return Run(stored, messages, seconds, stats["quota_units"], calls, stats["rate_limited"], quota)


def when_stored(user: Any, count: int, action: Callable[[], None]) -> threading.Thread:
    """Call ``action`` once ``count`` of the user's messages are stored (a watcher thread)."""
    from mails.models import Message

    def watch() -> None:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if Message.objects.filter(user=user).count() >= count:
                action()
                return
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def run_lowered(settings: Any, messages: int, quota: int, lowered: int) -> Run:
    """Return the run's figures after the drop (units, seconds, 429s counted from the drop)."""
    with emulator(messages, quota) as url:
        switch_emulator(settings, url, quota)
        user = signed_up_user(url)
        at_drop: dict[str, Any] = {}

        def drop() -> None:
            from mails.models import Message

            post(f"{url}/_emulator/quota", {"units_per_second": lowered})
            stored = Message.objects.filter(user=user).count()
            at_drop.update(account_stats(url), at=time.perf_counter(), stored=stored)

        watcher = when_stored(user, messages // 3, drop)
        stored, _ = full_sync(user)
        ended = time.perf_counter()
        watcher.join(5)
        stats = account_stats(url)
    calls = sum(stats["calls"].values()) - sum(at_drop["calls"].values())
    # Counted from the drop: the messages, units and calls of the run's lowered part.
    return Run(
        stored - at_drop["stored"], messages - at_drop["stored"], ended - at_drop["at"],
        stats["quota_units"] - at_drop["quota_units"], calls,
        stats["rate_limited"] - at_drop["rate_limited"], lowered,
    )  # fmt: skip


def spread(values: list[float], fmt: str = ".3f") -> str:
    return (
        f"median {statistics.median(values):{fmt}} "
        f"(min {min(values):{fmt}}, max {max(values):{fmt}}, n={len(values)})"
    )


def summarise(label: str, runs: list[Run]) -> None:
    for field, fmt in [
        ("msg_ratio", ".3f"),
        ("units_ratio", ".3f"),
        ("strict_ratio", ".3f"),
        ("refused_share", ".4f"),
    ]:
        print(f"  {label} {field}: {spread([getattr(run, field) for run in runs], fmt)}")


def print_run(label: str, index: int, run: Run) -> None:
    rate = run.stored / run.seconds
    print(
        f"{label} run {index}: {run.stored}/{run.total} stored in {run.seconds:.1f}s = "
        f"{rate:.1f} msg/s; msgs/ceiling {run.msg_ratio:.3f}; units/s / quota "
        f"{run.units_ratio:.3f} (goal >= 0.99; strict {run.strict_ratio:.3f}); 429s "
        f"{run.refused} of {run.calls} calls = {100 * run.refused_share:.2f}% (goal <= 1%)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quota", type=int, default=250)
    parser.add_argument("--lowered", type=int, default=100)
    parser.add_argument("--lowered-messages", type=int, default=1500)
    parser.add_argument("--gyb", type=Path, help="a got-your-back checkout (not on PyPI)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["quota", "lowered"])
    args = parser.parse_args()
    settings = setup_django("http://127.0.0.1:9", args.quota)
    if "quota" not in args.skip:
        runs, gyb = [], []
        for index in range(1, args.runs + 1):
            runs.append(run_at_quota(settings, args.messages, args.quota))
            print_run(f"at {args.quota} u/s", index, runs[-1])
            if args.gyb:
                gyb.append(run_gyb(settings, args.messages, args.quota, args.gyb))
                print_run(f"GYB at {args.quota} u/s", index, gyb[-1])
        summarise("at quota", runs)
        if gyb:
            summarise("GYB", gyb)
            ratios = [
                ours.msg_ratio / theirs.msg_ratio for ours, theirs in zip(runs, gyb, strict=True)
            ]
            print(f"  ours / GYB messages/s, run by run: {spread(ratios)}")
    if "lowered" not in args.skip:
        lowered = []
        for index in range(1, args.runs + 1):
            run = run_lowered(settings, args.lowered_messages, args.quota, args.lowered)
            print_run(f"lowered {args.quota}->{args.lowered} u/s (after the drop)", index, run)
            lowered.append(run)
        summarise("lowered", lowered)
        lost = [run.total - run.stored for run in lowered]  # total: what was left at the drop
        print(f"  lowered: messages not stored per run {lost} (goal: all 0)")
    from mailbox_project.mongo import get_database

    get_database().client.drop_database(settings.DATABASES["default"]["NAME"])


if __name__ == "__main__":
    main()
