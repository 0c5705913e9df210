"""Mislabelled and double-encoded charsets: read with the declared one; if it fails, or gives
nonsense of rare characters, a small ordered fallback; every substitution or loss noted.
"""

from __future__ import annotations

import base64

import pytest

from mails.models import Message
from mails.parsing import parse_full_message, parse_raw_message
from mails.parsing.charsets import decode_text, undo_double_utf8
from mails.parsing.cjk import likeliness, unlikely
from mails.parsing.notes import Notes
from mails.search.service import search
from mails.tests.test_parsing import email_bytes, emulator_full, gmail_meta, gmail_raw

GBK_SUBJECT = "面试通知：下周二上午十点"
BIG5_SUBJECT = "繁體中文郵件測試，請勿回覆"
JAPANESE = "面接のご案内について"
KOREAN = "면접 안내 메일입니다"


def b_word(label: str, data: bytes) -> str:
    return f"=?{label}?B?{base64.b64encode(data).decode()}?="


def subject_of(raw_header: str) -> tuple[str, str]:
    parsed = parse_raw_message(gmail_raw(email_bytes("From: a@example.com", raw_header)))
    return parsed.subject, parsed.parse_error


@pytest.mark.parametrize(
    ("label", "text", "encoding", "note"),
    [
        # Valid in the declared charset, but as rare characters: another CJK charset's bytes.
        ("big5", GBK_SUBJECT, "gbk", "text labelled big5 reads as gb18030"),
        ("gb2312", BIG5_SUBJECT, "big5", "text labelled gb2312 reads as big5hkscs"),
        ("euc-kr", JAPANESE, "euc_jp", "text labelled euc-kr reads as euc_jp"),
        # Invalid in the declared charset: the same language's charsets are tried first.
        ("iso-2022-jp", JAPANESE, "shift_jis", "bytes invalid in iso-2022-jp, read as cp932"),
        ("shift_jis", JAPANESE, "euc_jp", "text labelled shift_jis reads as euc_jp"),
    ],
)
def test_cjk_text_under_another_cjk_label_is_read_and_noted(
    label: str, text: str, encoding: str, note: str
) -> None:
    subject, notes = subject_of(f"Subject: {b_word(label, text.encode(encoding))}")
    assert subject == text
    assert f"Subject: {note}" in notes


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("big5", BIG5_SUBJECT),
        ("gb2312", GBK_SUBJECT),
        ("gbk", GBK_SUBJECT),
        ("shift_jis", JAPANESE),
        ("euc-jp", JAPANESE),
        ("iso-2022-jp", JAPANESE),
        ("euc-kr", KOREAN),
        ("koi8-r", "Приветствуем вас на собеседовании"),
        ("windows-1251", "Приветствуем вас"),
        ("iso-8859-7", "Καλημέρα σας"),
    ],
)
def test_rightly_labelled_text_is_left_alone(label: str, text: str) -> None:
    assert subject_of(f"Subject: {b_word(label, text.encode(label))}") == (text, "")


def test_utf8_bytes_labelled_latin1_are_utf8() -> None:
    assert subject_of("Subject: =?iso-8859-1?Q?D=C3=A9j=C3=A0_vu?=") == ("Déjà vu", "")


@pytest.mark.parametrize("label", ["utf-8", "iso-8859-1"])
def test_double_encoded_utf8_is_repaired_and_noted(label: str) -> None:
    twice = "Frösche im Teich".encode().decode("latin-1").encode()  # "FrÃ¶sche"
    subject, notes = subject_of(f"Subject: {b_word(label, twice)}")
    assert subject == "Frösche im Teich"
    assert "Subject: double-encoded UTF-8 repaired" in notes


@pytest.mark.parametrize(
    "text",
    # The last is half double-encoded: only a value that round-trips whole is repaired.
    ["Ã la carte", "São Paulo", "naïve café", "ÃO PAULO", "Grüße €5", "FrÃ¶sche Müller"],
)
def test_text_that_only_looks_double_encoded_is_kept(text: str) -> None:
    assert undo_double_utf8(text) is None


def test_bytes_no_charset_reads_are_replaced_visibly_and_counted() -> None:
    notes = Notes()
    text = decode_text(b"ok \x81\x20\xff\xfe\x80 ok", "big5", notes, "Subject")
    assert "?" not in text
    assert text.count("\ufffd") == 4
    assert "bytes invalid in big5, decoded as big5hkscs (4 undecodable bytes replaced)" in str(
        notes
    )


def test_a_mislabelled_body_is_read_in_both_formats() -> None:
    raw = email_bytes(
        "From: a@example.com",
        "Subject: body",
        "Content-Type: text/plain; charset=big5",
        "Content-Transfer-Encoding: 8bit",
        body="这是一封测试邮件，请勿回复".encode("gbk"),
    )
    parsed = parse_raw_message(gmail_raw(raw))
    assert parsed.body_text == "这是一封测试邮件，请勿回复"
    assert "message: text labelled big5 reads as gb18030" in parsed.parse_error
    # The emulator, like Gmail, converts the part to UTF-8 by its label: rare characters,
    # which encoded back by that label are the sent bytes.
    full = parse_full_message(emulator_full(raw))
    assert full.body_text == parsed.body_text


def test_headers_gmail_decoded_by_the_wrong_label_are_read_again() -> None:
    garbled = GBK_SUBJECT.encode("gbk").decode("big5")
    twice = "Frösche".encode().decode("latin-1")
    payload = {
        "mimeType": "text/plain",
        "headers": [
            {"name": "From", "value": f"{twice} Lima <f@example.com>"},
            {"name": "Subject", "value": garbled},
        ],
        "body": {"size": 5, "data": base64.urlsafe_b64encode(b"Hello").decode()},
    }
    parsed = parse_full_message({**gmail_meta(), "payload": payload})
    assert parsed.subject == GBK_SUBJECT
    assert parsed.from_name == "Frösche Lima"
    assert "Subject: CJK text read with the wrong charset, read as gb18030" in parsed.parse_error


def test_only_cjk_text_is_judged() -> None:
    assert unlikely(GBK_SUBJECT.encode("gbk").decode("big5"))
    assert not unlikely("Приветмир, как дела")  # Cyrillic re-read as CJK looks common
    assert not unlikely("醱彸籵")  # too short to judge
    assert likeliness(GBK_SUBJECT) == 1.0


@pytest.mark.django_db(transaction=True)
def test_mislabelled_mail_synced_from_gmail_is_stored_readable(mailbox) -> None:
    raw = email_bytes(
        "From: a@example.com",
        "To: alex.morgan@example.com",
        f"Subject: {b_word('big5', GBK_SUBJECT.encode('gbk'))}",
        "Content-Type: text/plain; charset=big5",
        "Content-Transfer-Encoding: 8bit",
        body="这是一封测试邮件，请勿回复".encode("gbk"),
    )
    gmail_id = mailbox.google.emulator.deliver(mailbox.user.email, raw, labels=["INBOX"])
    mailbox.sync()
    stored = Message.objects.get(user=mailbox.user, gmail_id=gmail_id)
    assert (stored.subject, stored.body_text) == (GBK_SUBJECT, "这是一封测试邮件，请勿回复")
    assert "wrong charset" in stored.parse_error
    assert [m.gmail_id for m in search(mailbox.user, "面试通知").messages] == [gmail_id]


# Windows mailers' ISO-2022-JP: JIS X 0208 plus NEC's row 13 (①, №, ㈱) and IBM's extensions.
WINDOWS_JAPANESE = "①面接のご案内 ㈱ブライトライン №12"


def windows_iso2022jp(text: str) -> bytes:
    """``text`` as Outlook writes ISO-2022-JP: its cp932 pairs as JIS pairs between escapes."""
    out, jis = bytearray(), False
    for char in text:
        if char.isascii():
            out += (b"\x1b(B" if jis else b"") + char.encode("ascii")
            jis = False
            continue
        lead, trail = char.encode("cp932")
        row = (lead - (0x70 if lead < 0xA0 else 0xB0)) * 2 - (trail < 0x9F)
        cell = trail - (0x1F if trail < 0x9F else 0x7E) - (0x7F < trail < 0x9F)
        out += (b"" if jis else b"\x1b$B") + bytes((row, cell))
        jis = True
    return bytes(out + (b"\x1b(B" if jis else b""))


def test_windows_iso2022jp_with_nec_characters_is_read() -> None:
    data = windows_iso2022jp(WINDOWS_JAPANESE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("iso-2022-jp")  # what Python's codec makes of it
    assert subject_of(f"Subject: {b_word('iso-2022-jp', data)}") == (WINDOWS_JAPANESE, "")
    body = email_bytes(
        "From: a@example.com",
        "Subject: x",
        "Content-Type: text/plain; charset=ISO-2022-JP",
        "Content-Transfer-Encoding: 7bit",
        body=data.decode("ascii") + "\r\n",
    )
    parsed = parse_raw_message(gmail_raw(body))
    assert parsed.body_text.strip() == WINDOWS_JAPANESE
    assert parsed.parse_error == ""


def test_standard_iso2022jp_keeps_the_standard_mapping() -> None:
    text = "ご案内〜よろしく"  # JIS 0x2141 is WAVE DASH (U+301C), cp932 reads FULLWIDTH TILDE
    assert subject_of(f"Subject: {b_word('iso-2022-jp', text.encode('iso-2022-jp'))}") == (text, "")
