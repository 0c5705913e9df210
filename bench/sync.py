"""Sync benchmark against the Google emulator (run in its own process, with its own GIL).

    .venv/bin/python bench/sync.py [--quota-messages 3000] [--unbounded-messages 10000]

Needs the test services (`python scripts/devservices.py start --data-dir .data/test
--mongo-port 27018`). Prints, measured in this run:
  (a) quota-bound: a full sync at Gmail's 250 units/s; messages/s and the ratio to the quota's
      ceiling of 50 messages/s (messages.get costs 5 units); goal >= 0.9;
  (b) unbounded: quota off everywhere; messages/s end to end (fetch + parse + store);
      goal >= 1,000/s on a 2-core machine;
  (c) push to stored: web server, Celery worker and webhook running; p50/p95 latency from a
      delivery at the emulator to the message in MongoDB;
  (d) granted below configured (--granted-messages 2000, the "granted" section): the app at
      250 units/s, the emulator granting 50, 100 and 250, with and without 5% injected 5xx; per
      run the achieved units/s (as the emulator charged them) / the granted ceiling (goal >=
      0.85) and the share of calls refused with 429 (goal <= 2%). Each run is a new user, so
      the quota is learned from scratch.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
os.environ["MONGODB_NAME"] = os.environ.get("BENCH_MONGODB_NAME", "mailbox_bench_sync")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/8")
import mailbox_project.testenv  # noqa: E402,F401  (test defaults for the rest of the environment)

QUOTA_CEILING_MESSAGES = 250 / 5
# Child processes (emulator, web server, worker) log here, for when a run goes wrong.
LOG = open(os.environ.get("BENCH_LOG", os.devnull), "ab")  # noqa: SIM115


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise SystemExit(f"timed out waiting for {what}")


@contextmanager
def process(command: list[str], env: dict[str, str] | None = None) -> Any:
    proc = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {})},
        stdout=LOG, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextmanager
def emulator(
    messages: int, quota: int, push_url: str = "", push_token: str = "", fault_rate: float = 0.0
) -> Any:
    port = free_port()
    command = [
        sys.executable, "-m", "google_emulator", "--port", str(port), "--accounts", "1",
        "--messages", str(messages), "--seed", "11", "--quota-units-per-second", str(quota),
        "--fault-rate", str(fault_rate),
    ]  # fmt: skip
    if push_url:
        command += ["--push-url", push_url, "--push-token", push_token]
    with process(command):
        url = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return bool(get(f"{url}/_emulator/state"))
            except OSError:
                return False

        wait_for(up, 120, "the emulator")
        yield url


def setup_django(emulator_url: str, quota: int) -> Any:
    import django

    os.environ["GOOGLE_EMULATOR_URL"] = emulator_url
    os.environ["GMAIL_QUOTA_UNITS_PER_SECOND"] = str(quota)
    django.setup()
    from django.conf import settings

    settings.GOOGLE_EMULATOR_URL = emulator_url
    settings.GMAIL_API_ROOT = emulator_url
    settings.GOOGLE_TOKEN_URL = f"{emulator_url}/token"
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = quota
    from django.core.management import call_command

    from mailbox_project.mongo import get_database

    get_database().client.drop_database(settings.DATABASES["default"]["NAME"])
    call_command("migrate", verbosity=0)
    from mailbox_project.celery import settle_heap

    settle_heap()  # as a worker's pool process does once started: the syncs run there
    return settings


def signed_up_user(emulator_url: str) -> Any:
    from accounts import google as google_oauth
    from accounts.models import User

    state = get(f"{emulator_url}/_emulator/state")
    email = state["accounts"][0]["email"]
    # Each section's emulator has the same first account: start from a clean slate.
    User.objects.filter(email=email).delete()
    user = User.objects.create_user(email=email)
    google_oauth.store_tokens(
        user, post(f"{emulator_url}/_emulator/issue-tokens", {"email": email})
    )
    return user


def full_sync(user: Any) -> tuple[int, float]:
    from mails import sync
    from mails.models import Message

    began = time.perf_counter()
    result = sync.sync_step(user)
    while result.more:
        result = sync.sync_step(user)
    return Message.objects.filter(user=user).count(), time.perf_counter() - began


def switch_emulator(settings: Any, url: str, quota: int) -> None:
    settings.GOOGLE_EMULATOR_URL = settings.GMAIL_API_ROOT = url
    settings.GOOGLE_TOKEN_URL = f"{url}/token"
    settings.GMAIL_QUOTA_UNITS_PER_SECOND = quota


def bench_quota(settings: Any, count: int) -> None:
    with emulator(count, 250) as url:
        switch_emulator(settings, url, 250)
        user = signed_up_user(url)
        stored, seconds = full_sync(user)
        stats = get(f"{url}/_emulator/stats")
    account = next(iter(stats["accounts"].values()))
    calls = sum(account["calls"].values())
    rate = stored / seconds
    print(
        f"(a) quota-bound: {stored} messages in {seconds:.1f}s = {rate:.1f} msg/s; "
        f"ratio to the 50 msg/s ceiling {rate / QUOTA_CEILING_MESSAGES:.3f} (goal >= 0.9); "
        f"429s {account['rate_limited']} of {calls} calls "
        f"({100 * account['rate_limited'] / max(1, calls):.2f}%, goal <= 1%)"
    )


def bench_granted(settings: Any, count: int) -> None:
    configured = 250
    for fault_rate in (0.0, 0.05):
        for granted in (50, 100, 250):
            with emulator(count, granted, fault_rate=fault_rate) as url:
                switch_emulator(settings, url, configured)
                user = signed_up_user(url)
                stored, seconds = full_sync(user)
                account = next(iter(get(f"{url}/_emulator/stats")["accounts"].values()))
            calls = sum(account["calls"].values())
            ratio = account["quota_units"] / seconds / granted
            useful = stored * 5 / seconds / granted
            refused = 100 * account["rate_limited"] / max(1, calls)
            print(
                f"(d) granted {granted:3d} u/s (app at {configured}), {fault_rate:.0%} 5xx: "
                f"{stored} messages in {seconds:.1f}s; units/s / ceiling {ratio:.3f} "
                f"(goal >= 0.85; messages alone {useful:.3f}); 429s {account['rate_limited']} "
                f"of {calls} calls = {refused:.2f}% (goal <= 2%)",
                flush=True,
            )


def bench_unbounded(settings: Any, count: int) -> None:
    with emulator(count, 0) as url:
        switch_emulator(settings, url, 0)
        user = signed_up_user(url)
        cpu = time.process_time()
        stored, seconds = full_sync(user)
        cpu = time.process_time() - cpu
    # The sync's own CPU (all its threads) per message: unlike msg/s, it barely moves with
    # what else the machine runs, so it is the figure to compare changes by on a busy host.
    print(
        f"(b) unbounded: {stored} messages in {seconds:.1f}s = {stored / seconds:.0f} msg/s "
        f"end to end (goal >= 1,000/s); ratio to goal {stored / seconds / 1000:.2f}; "
        f"sync process CPU {1000 * cpu / max(1, stored):.2f} ms/msg; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


def bench_push(settings: Any, deliveries: int = 20) -> None:
    from django.utils import timezone

    from accounts.models import User
    from mails import tasks, watching
    from mails.models import Message, SyncState

    web_port = free_port()
    token = "bench-push-token"
    with emulator(50, 250, f"http://127.0.0.1:{web_port}/mails/push/", token) as url:
        switch_emulator(settings, url, 250)
        settings.PUSH_WEBHOOK_TOKEN = token
        child_env = {
            "GOOGLE_EMULATOR_URL": url,
            "PUSH_WEBHOOK_TOKEN": token,
            "SYNC_INTERVAL": "300",
            "MONGODB_NAME": settings.DATABASES["default"]["NAME"],
        }
        web = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{web_port}", "--noreload"]
        worker = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mailbox_project",
            "worker",
            "-Q",
            "sync,analysis,maintenance",
            "-c",
            "2",
            "--without-gossip",
            "--without-mingle",
        ]
        with process(web, child_env), process(worker, child_env):
            user = signed_up_user(url)
            User.objects.filter(pk=user.pk).update(last_seen_at=timezone.now())
            tasks.start_sync(user.pk)
            wait_for(
                lambda: SyncState.objects.filter(user=user, phase="partial").exists(),
                120,
                "first sync",
            )
            watching.watch(user)
            latencies = []
            for _ in range(deliveries):
                began = time.monotonic()
                body = {"email": user.email, "kind": "job"}
                message_id = post(f"{url}/_emulator/deliver", body)["id"]
                arrived = Message.objects.filter(user=user, gmail_id=message_id)
                wait_for(
                    arrived.exists,
                    30,
                    "push",
                )
                latencies.append(time.monotonic() - began)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(
        f"(c) push to stored over {deliveries} deliveries: "
        f"p50 {statistics.median(latencies):.3f}s, "
        f"p95 {p95:.3f}s (goal p95 <= 2s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quota-messages", type=int, default=3000)
    parser.add_argument("--unbounded-messages", type=int, default=10000)
    parser.add_argument("--granted-messages", type=int, default=2000)
    sections = ["quota", "unbounded", "push", "granted"]
    parser.add_argument("--skip", nargs="*", default=[], choices=sections)
    parser.add_argument("--only", nargs="*", default=[], choices=sections)
    args = parser.parse_args()
    if args.only:
        args.skip = [section for section in sections if section not in args.only]
    settings = setup_django("http://127.0.0.1:9", 250)
    if "unbounded" not in args.skip:
        bench_unbounded(settings, args.unbounded_messages)
    if "quota" not in args.skip:
        bench_quota(settings, args.quota_messages)
    if "push" not in args.skip:
        bench_push(settings)
    if "granted" not in args.skip:
        bench_granted(settings, args.granted_messages)
    from mailbox_project.mongo import get_database

    get_database().client.drop_database(settings.DATABASES["default"]["NAME"])


if __name__ == "__main__":
    main()
