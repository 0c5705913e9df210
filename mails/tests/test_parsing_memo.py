"""Values a mailbox repeats are parsed once, and every message still gets its own notes."""

from __future__ import annotations

from mails.parsing import parse_full_message
from mails.parsing.headers import _memo_addresses
from mails.parsing.notes import MAX_NOTES, NoteRecorder, Notes, replay
from mails.parsing.payload import mime_params
from mails.tests.test_parsing import gmail_full

BROKEN_TO = "=?utf-8?b?!!!?= <a@x.example>, =?x-unknown?q?b?= <b@x.example>"


def _message(to: str) -> bytes:
    return (
        f"From: Ann <ann@example.com>\r\nTo: {to}\r\nSubject: hi\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n"
    ).encode()


def test_a_repeated_address_header_is_parsed_once_with_its_notes_each_time() -> None:
    _memo_addresses.cache_clear()
    first = parse_full_message(gmail_full(_message(BROKEN_TO)))
    second = parse_full_message(gmail_full(_message(BROKEN_TO)))
    assert _memo_addresses.cache_info().hits >= 1
    assert first.to_addresses == second.to_addresses == ["a@x.example", "b@x.example"]
    assert first.parse_error
    assert first.parse_error == second.parse_error


def test_repeated_mime_headers_are_read_once() -> None:
    mime_params.cache_clear()
    for _ in range(3):
        parse_full_message(gmail_full(_message("b@x.example")))
    assert mime_params.cache_info().hits >= 2


def test_replayed_notes_count_an_overflow_as_the_original_adds_would() -> None:
    recorder = NoteRecorder()
    direct = Notes()
    for index in range(MAX_NOTES + 3):
        recorder.add(f"note {index}")
        direct.add(f"note {index}")
    replayed = Notes()
    replay(replayed, tuple(recorder.added))
    assert str(replayed) == str(direct)
    assert str(direct).endswith("and 3 more")
