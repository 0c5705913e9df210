"""Real-world (and broken) mail: every message loads, and its ``format=full`` payload
equals, part by part, an independent reading with Python's ``email`` package.

The corpus lives outside the repository (``../shared/data/email-corpus``); without it
the corpus tests skip, while the emptiness guard and the reference itself are tested on
mail built here.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from googleapiclient.http import BatchHttpRequest

from google_emulator.config import EmulatorConfig
from google_emulator.loader import mail_files, read_messages
from google_emulator.testing import EmulatorServer
from google_emulator.tests.corpus_reference import emulator_parts, part_mismatches, reference_parts

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "email-corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"external email corpus not present at {CORPUS}"
)

# Messages where the reference, not the emulator, is the one that differs from Gmail.
REFERENCE_IS_WRONG = {
    # policy.default does not decode an RFC 2047 encoded-word inside a quoted
    # name="=?...?=" parameter; senders do this and Gmail shows the decoded name.
    "mikel-mail/attachment_emails/attachment_with_base64_encoded_name.eml": "2047 in param",
    # filename=This is a test.txt (unquoted, with blanks): policy.default stops at the
    # first blank (RFC 2045 token); compat32 and mail clients read up to the ';'.
    "mikel-mail/attachment_emails/attachment_with_unquoted_name.eml": "unquoted blanks",
    # boundary=----=_Part... unquoted although it holds '=': policy.default drops the
    # boundary and sees no parts; Gmail and compat32 split the parts.
    "mikel-mail/mime_emails/raw_email_with_binary_encoded.eml": "unquoted '=' boundary",
    "mikel-mail/mime_emails/raw_email_with_illegal_boundary.eml": "unquoted '=' boundary",
    "mikel-mail/plain_emails/raw_email_bad_time.eml": "unquoted '=' boundary",
    # 8-bit text without a charset: policy.default reads it as ASCII (every high byte
    # a U+FFFD); the emulator keeps what is valid UTF-8, as Gmail shows it.
    "mikel-mail/plain_emails/raw_email5.eml": "undeclared UTF-8 text",
    "spamscope-mail-parser/mail_outlook_1.eml": "undeclared charset (binary .msg)",
    # A Subject word labelled gb2312 holds a GBK character: policy.default decodes strictly
    # (U+FFFD); the emulator reads GB2312 as its superset GB18030, as mail clients do.
    "spamscope-mail-parser/mail_test_9.eml": "GBK character labelled gb2312",
}


def corpus_messages(root: Path) -> list[tuple[str, bytes]]:
    """Return (name, raw bytes) of every message under ``root``; none is an error."""
    found: list[tuple[str, bytes]] = []
    for path in mail_files(root):
        name = path.relative_to(root).as_posix()
        found += [(f"{name}#{i}" if i else name, raw) for i, raw in enumerate(read_messages(path))]
    if not found:
        pytest.fail(f"corpus folder {root} holds no messages: nothing would be tested")
    return found


def test_an_empty_corpus_folder_fails_rather_than_passing(tmp_path: Path) -> None:
    (tmp_path / "LICENSE.txt").write_bytes(b"MIT License\n")
    with pytest.raises(pytest.fail.Exception, match="holds no messages"):
        corpus_messages(tmp_path)


def test_the_reference_sees_what_the_emulator_serves_on_generated_mail() -> None:
    from google_emulator.mime import parse_message

    raw = (
        b"From: =?utf-8?q?Zo=C3=AB?= <z@example.de>\r\n"
        b"Subject: caf\xc3\xa9 =?utf-8?q?=E2=9C=93?=\r\n"
        b'Content-Type: multipart/mixed;\r\n boundary="a\r\n b"\r\n\r\n--a b\r\n'
        b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\nK\xf6ln\r\n--a b\r\n"
        b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        + "résumé.pdf".encode()
        + b'"\r\n\r\n%PDF\r\n--a b--\r\n'
    )
    served = emulator_parts(parse_message(raw).payload)
    assert [p.mime_type for p in served] == ["multipart/mixed", "text/plain", "application/pdf"]
    assert served[2].filename == "résumé.pdf"
    assert served[1].size == len("Köln".encode())
    assert dict(served[0].headers)["Subject"] == "café ✓"
    # the reference does not unfold a boundary inside quotes, so only the headers agree
    assert reference_parts(raw)[0].headers == served[0].headers


def _fetch_full(server: EmulatorServer, address: str, ids: list[str]) -> dict[str, Any]:
    service = server.gmail_service(address)
    replies: dict[str, Any] = {}
    failures: list[Any] = []

    def keep(request_id: str, response: Any, error: Any) -> None:
        if error is not None:
            failures.append(error)
        else:
            replies[response["id"]] = response

    for offset in range(0, len(ids), 50):
        batch = BatchHttpRequest(batch_uri=server.batch_uri, callback=keep)
        for message_id in ids[offset : offset + 50]:
            batch.add(service.users().messages().get(userId="me", id=message_id, format="full"))
        batch.execute()
    assert failures == []
    return replies


def _each_source_has_mail(names: list[str]) -> None:
    sources = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    empty = sorted(s for s in sources if not any(n.startswith(f"{s}/") for n in names))
    assert not empty, f"corpus folders with no messages: {empty}"


@needs_corpus
def test_every_corpus_message_is_served_part_by_part_like_the_reference() -> None:
    messages = corpus_messages(CORPUS)
    _each_source_has_mail([name for name, _ in messages])
    config = EmulatorConfig(accounts=1, messages=1, quota_units_per_second=None)
    with EmulatorServer(config) as server:
        address = server.emails[0]
        ids = [server.emulator.deliver(address, raw, labels=["INBOX"]) for _, raw in messages]
        replies = _fetch_full(server, address, ids)
        raw_reply = server.gmail_service(address).users().messages()
        first = raw_reply.get(userId="me", id=ids[0], format="raw").execute()
    assert base64.urlsafe_b64decode(first["raw"]) == messages[0][1]
    assert len(replies) == len(messages)
    compared = 0
    differing: dict[str, list[str]] = {}
    for (name, raw), message_id in zip(messages, ids, strict=True):
        expected = reference_parts(raw)
        compared += len(expected)
        problems = part_mismatches(expected, emulator_parts(replies[message_id]["payload"]))
        if problems:
            differing[name] = problems
    unexplained = {n: p for n, p in differing.items() if n not in REFERENCE_IS_WRONG}
    assert unexplained == {}
    stale = sorted(set(REFERENCE_IS_WRONG) - set(differing))
    assert stale == [], "reviewed exceptions that now match: take them off the list"
    assert compared >= len(messages)
    print(f"corpus: {len(messages)} messages, {compared} parts, {len(differing)} reviewed")


@needs_corpus
def test_an_mbox_in_the_corpus_is_split_and_directories_are_read_recursively() -> None:
    mbox = CORPUS / "cpython-test_email" / "mailbox_01.mbox"
    assert len(list(read_messages(mbox))) > 1
    everything = list(read_messages(CORPUS))
    assert len(everything) > 200
