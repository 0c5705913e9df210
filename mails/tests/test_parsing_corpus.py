"""Every message of the shared email corpus (real parser fixtures, ~250 files) parses.

The corpus lives outside the repository (../shared/data/email-corpus, see its README);
a fresh clone has no ../shared, so these tests skip there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mails.parsing import ParsedMessage, parse_full_message, parse_raw_message
from mails.parsing.body_text import BODY_TEXT_LIMIT
from mails.tests.corpus_reference import CORPUS, SHARED, corpus_messages
from mails.tests.test_parsing import assert_storable, gmail_raw

ABSENT = "../shared is absent (a fresh clone): the external corpus is optional"
FILES = corpus_messages()


def parse_file(relative: str) -> ParsedMessage:
    path = CORPUS / relative
    if not SHARED.is_dir():
        pytest.skip(ABSENT)
    assert path.is_file(), f"{relative} is missing from the shared corpus"
    return parse_raw_message(gmail_raw(path.read_bytes(), id=path.name))


@pytest.mark.parametrize(
    "path", FILES or [None], ids=[str(p.relative_to(CORPUS)) for p in FILES] or ["no messages"]
)
def test_every_corpus_message_parses_in_both_formats(path: Path | None) -> None:
    if path is None:
        if not SHARED.is_dir():
            pytest.skip(ABSENT)
        pytest.fail(f"{CORPUS} holds no messages: a corpus test over nothing proves nothing")
    raw = path.read_bytes()

    parsed = parse_raw_message(gmail_raw(raw, id=path.name))
    assert parsed.subject or parsed.body_text or parsed.parse_error
    assert_storable(parsed)

    mime = pytest.importorskip("google_emulator.mime", reason="google_emulator is absent")
    full = parse_full_message({"id": path.name, "payload": mime.parse_message(raw).payload})
    assert full.subject or full.body_text or full.parse_error
    assert_storable(full)


@pytest.mark.parametrize(
    ("relative", "subject", "body_part"),
    [
        ("mikel-mail/multi_charset/japanese_iso_2022.eml", "まみむめも", "すみません。"),
        ("mikel-mail/multi_charset/japanese_shift_jis.eml", "test", "テスト用のメール"),
        ("mikel-mail/multi_charset/ks_c_5601-1987.eml", "test", "스티해"),
        ("spamscope-mail-parser/mail_test_12.eml", "代开各地增值税发票", "我公司可代开"),
        ("spamscope-mail-parser/mail_test_6.eml", "Быстрее вкладывайте в золото!", "Профиль"),
        ("flanker/bilingual-simple.eml", "Simple text. How are you? Как ты поживаешь?", "русски"),
        ("flanker/bounce/gmail-invalid-address.eml", "Delivery Status Notification (Failure)",
         "failed permanently"),
        ("spamscope-mail-parser/mail_test_16.eml", "Test spam mail (GTUBE)",
         "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"),
        ("mikel-mail/mime_emails/raw_email_with_illegal_boundary.eml", "Testing outlook",
         "This is an outlook test"),
    ],
)  # fmt: skip
def test_known_messages_decode_to_the_expected_words(
    relative: str, subject: str, body_part: str
) -> None:
    parsed = parse_file(relative)

    assert parsed.subject == subject
    assert body_part in parsed.body_text


def test_known_headers_and_attachments() -> None:
    bad_time = parse_file("mikel-mail/plain_emails/raw_email_bad_time.eml")
    assert bad_time.from_name == "Атиковa"  # windows-1251 encoded-word
    assert bad_time.date_header is None
    assert "bad Date header" in bad_time.parse_error

    utf8_headers = parse_file("mikel-mail/rfc6532/utf8_headers.eml")
    assert (utf8_headers.from_name, utf8_headers.from_address) == (
        "Jöhn Doe",
        "jdöe@mächine.example",
    )

    comma = parse_file("spamscope-mail-parser/mail_test_18.eml")
    assert (comma.from_name, comma.from_address) == (
        "LastßlName, FirstName",
        "comma.name@example.com",
    )

    rfc2231 = parse_file("mxr-standards/rfc2231-attachment.eml")
    assert [a["filename"] for a in rfc2231.attachments] == ["naïve file.txt"]

    japanese = parse_file("mikel-mail/multi_charset/japanese_attachment_long_name.eml")
    assert japanese.attachments[0]["filename"] == "かきくけこ" * 5 + ".txt"


def test_stress_inputs_are_capped_and_keep_their_headers() -> None:
    large = parse_file("nodemailer-mailparser/large_text.eml")
    assert len(large.body_text.encode("utf-8")) == BODY_TEXT_LIMIT

    endless = parse_file("flanker/enclosed-endless.eml")
    assert (endless.subject, endless.body_text) == ("Wow", "Hello")
    assert endless.attachments[0]["mime_type"] == "message/rfc822"

    pdf = parse_file("spamscope-mail-parser/mail_test_2.eml")
    assert ("Bollettino.pdf", 1089942) in [(a["filename"], a["size"]) for a in pdf.attachments]
