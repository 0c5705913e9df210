"""``manage.py restore``: put a backup back, refusing anything that could lose data silently.

Order: read the manifest (a folder without one is refused) → verify every file's size and
SHA-256 → check the migrations (a backup from newer code is refused) → check the target is
empty (else ``--drop``) → [``--dry-run`` stops here] → drop our database's collections (with
``--drop``; never another database) → create each collection with its options, insert its
documents → create its indexes (data first, so indexes are built once, in bulk) → compare
counts with the manifest → ``migrate`` if the backup is older than the code → clear the Redis
caches. A plain ``mongodump --gzip --out`` folder (no manifest) is read with
``from_mongodump_folder``; only its counts cannot be checked against anything.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bson.errors import InvalidBSON
from bson.raw_bson import RawBSONDocument
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import PyMongoError

from ops import manifest as manifests
from ops.backup import iter_documents, read_metadata
from ops.caches import ClearedCaches, clear_caches
from ops.manifest import Manifest
from ops.progress import Output, Progress
from ops.streams import ENCRYPTED_SUFFIX, BackupFileError, decrypt_file

INSERT_BATCH = 1000
INSERT_BYTES = 8 * 1024 * 1024
INSERT_THREADS = 4


class RestoreError(Exception):
    """The restore was refused or failed (the reason is in the message)."""


@dataclass(frozen=True)
class SourceCollection:
    name: str
    data: Path
    metadata: Path
    expected: int | None  # from the manifest; None for a bare mongodump folder


@dataclass(frozen=True)
class RestoreSource:
    root: Path
    database: str
    collections: list[SourceCollection]
    manifest: Manifest | None


@dataclass(frozen=True)
class CollectionResult:
    name: str
    expected: int | None
    restored: int
    indexes: int
    data_seconds: float = 0.0
    index_seconds: float = 0.0

    @property
    def matches(self) -> bool:
        return self.expected is None or self.expected == self.restored


@dataclass
class RestoreReport:
    source: RestoreSource
    dry_run: bool
    dropped: list[str] = field(default_factory=list)
    collections: list[CollectionResult] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)
    caches: ClearedCaches | None = None
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        return sum(c.restored for c in self.collections)


def from_backup(path: Path) -> RestoreSource:
    """Return a complete backup (a manifest) as a source; raise ``RestoreError`` otherwise."""
    try:
        manifest = manifests.read(path)
    except manifests.ManifestError as exc:
        raise RestoreError(str(exc)) from exc
    collections = [
        SourceCollection(c.name, path / c.data.path, path / c.metadata.path, expected=c.documents)
        for c in manifest.collections
    ]
    return RestoreSource(path, manifest.database, collections, manifest)


def from_mongodump_folder(path: Path) -> RestoreSource:
    """Return what ``mongodump --gzip --out <path>`` wrote (one database) as a source."""
    folders = [p for p in path.iterdir() if p.is_dir() and any(p.glob("*.bson*"))]
    if len(folders) != 1:
        raise RestoreError(f"{path}: expected one database folder, found {len(folders)}")
    folder = folders[0]
    collections = []
    for data in sorted(folder.glob("*.bson*")):
        name = data.name.removesuffix(ENCRYPTED_SUFFIX).removesuffix(".gz").removesuffix(".bson")
        suffix = data.name[len(name) + len(".bson") :]
        metadata = folder / f"{name}.metadata.json{suffix}"
        if not metadata.is_file():
            raise RestoreError(f"{data.name} has no {metadata.name} beside it")
        collections.append(SourceCollection(name, data, metadata, expected=None))
    return RestoreSource(path, folder.name, collections, None)


def restore(
    db: Database[dict[str, Any]],
    source: RestoreSource,
    *,
    key: str | None,
    drop: bool = False,
    dry_run: bool = False,
    migrate: bool = True,
    out: Output | None = None,
) -> RestoreReport:
    """Restore ``source`` into ``db``; raise ``RestoreError`` before any write if unsafe."""
    _check_files(source)
    _check_migrations(source)
    occupied = _occupied(db)
    if occupied and not drop:
        raise RestoreError(
            f"database {db.name!r} is not empty ({', '.join(occupied[:5])}"
            f"{', …' if len(occupied) > 5 else ''}): pass --drop to replace it"
        )
    report = RestoreReport(source, dry_run)
    if dry_run:
        _read_all_metadata(source, key)
        report.dropped = _existing(db) if drop else []
        return report
    # Read (and decrypt) every metadata file before anything is dropped: a missing or wrong
    # key, or damaged metadata, must not leave an emptied database behind.
    metadata = _read_all_metadata(source, key)
    report.dropped = _drop_all(db) if drop else []
    total = sum(c.expected or 0 for c in source.collections)
    progress = Progress(out, "restore", total)
    try:
        for collection in source.collections:
            report.collections.append(
                _restore_collection(db, collection, metadata[collection.name], key, progress)
            )
    except (BackupFileError, InvalidBSON) as exc:
        raise RestoreError(f"reading the backup failed midway: {exc}") from exc
    report.seconds = progress.finish()
    if migrate:
        report.migrated = _migrate()
    report.caches = clear_caches()
    return report


def _check_files(source: RestoreSource) -> None:
    if source.manifest is None:
        return
    problems = manifests.verify(source.root, source.manifest)
    if problems:
        raise RestoreError(
            "the backup is damaged; nothing was touched:\n  " + "\n  ".join(problems)
        )


def _check_migrations(source: RestoreSource) -> None:
    if source.manifest is None:
        return
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).graph.nodes}
    unknown = sorted(set(source.manifest.migrations) - known)
    if unknown:
        raise RestoreError(
            "the backup comes from newer code (migrations this code lacks: "
            f"{', '.join(unknown[:5])}); deploy that code first"
        )


def _existing(db: Database[dict[str, Any]]) -> list[str]:
    return sorted(n for n in db.list_collection_names() if not n.startswith("system."))


def _occupied(db: Database[dict[str, Any]]) -> list[str]:
    return [n for n in _existing(db) if db[n].find_one({}, {"_id": 1}) is not None]


def _drop_all(db: Database[dict[str, Any]]) -> list[str]:
    # Collections, not the database: the user's roles may be scoped to it, and only our own
    # database is ever touched.
    names = _existing(db)
    for name in names:
        db.drop_collection(name)
    return names


def _read_all_metadata(source: RestoreSource, key: str | None) -> dict[str, dict[str, Any]]:
    try:
        return {c.name: read_metadata(c.metadata, key) for c in source.collections}
    except (BackupFileError, ValueError) as exc:
        raise RestoreError(f"cannot read the backup; nothing was touched: {exc}") from exc


def _restore_collection(
    db: Database[dict[str, Any]],
    source: SourceCollection,
    metadata: dict[str, Any],
    key: str | None,
    progress: Progress,
) -> CollectionResult:
    options = dict(metadata.get("options") or {})
    try:
        db.command("create", source.name, **options)
    except PyMongoError as exc:
        raise RestoreError(f"cannot create {source.name}: {exc}") from exc
    collection = db[source.name]
    restored = 0
    started = time.perf_counter()
    # Batches are inserted by INSERT_THREADS at once while this thread reads the next ones:
    # decompressing and decoding overlap with MongoDB's writes (pymongo is thread-safe).
    pending: deque[tuple[Future[object], int]] = deque()
    with ThreadPoolExecutor(max_workers=INSERT_THREADS, thread_name_prefix="restore") as pool:
        for batch in _batches(iter_documents(source.data, key)):
            pending.append((pool.submit(_insert, collection, batch), len(batch)))
            while len(pending) > 2 * INSERT_THREADS or (pending and pending[0][0].done()):
                future, size = pending.popleft()
                future.result()
                restored += size
                progress.advance(source.name, size)
        while pending:
            future, size = pending.popleft()
            future.result()
            restored += size
            progress.advance(source.name, size)
    indexes = [
        {k: v for k, v in index.items() if k not in {"v", "ns"}}
        for index in metadata.get("indexes", [])
        if index.get("name") != "_id_"
    ]
    loaded = time.perf_counter()
    if indexes:
        db.command("createIndexes", source.name, indexes=indexes)
    progress.collection_done(source.name, restored)
    return CollectionResult(
        source.name,
        source.expected,
        restored,
        len(indexes),
        data_seconds=loaded - started,
        index_seconds=time.perf_counter() - loaded,
    )


def _insert(collection: Collection[dict[str, Any]], batch: list[RawBSONDocument]) -> object:
    return collection.insert_many(batch, ordered=False, bypass_document_validation=True)


def _batches(documents: Any) -> Iterator[list[RawBSONDocument]]:
    batch: list[RawBSONDocument] = []
    size = 0
    for document in documents:
        batch.append(document)
        size += len(document.raw)
        if len(batch) >= INSERT_BATCH or size >= INSERT_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _migrate() -> list[str]:
    """Apply the migrations the restored state lacks; return their names."""
    connection = connections["default"]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return []
    call_command("migrate", interactive=False, verbosity=0)
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def decrypt_to(source: RestoreSource, target: Path, key: str | None) -> Path:
    """Write ``source`` decrypted into ``target``, a plain ``mongodump --gzip --out`` folder.

    For ``mongorestore``, which cannot read our encrypted files. Checksums are verified first;
    the manifest is not copied (its checksums are of the encrypted files).
    """
    _check_files(source)
    if not key:
        raise RestoreError("--decrypt-to needs BACKUP_ENCRYPTION_KEY")
    if target.exists() and any(target.iterdir()):
        raise RestoreError(f"{target} is not empty")
    folder = target / source.database
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        for collection in source.collections:
            for path in (collection.data, collection.metadata):
                plain = folder / path.name.removesuffix(ENCRYPTED_SUFFIX)
                if path.name.endswith(ENCRYPTED_SUFFIX):
                    decrypt_file(path, plain, key)
                else:
                    plain.write_bytes(path.read_bytes())
                    plain.chmod(0o600)
    except BackupFileError as exc:
        raise RestoreError(f"cannot decrypt the backup: {exc}") from exc
    return target
