"""``manage.py backup``: one consistent point in time of the whole database, as files.

Layout (what ``mongodump --gzip --out <folder>`` writes, so ``mongorestore --gzip`` reads it)::

    <BACKUP_DIR>/mailbox-20261204T231600123Z/
        <database>/<collection>.bson.gz            documents, BSON back to back
        <database>/<collection>.metadata.json.gz   options, indexes, uuid (extended JSON)
        manifest.json                              written last

With ``BACKUP_ENCRYPTION_KEY`` every data file is encrypted and named ``….gz.enc``
(``ops.streams``); ``manage.py restore --decrypt-to`` turns such a backup back into the plain
layout for ``mongorestore``.

Consistency: the built-in engine reads every collection in one snapshot session
(``start_session(snapshot=True)``): the first read fixes a cluster time and every later read
sees the database as it was then, so messages, checkpoints, analyses, applications and tokens
agree. MongoDB keeps a snapshot for ``minSnapshotHistoryWindowInSeconds`` (300 s by default);
a longer backup fails with SnapshotTooOld and must be retried or the window raised. The
mongodump engine has no such guarantee for a single database (``--oplog`` needs a whole-server
dump): it is offered for operators who want MongoDB's own tool.

Nobody sees a half-written backup: files go into ``.partial-<name>`` and the folder is renamed
to ``<name>`` only after the manifest is fsynced. A process killed at any point leaves at most
a ``.partial-*`` folder, which ``--list`` never shows, restore refuses, and retention removes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

from bson import json_util
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from bson.timestamp import Timestamp
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.database import Database

from ops import manifest as manifests
from ops.manifest import CollectionEntry, Manifest
from ops.progress import Output, Progress
from ops.streams import ENCRYPTED_SUFFIX, open_read, open_write
from ops.version import app_version

PARTIAL_PREFIX = ".partial-"
NAME_PREFIX = "mailbox-"
MIGRATIONS = "django_migrations"
BATCH = 1000
RAW = CodecOptions(document_class=RawBSONDocument)
EXTENDED_JSON = json_util.CANONICAL_JSON_OPTIONS


class BackupError(Exception):
    """The backup could not be made (the reason is in the message)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    seconds: float


def backup_name(now: datetime) -> str:
    return NAME_PREFIX + now.strftime("%Y%m%dT%H%M%S%f")[:-3] + "Z"


def create_backup(
    db: Database[dict[str, Any]],
    directory: Path,
    *,
    key: str | None,
    engine: str = "builtin",
    uri: str = "",
    out: Output | None = None,
) -> BackupResult:
    """Back up ``db`` into a new folder under ``directory``; return it with its manifest.

    A backup that fails removes its partial folder (one killed outright cannot: see above).
    """
    if engine not in {"builtin", "mongodump"}:
        raise BackupError(f"unknown engine {engine!r} (builtin or mongodump)")
    started = datetime.now(UTC)
    name = backup_name(started)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = directory / f"{PARTIAL_PREFIX}{name}"
    partial.mkdir(mode=0o700)
    try:
        return _complete(db, directory, partial, name, started, key, engine, uri, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def _complete(
    db: Database[dict[str, Any]],
    directory: Path,
    partial: Path,
    name: str,
    started: datetime,
    key: str | None,
    engine: str,
    uri: str,
    out: Output | None,
) -> BackupResult:
    (partial / db.name).mkdir(mode=0o700)
    if engine == "builtin":
        cluster_time, migrations, entries, seconds = _dump_builtin(db, partial, key, out)
    else:
        cluster_time, migrations, entries, seconds = _dump_mongodump(db, partial, key, uri, out)
    result = Manifest(
        database=db.name,
        created_at=started,
        finished_at=datetime.now(UTC),
        cluster_time={"t": cluster_time.time, "i": cluster_time.inc},
        engine=engine,
        app_version=app_version(),
        encrypted=bool(key),
        migrations=migrations,
        collections=entries,
    )
    manifests.fsync_dir(partial / db.name)
    manifests.write(partial, result)
    final = directory / name
    os.rename(partial, final)
    manifests.fsync_dir(directory)
    return BackupResult(final, result, seconds)


# --- The built-in engine: pymongo in one snapshot session -----------------------------------


def collection_infos(db: Database[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return listCollections entries of the real collections (no views, no system.*)."""
    infos = [
        dict(info)
        for info in db.list_collections(filter={"type": "collection"})
        if not str(info["name"]).startswith("system.")
    ]
    return sorted(infos, key=lambda info: str(info["name"]))


def _dump_builtin(
    db: Database[dict[str, Any]], folder: Path, key: str | None, out: Output | None
) -> tuple[Timestamp, list[str], list[CollectionEntry], float]:
    infos = collection_infos(db)
    progress = Progress(out, "backup", sum(db[i["name"]].estimated_document_count() for i in infos))
    with (
        db.client.start_session(snapshot=True) as session,
        ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="gzip") as pool,
    ):
        # The first read fixes the snapshot's cluster time for all later reads in the session.
        migrations = _applied_migrations(db, session)
        cluster_time = session.operation_time
        if cluster_time is None:
            raise BackupError("MongoDB gave no cluster time: is it a replica set?")
        entries = [
            _dump_collection(db, info, folder, key, session, progress, pool) for info in infos
        ]
    return cluster_time, migrations, entries, progress.finish()


def _applied_migrations(db: Database[dict[str, Any]], session: ClientSession | None) -> list[str]:
    rows = db[MIGRATIONS].find({}, {"app": 1, "name": 1, "_id": 0}, session=session)
    return sorted(f"{row['app']}.{row['name']}" for row in rows)


def _dump_collection(
    db: Database[dict[str, Any]],
    info: dict[str, Any],
    folder: Path,
    key: str | None,
    session: ClientSession,
    progress: Progress,
    pool: ThreadPoolExecutor,
) -> CollectionEntry:
    name = str(info["name"])
    collection = cast(Collection[RawBSONDocument], db.get_collection(name, codec_options=RAW))
    data_path, meta_path = data_paths(folder / db.name, name, encrypted=bool(key))
    count = 0
    with open_write(data_path, key, pool) as handle:
        cursor = collection.find({}, session=session, batch_size=BATCH)
        for document in cursor:
            handle.write(document.raw)
            count += 1
            if count % BATCH == 0:
                progress.advance(name, BATCH)
    progress.advance(name, count % BATCH)
    indexes = list(db[name].list_indexes())
    write_metadata(meta_path, key, name, info, indexes)
    progress.collection_done(name, count)
    return CollectionEntry(
        name=name,
        documents=count,
        data=manifests.file_entry(folder, data_path),
        metadata=manifests.file_entry(folder, meta_path),
        indexes=len(indexes),
    )


def data_paths(folder: Path, name: str, *, encrypted: bool) -> tuple[Path, Path]:
    """Return the (data, metadata) file paths of a collection, mongodump's names."""
    suffix = ENCRYPTED_SUFFIX if encrypted else ""
    return folder / f"{name}.bson.gz{suffix}", folder / f"{name}.metadata.json.gz{suffix}"


def write_metadata(
    path: Path, key: str | None, name: str, info: dict[str, Any], indexes: Iterable[Any]
) -> None:
    """Write mongodump's ``<collection>.metadata.json``: options, indexes, uuid, name."""
    uuid = info.get("info", {}).get("uuid")
    metadata = {
        "options": info.get("options", {}),
        "indexes": [{k: v for k, v in dict(index).items() if k != "ns"} for index in indexes],
        "uuid": bytes(uuid).hex() if uuid is not None else "",
        "collectionName": name,
        "type": "collection",
    }
    with open_write(path, key) as handle:
        handle.write(json_util.dumps(metadata, json_options=EXTENDED_JSON).encode())


# --- The mongodump engine ----------------------------------------------------------------------


def mongodump_available() -> bool:
    return shutil.which("mongodump") is not None and shutil.which("mongorestore") is not None


def _dump_mongodump(
    db: Database[dict[str, Any]], folder: Path, key: str | None, uri: str, out: Output | None
) -> tuple[Timestamp, list[str], list[CollectionEntry], float]:
    binary = shutil.which("mongodump")
    if binary is None:
        raise BackupError("--engine mongodump: mongodump is not on the PATH")
    progress = Progress(out, "backup", 1)
    hello = db.command("hello")
    cluster_time: Timestamp = hello["operationTime"]
    migrations = _applied_migrations(db, None)
    completed = subprocess.run(  # noqa: S603 (fixed binary, no shell)
        [binary, f"--uri={uri}", f"--db={db.name}", "--gzip", f"--out={folder}", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BackupError(f"mongodump failed: {completed.stderr.strip()[-500:]}")
    entries = [
        _entry_of_dumped(folder, db.name, path, key, progress)
        for path in sorted((folder / db.name).glob("*.bson.gz"))
    ]
    return cluster_time, migrations, entries, progress.finish()


def _entry_of_dumped(
    folder: Path, database: str, data: Path, key: str | None, progress: Progress
) -> CollectionEntry:
    name = data.name.removesuffix(".bson.gz")
    meta = data.with_name(f"{name}.metadata.json.gz")
    count = sum(1 for _ in iter_documents(data, None))
    indexes = len(read_metadata(meta, None).get("indexes", []))
    if key:
        data, meta = _encrypt_in_place(data, key), _encrypt_in_place(meta, key)
    for path in (data, meta):
        path.chmod(0o600)
    progress.collection_done(name, count)
    return CollectionEntry(
        name=name,
        documents=count,
        data=manifests.file_entry(folder, data),
        metadata=manifests.file_entry(folder, meta),
        indexes=indexes,
    )


def _encrypt_in_place(path: Path, key: str) -> Path:
    import gzip

    target = path.with_name(path.name + ENCRYPTED_SUFFIX)
    with gzip.open(path, "rb") as source, open_write(target, key) as sink:
        shutil.copyfileobj(source, sink, 1024 * 1024)
    path.unlink()
    return target


# --- Reading what a backup holds (also used by restore) ---------------------------------------


def iter_documents(path: Path, key: str | None) -> Iterable[RawBSONDocument]:
    """Yield the raw documents of a ``.bson`` / ``.bson.gz`` (``.enc``) file in order."""
    from bson import decode_file_iter

    with open_read(path, key) as handle:
        yield from decode_file_iter(cast(IO[bytes], _BinaryReader(handle)), codec_options=RAW)


def read_metadata(path: Path, key: str | None) -> dict[str, Any]:
    with open_read(path, key) as handle:
        value = json_util.loads(handle.read().decode())
    if not isinstance(value, dict):
        raise BackupError(f"{path.name}: metadata is not a JSON object")
    return value


class _BinaryReader:
    """``decode_file_iter`` wants ``read(n)``; wrap any of our streams to give exactly that."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def read(self, size: int) -> bytes:
        chunks = []
        while size > 0:
            chunk = self._handle.read(size)
            if not chunk:
                break
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)
