"""What storing mail costs MongoDB as the mailbox grows: indexing figures chunk by chunk.

    .venv/bin/python bench/index_writes.py [--messages 200000] [--chunk 10000]
        [--mongod-pidfile PATH]

Stores bench/vs_notmuch.py's corpus (the same generator and seed, kept in memory, no
Maildir) through the sync's own path (``mails.store.store_all``) into an emptied ``messages``
collection of ``MONGODB_NAME``, a chunk at a time, and prints for each chunk: messages per
second, mongod's CPU per message (read from ``/proc``: give ``--mongod-pidfile`` of a private
mongod, ``scripts/devservices.py start --data-dir D --mongo-port 27219 --mongo-cache-gb 4``),
this process's CPU per message, and WiredTiger's bytes written from its cache, pages
written, pages evicted by application threads, dirty bytes and bytes in the cache (from
``serverStatus``). Bytes written per chunk against the term index's size show how often each
page of the index is written again; the mongod's ``--wiredTigerEngineConfigString`` (its
dirty limits) is what an A/B of this script varies. Ends with a checkpoint (``fsync``) and
the totals.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# A database of its own: its messages collection is emptied (vs_notmuch.py keeps its own).
os.environ.setdefault("MONGODB_NAME", "mailbox_bench_index_writes")

from django.core.management import call_command

# Importing vs_notmuch sets Django up (against a private mongod at 27219 by default).
from bench import vs_notmuch
from mailbox_project.mongo import get_database
from mails import store


@dataclass(frozen=True)
class Cache:
    written: int
    pages_written: int
    evicted_by_app: int
    dirty: int
    in_cache: int


def cache_figures() -> Cache:
    stats: dict[str, Any] = get_database().client.admin.command("serverStatus")["wiredTiger"]
    cache = stats["cache"]
    return Cache(
        written=int(cache["bytes written from cache"]),
        pages_written=int(cache["pages written from cache"]),
        evicted_by_app=int(cache.get("pages evicted by application threads", 0)),
        dirty=int(cache["tracked dirty bytes in the cache"]),
        in_cache=int(cache["bytes currently in the cache"]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--mongod-pidfile", type=Path, help="a private mongod's pid file")
    args = parser.parse_args()
    pid = int(args.mongod_pidfile.read_text()) if args.mongod_pidfile else None
    if pid is None:
        print("no --mongod-pidfile: mongod's CPU is not counted")
    messages = [message for message, _ in vs_notmuch.generate(args.messages)]
    call_command("migrate", verbosity=0)  # the indexes fresh_collection recreates
    vs_notmuch.fresh_collection()
    state = vs_notmuch.owner_state()
    options = get_database().client.admin.command("getCmdLineOpts")["parsed"]
    engine = options.get("storage", {}).get("wiredTiger", {}).get("engineConfig", {})
    print(f"mongod engine config: {engine.get('configString', '(defaults)')}; cache "
          f"{engine.get('cacheSizeGB', '(default)')} GB")  # fmt: skip
    print(f"{'stored':>8} {'msg/s':>7} {'mongod ms/msg':>14} {'ours ms/msg':>12} "
          f"{'written MiB':>12} {'pages written':>14} {'app evictions':>14} "
          f"{'dirty MiB':>10} {'cache MiB':>10}")  # fmt: skip
    began, began_cpu = time.perf_counter(), time.process_time()
    began_server = vs_notmuch.mongod_cpu(pid)
    for start in range(0, len(messages), args.chunk):
        chunk = messages[start : start + args.chunk]
        before, server, ours = cache_figures(), vs_notmuch.mongod_cpu(pid), time.process_time()
        started = time.perf_counter()
        store.store_all(state, vs_notmuch.fetch_batches(chunk))
        seconds = time.perf_counter() - started
        after = cache_figures()
        per_message = 1000 / len(chunk)
        print(f"{start + len(chunk):>8,} {len(chunk) / seconds:>7,.0f} "
              f"{(vs_notmuch.mongod_cpu(pid) - server) * per_message:>14.2f} "
              f"{(time.process_time() - ours) * per_message:>12.2f} "
              f"{(after.written - before.written) / 2**20:>12,.0f} "
              f"{after.pages_written - before.pages_written:>14,} "
              f"{after.evicted_by_app - before.evicted_by_app:>14,} "
              f"{after.dirty / 2**20:>10,.0f} {after.in_cache / 2**20:>10,.0f}")  # fmt: skip
    get_database().client.admin.command("fsync")  # the data on disk, as vs_notmuch.py does
    seconds = time.perf_counter() - began
    print(f"total: {len(messages) / seconds:,.0f} msg/s, mongod CPU "
          f"{vs_notmuch.mongod_cpu(pid) - began_server:,.1f} s, ours "
          f"{time.process_time() - began_cpu:,.1f} s")  # fmt: skip
    sizes = vs_notmuch.mailbox_bytes()
    print(f"term index {sizes.term_index / 2**20:,.1f} MiB on disk")


if __name__ == "__main__":
    main()
