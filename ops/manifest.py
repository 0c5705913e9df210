"""The manifest: what a backup holds, written last, and the proof that it is complete.

A backup folder is offered for restore only when ``manifest.json`` exists and parses: it is
written after every data file is closed and fsynced, and the folder gets its final name only
after the manifest is on disk (see ``ops.backup``). Checksums are of the files as stored, so
they can be verified without the encryption key.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ops.streams import create_private, sha256_of

MANIFEST_NAME = "manifest.json"
FORMAT = 1


class ManifestError(Exception):
    """The manifest is missing, unreadable, or disagrees with the files beside it."""


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the backup folder, e.g. "mailbox/messages.bson.gz"
    size: int
    sha256: str


@dataclass(frozen=True)
class CollectionEntry:
    name: str
    documents: int
    data: FileEntry
    metadata: FileEntry
    indexes: int


@dataclass(frozen=True)
class Manifest:
    database: str
    created_at: datetime
    finished_at: datetime
    # The cluster time every collection was read at ({"t": seconds, "i": increment}).
    cluster_time: dict[str, int]
    engine: str
    app_version: str
    encrypted: bool
    # Applied migrations, "app.name", as the snapshot's django_migrations held them.
    migrations: list[str]
    collections: list[CollectionEntry] = field(default_factory=list)
    format: int = FORMAT

    @property
    def documents(self) -> int:
        return sum(entry.documents for entry in self.collections)

    @property
    def size(self) -> int:
        return sum(entry.data.size + entry.metadata.size for entry in self.collections)

    def files(self) -> list[FileEntry]:
        return [f for entry in self.collections for f in (entry.data, entry.metadata)]

    def to_json(self) -> str:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["finished_at"] = self.finished_at.isoformat()
        return json.dumps(data, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        try:
            data: dict[str, Any] = json.loads(text)
            if data.get("format") != FORMAT:
                raise ManifestError(f"unknown manifest format {data.get('format')!r}")
            collections = [
                CollectionEntry(
                    name=str(c["name"]),
                    documents=int(c["documents"]),
                    data=FileEntry(**c["data"]),
                    metadata=FileEntry(**c["metadata"]),
                    indexes=int(c["indexes"]),
                )
                for c in data["collections"]
            ]
            return cls(
                database=str(data["database"]),
                created_at=datetime.fromisoformat(data["created_at"]),
                finished_at=datetime.fromisoformat(data["finished_at"]),
                cluster_time={k: int(v) for k, v in data["cluster_time"].items()},
                engine=str(data["engine"]),
                app_version=str(data["app_version"]),
                encrypted=bool(data["encrypted"]),
                migrations=[str(m) for m in data["migrations"]],
                collections=collections,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ManifestError(f"unreadable manifest: {exc}") from exc


def write(folder: Path, manifest: Manifest) -> None:
    """Write ``manifest.json`` into ``folder`` (0600, fsynced, and the folder too)."""
    with create_private(folder / MANIFEST_NAME) as handle:
        handle.write(manifest.to_json().encode())
        handle.flush()
        os.fsync(handle.fileno())
    fsync_dir(folder)


def read(folder: Path) -> Manifest:
    """Return the folder's manifest, or raise ``ManifestError`` (no manifest = incomplete)."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(f"{folder} has no {MANIFEST_NAME}: an incomplete backup")
    return Manifest.from_json(path.read_text())


def verify(folder: Path, manifest: Manifest) -> list[str]:
    """Return what is wrong with the files (missing, size or SHA-256 differs); [] if sound."""
    problems: list[str] = []
    for entry in manifest.files():
        path = folder / entry.path
        if not path.is_file():
            problems.append(f"{entry.path}: missing")
        elif path.stat().st_size != entry.size:
            problems.append(
                f"{entry.path}: {path.stat().st_size} bytes, manifest says {entry.size}"
            )
        elif sha256_of(path) != entry.sha256:
            problems.append(f"{entry.path}: SHA-256 differs from the manifest")
    return problems


def file_entry(folder: Path, path: Path) -> FileEntry:
    return FileEntry(
        path=str(path.relative_to(folder)), size=path.stat().st_size, sha256=sha256_of(path)
    )


def fsync_dir(path: Path) -> None:
    """Make the directory's entries (new files, renames) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
