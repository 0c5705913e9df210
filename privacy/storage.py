"""Where export files live: one private folder (0700), files 0600 under random names.

The path is never derived from the user or an id, and never appears in a URL: downloads go
through the owner's ``DataExport`` row.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings


def export_dir() -> Path:
    """Return the private export folder, created 0700 if missing."""
    folder = Path(settings.EXPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def new_file_name() -> str:
    return f"{secrets.token_urlsafe(32)}.zip"


def path_of(file_name: str) -> Path:
    """Return the file's path; a name that would leave the folder is refused."""
    if not file_name or "/" in file_name or file_name.startswith("."):
        raise ValueError("not an export file name")
    return export_dir() / file_name


def open_private(file_name: str) -> int:
    """Create the file 0600 (never readable by anyone else, even for a moment)."""
    return os.open(path_of(file_name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def remove(file_name: str) -> None:
    if file_name:
        path_of(file_name).unlink(missing_ok=True)
