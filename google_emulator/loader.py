"""Reading real mail into a mailbox: single ``.eml`` files, directories, mbox files."""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from pathlib import Path

EML_SUFFIXES = (".eml", ".msg", ".txt")
MBOX_SUFFIXES = (".mbox", ".mbx")


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() in MBOX_SUFFIXES:
        return True
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def read_messages(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """Yield the raw RFC 822 bytes of every message at ``path``.

    A file is an mbox if its suffix says so or it starts with a ``From `` line,
    otherwise one message.  A directory is walked recursively (sorted, so loading
    is deterministic) for ``.eml``/``.msg``/``.txt`` and mbox files.
    """
    root = Path(path)
    if root.is_dir():
        for child in sorted(p for p in root.rglob("*") if p.is_file()):
            if child.suffix.lower() in EML_SUFFIXES + MBOX_SUFFIXES:
                yield from read_messages(child)
        return
    if _is_mbox(root):
        box = mailbox.mbox(str(root), create=False)
        try:
            for key in box.iterkeys():
                yield box.get_bytes(key)
        finally:
            box.close()
        return
    yield root.read_bytes()
