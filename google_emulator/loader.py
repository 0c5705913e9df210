"""Reading real mail into a mailbox: single ``.eml`` files, directories, mbox files."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

EML_SUFFIXES = (".eml", ".msg", ".txt")
MBOX_SUFFIXES = (".mbox", ".mbx")
BOM = b"\xef\xbb\xbf"
SNIFF_BYTES = 16 * 1024

# A header line: a field name of printable ASCII without a colon, then (RFC 5322's
# obsolete syntax allows it) optional blanks, then the colon.
_HEADER_LINE = re.compile(rb"^([!-9;-~]+)[ \t]*:")
# Files that sit beside mail in corpora and projects but are documentation.
_DOC_NAMES = re.compile(
    r"^(licen[cs]e|readme|copying|notice|authors|changelog|changes|contributing)\b", re.I
)
# Field names that only mail carries: a README or licence with a "Note:" line has none.
_MAIL_FIELDS = frozenset(
    b"from to cc subject date message-id received return-path mime-version content-type "
    b"delivered-to reply-to sender x-mailer".split()
)


def _strip_bom(data: bytes) -> bytes:
    return data[len(BOM) :] if data.startswith(BOM) else data


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() in MBOX_SUFFIXES:
        return True
    with path.open("rb") as handle:
        return _strip_bom(handle.read(len(BOM) + 5)).startswith(b"From ")


def looks_like_mail(head: bytes) -> bool:
    """Return True if ``head`` (a file's first bytes) starts with a mail header block.

    Directory walks use it so that a licence, README or other documentation file that
    sits beside a corpus's ``.txt`` messages is not delivered as mail.
    """
    head = _strip_bom(head).lstrip(b" \t\r\n")
    if head.startswith(b"From "):
        return True
    lines = re.split(rb"\r?\n", head)
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    for line in lines:
        if not line.strip():
            break
        match = _HEADER_LINE.match(line)
        if match and match.group(1).lower() in _MAIL_FIELDS:
            return True
    return False


def split_mbox(data: bytes) -> Iterator[bytes]:
    """Yield the messages of an mbox (mboxo: every ``From `` line starts one).

    A leading byte-order mark is ignored; like Python's :mod:`mailbox`, the blank line
    that separates a message from the next ``From `` line is not part of the message.
    """
    current: list[bytes] | None = None
    for line in _strip_bom(data).splitlines(keepends=True):
        if line.startswith(b"From "):
            if current is not None:
                yield _finish_mbox_message(current)
            current = []
        elif current is not None:
            current.append(line)
    if current is not None:
        yield _finish_mbox_message(current)


def _finish_mbox_message(lines: list[bytes]) -> bytes:
    if lines and not lines[-1].strip(b"\r\n"):
        lines = lines[:-1]
    return b"".join(lines)


def mail_files(root: Path) -> Iterator[Path]:
    """Yield, sorted, the files under ``root`` that a directory load reads as mail."""
    for child in sorted(p for p in root.rglob("*") if p.is_file()):
        if child.suffix.lower() not in EML_SUFFIXES + MBOX_SUFFIXES:
            continue
        if _DOC_NAMES.match(child.name):
            with child.open("rb") as handle:
                if not looks_like_mail(handle.read(SNIFF_BYTES)):
                    continue
        yield child


def read_messages(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """Yield the raw RFC 822 bytes of every message at ``path``.

    A file is an mbox if its suffix says so or it starts (after an optional byte-order
    mark) with a ``From `` line, otherwise one message.  A directory is walked
    recursively (sorted, so loading is deterministic) for ``.eml``/``.msg``/``.txt`` and
    mbox files, leaving out licence/README-style files that do not start like mail; a
    file named explicitly is always read.
    """
    root = Path(path)
    if root.is_dir():
        for child in mail_files(root):
            yield from read_messages(child)
        return
    if _is_mbox(root):
        yield from split_mbox(root.read_bytes())
        return
    yield root.read_bytes()
