"""Backup and restore throughput on 100,000 messages, beside a plain find() scan of the same data.

    .venv/bin/python bench/backup.py [--messages 100000] [--rebuild]

The mailbox (bench/mailgen.py, stored through the sync's own store path) lives in the database
``BENCH_BACKUP_DB`` (default ``mailbox_bench_backup``) and is kept between runs; restores go into
``<that name>_restore``, whose collections are the only ones this script ever drops. Prints,
measured in this run:
  - a plain ``find()`` scan of every collection (raw BSON, batch 1000): docs/s and MB/s — the
    floor any pymongo backup pays;
  - ``backup`` (built-in engine, one snapshot session), unencrypted and encrypted: docs/s,
    MB/s of BSON read, the size on disk, and the ratio to the scan;
  - ``restore`` of the encrypted backup (data, then indexes): docs/s, MB/s;
  - ``mongodump --gzip`` of the same database when the binary is on the PATH;
  - the admin System page's figures (``ops.stats.collect``) on this database: time and MongoDB
    round trips.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
os.environ["MONGODB_NAME"] = os.environ.get("BENCH_BACKUP_DB", "mailbox_bench_backup")
os.environ.setdefault("MONGODB_URI", "mongodb://127.0.0.1:27019/?replicaSet=rs0")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("CACHE_KEY_PREFIX", "bench-backup")
import django  # noqa: E402

import mailbox_project.testenv  # noqa: E402,F401  (test defaults for the rest of the environment)

django.setup()

from bson import ObjectId  # noqa: E402
from bson.raw_bson import RawBSONDocument  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from pymongo import MongoClient, monitoring  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.mailgen import MailboxFactory, Person, Vocabulary  # noqa: E402
from mailbox_project.mongo import get_database  # noqa: E402
from mails.gmail import FetchResult  # noqa: E402
from mails.models import SyncState  # noqa: E402
from mails.store import store_fetched  # noqa: E402
from ops.backup import RAW, collection_infos, create_backup  # noqa: E402
from ops.restore import from_backup, restore  # noqa: E402
from ops.stats import collect  # noqa: E402

SEED = 20261204
SEED_MESSAGES = 5_000
OWNER = Person("Backup Bench", "backup@bench.test")


def build(count: int, rebuild: bool) -> None:
    """Store ``SEED_MESSAGES`` through the sync's store path, then copy them up to ``count``.

    Parsing and indexing 100,000 messages takes many minutes on a shared 2-core machine; the
    copies are the stored documents themselves with new ids, so sizes and shapes are real.
    """
    call_command("migrate", verbosity=0)
    db = get_database()
    wanted = {"_id": "backup", "seed": SEED, "count": count}
    stored = db["messages"].estimated_document_count()
    if not rebuild and (db["bench_meta"].find_one(wanted) or stored >= count):
        # (A build interrupted after its last copy is as good as a finished one.)
        print(f"reusing the stored mailbox ({stored:,} messages)")
        db["bench_meta"].update_one({"_id": "backup"}, {"$set": wanted}, upsert=True)
        return
    User.objects.filter(email=OWNER.address).delete()
    db["messages"].delete_many({})
    db["bench_meta"].delete_many({})
    user = User.objects.create_user(email=OWNER.address, name=OWNER.name)
    state, _ = SyncState.objects.get_or_create(user=user)
    factory = MailboxFactory(SEED, OWNER, Vocabulary(__import__("random").Random(SEED), 30_000),
                             int(time.time() * 1000))  # fmt: skip
    started = time.perf_counter()
    seeded = min(count, SEED_MESSAGES)
    for batch in factory.batches(seeded, 500):
        store_fetched(state, FetchResult(messages={m["id"]: m for m in batch}))
    originals = list(db["messages"].find({}))
    copies = 0
    while seeded + copies < count:
        batch = []
        for document in originals[: count - seeded - copies]:
            batch.append({**document, "_id": ObjectId(), "gmail_id": f"c{copies:07d}"})
            copies += 1
        db["messages"].insert_many(batch)
    print(f"stored {seeded:,} messages and {copies:,} copies in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    db["bench_meta"].insert_one(wanted)


def scan() -> tuple[int, int, float]:
    """Return (documents, BSON bytes, seconds) of a plain find() over every collection."""
    db = get_database()
    documents = size = 0
    started = time.perf_counter()
    for info in collection_infos(db):
        collection = db.get_collection(info["name"], codec_options=RAW)
        for document in collection.find({}, batch_size=1000):
            assert isinstance(document, RawBSONDocument)
            documents += 1
            size += len(document.raw)
    return documents, size, time.perf_counter() - started


def line(name: str, documents: int, size: int, seconds: float, extra: str = "") -> None:
    print(f"{name:28} {documents:>9,} docs {seconds:7.2f} s  {documents / seconds:>9,.0f} docs/s"
          f"  {size / 1e6 / seconds:7.1f} MB/s{extra}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    build(args.messages, args.rebuild)
    db = get_database()
    target = db.client[f"{db.name}_restore"]
    key = Fernet.generate_key().decode()
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as folder:
        documents, size, scan_s = scan()
        print(f"database {db.name}: {documents:,} documents, {size / 1e6:,.0f} MB of BSON")
        line("find() scan", documents, size, scan_s)
        for name, secret in (("backup (plain)", None), ("backup (encrypted)", key)):
            result = create_backup(db, Path(folder), key=secret)
            on_disk = f"  {result.manifest.size / 1e6:6.1f} MB on disk"
            ratio = f"  {result.seconds / scan_s:4.2f}x the scan"
            line(name, result.manifest.documents, size, result.seconds, on_disk + ratio)
        report = restore(target, from_backup(result.path), key=key, drop=True, migrate=False)
        line("restore (encrypted)", report.documents, size, report.seconds,
             f"  {report.seconds / scan_s:4.2f}x the scan")  # fmt: skip
        data_s = sum(c.data_seconds for c in report.collections)
        index_s = sum(c.index_seconds for c in report.collections)
        rate = report.documents / data_s
        print(f"  of which reading + inserting {data_s:.1f} s ({rate:,.0f} docs/s), "
              f"building indexes {index_s:.1f} s")  # fmt: skip
        for name in target.list_collection_names():
            target.drop_collection(name)
        mongodump = shutil.which("mongodump")
        if mongodump:
            started = time.perf_counter()
            subprocess.run([mongodump, f"--uri={settings.MONGODB_URI}", f"--db={db.name}",
                            "--gzip", f"--out={folder}/dump", "--quiet"], check=True)  # fmt: skip
            line("mongodump --gzip", documents, size, time.perf_counter() - started)
        else:
            print("mongodump is not on the PATH: compared with the find() scan above instead")
    system_page(db.name)


class _Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.count += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def system_page(name: str) -> None:
    listener = _Commands()
    client: MongoClient[dict[str, Any]] = MongoClient(
        settings.MONGODB_URI, event_listeners=[listener]
    )
    timings = []
    for _ in range(5):
        listener.count = 0
        figures = collect(client[name])
        timings.append(figures.seconds)
        assert not figures.errors, figures.errors
    assert figures.mongo is not None
    messages = next(c for c in figures.mongo.collections if c.name == "messages")
    print(f"System page figures on {messages.documents:,} messages: median "
          f"{statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms, "
          f"{listener.count} MongoDB round trips")  # fmt: skip


if __name__ == "__main__":
    main()
