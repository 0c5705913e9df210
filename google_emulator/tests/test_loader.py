"""``--load-eml`` reads what is mail in a file, an mbox or a directory, and nothing else."""

from __future__ import annotations

import mailbox
from pathlib import Path

from google_emulator.loader import BOM, looks_like_mail, read_messages

FIRST = b"From: ann@example.com\nSubject: one\n\nfirst body\n"
SECOND = b"From: bob@example.com\nSubject: two\n\nsecond body\nFrom the sea\n"
MBOX = (
    b"From ann@example.com Thu Jan  1 00:00:00 2026\n"
    + FIRST
    + b"\nFrom bob@example.com Thu Jan  1 00:00:01 2026\n"
    + SECOND
)


def test_an_mbox_that_starts_with_a_byte_order_mark_is_split(tmp_path: Path) -> None:
    path = tmp_path / "box.txt"
    path.write_bytes(BOM + MBOX)
    messages = list(read_messages(path))
    assert len(messages) == 3  # mboxo: "From the sea" starts a message, as in mailbox
    assert messages[0] == FIRST
    assert not messages[0].startswith(BOM)


def test_mbox_splitting_agrees_with_the_mailbox_module(tmp_path: Path) -> None:
    path = tmp_path / "box.mbox"
    path.write_bytes(MBOX)
    box = mailbox.mbox(str(path), create=False)
    try:
        expected = [box.get_bytes(key) for key in box.iterkeys()]
    finally:
        box.close()
    assert list(read_messages(path)) == expected


def test_a_directory_walk_leaves_out_licence_and_readme_files(tmp_path: Path) -> None:
    (tmp_path / "msg_01.txt").write_bytes(FIRST)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "two.eml").write_bytes(SECOND)
    (tmp_path / "LICENSE.txt").write_bytes(b"MIT License\n\nCopyright (c) 2026 Someone\n")
    (tmp_path / "README.txt").write_bytes(b"Note: these files are test mail.\n")
    (tmp_path / "LICENSE").write_bytes(b"Apache License\n")
    assert list(read_messages(tmp_path)) == [FIRST, SECOND]


def test_a_readme_that_is_mail_and_a_named_file_are_still_read(tmp_path: Path) -> None:
    readme = tmp_path / "readme-message.eml"
    readme.write_bytes(b"\r\n  \r\nDelivered-To: x@example.com\r\nSubject: hi\r\n\r\nbody")
    assert list(read_messages(tmp_path)) == [readme.read_bytes()]
    notes = tmp_path / "README.txt"
    notes.write_bytes(b"Note: not mail\n")
    assert list(read_messages(notes)) == [b"Note: not mail\n"]


def test_looks_like_mail_needs_a_mail_field_in_the_header_block() -> None:
    assert looks_like_mail(b"Received: from x\r\nFrom : obsolete@example.com\r\n\r\n")
    assert looks_like_mail(BOM + b"From someone Thu Jan  1 00:00:00 2026\n")
    assert not looks_like_mail(b"Note: this is documentation\nTitle: x\n\nFrom: a\n")
    assert not looks_like_mail(b"Copyright (c) 2026\n")
