"""Headers and charsets: RFC 2047, 8-bit headers, addresses, dates and body charsets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mails.parsing import parse_full_message, parse_raw_message, parse_rfc822
from mails.tests.test_parsing import email_bytes, gmail_full, gmail_raw


def subject_of(value: str | bytes) -> tuple[str, str]:
    header = value.encode("utf-8") if isinstance(value, str) else value
    parsed = parse_rfc822(b"Subject: " + header + b"\r\n\r\nbody")
    return parsed.subject, parsed.parse_error


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("=?UTF-8?B?SW50ZXJ2aWV3IOKAlCBuZXh0IHN0ZXBz?=", "Interview — next steps"),
        ("=?iso-8859-1?q?Caf=E9_cr=E8me?=", "Café crème"),
        ("=?koi8-r?b?8NLJ18XU?= =?windows-1251?b?7Ojw?=", "Приветмир"),
        ("=?iso-2022-jp?B?GyRCJDkkXyReJDskcyEjGyhC?=", "すみません。"),
        ("=?gb2312?b?xOO6ww==?= and =?big5?b?pKSk5Q==?=", "你好 and 中文"),
        ("=?utf-8?b?4pyI?= =?utf-8?b?77iP?=", "✈️"),  # one character split over two words
        ("Re: =?utf-8?q?Gr=C3=BC=C3=9Fe?= from Köln", "Re: Grüße from Köln"),
        ("=?utf-8*en?q?language_tag?=", "language tag"),
        ("=?utf-8?q?word?==?utf-8?q?glued?=", "wordglued"),
        ("  folded\r\n\tacross   lines  ", "folded across lines"),
        ("=?utf-7?q?Hi_+AOk-?=", "Hi é"),
    ],
)
def test_encoded_subjects_decode(header: str, expected: str) -> None:
    assert subject_of(header) == (expected, "")


@pytest.mark.parametrize(
    ("header", "expected", "note"),
    [
        ("=?x-unknown?q?caf=E9?=", "café", "unknown charset 'x-unknown'"),
        ("=?utf-8?b?!!not-base64?= tail", "tail", "bad base64"),
        ("=?utf-8?q?caf=E9?=", "café", ""),  # Latin-1 bytes labelled UTF-8
        ("=?utf-8?q?unterminated", "=?utf-8?q?unterminated", ""),
    ],
)
def test_malformed_encoded_words_degrade(header: str, expected: str, note: str) -> None:
    subject, parse_error = subject_of(header)

    assert subject.endswith(expected)
    assert note in parse_error


def test_eight_bit_headers_decode_as_utf8_or_the_body_charset() -> None:
    raw = "From: José <jose@example.com>\r\nSubject: Grüße\r\n\r\nbody".encode() + b"\r\n"
    legacy = b"Subject: Pr\xe9sentation\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nx"
    cyrillic = (
        b"Subject: " + "Привет".encode("koi8-r") + b"\r\n"
        b"Content-Type: text/plain; charset=koi8-r\r\n\r\nx"
    )

    assert (parse_rfc822(raw).from_name, parse_rfc822(raw).subject) == ("José", "Grüße")
    assert parse_rfc822(legacy).subject == "Présentation"
    assert parse_rfc822(cyrillic).subject == "Привет"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Ana <ANA@Example.com>", [("Ana", "ana@example.com")]),
        ('"Doe, Jane" <jane@x.org>, bob@y.org', [("Doe, Jane", "jane@x.org"), ("", "bob@y.org")]),
        ("=?utf-8?q?M=C3=BCller=2C_Hans?= <h@x.de>", [("Müller, Hans", "h@x.de")]),
        ("Müller, Hans <h@x.de>", [("Müller, Hans", "h@x.de")]),  # Gmail's decoded form
        ("=?utf-8?b?0JjQstCw0L0=?= <ivan@x.ru>", [("Иван", "ivan@x.ru")]),
        ("old@style.org (Old Style)", [("Old Style", "old@style.org")]),
        ("a@b.org; c@d.org", [("", "a@b.org"), ("", "c@d.org")]),
        ("undisclosed-recipients:;", []),
        ("Team: a@b.org, c@d.org;", [("", "a@b.org"), ("", "c@d.org")]),
        ("Broken <no-closing@x.org", [("Broken", "no-closing@x.org")]),
        ("=?utf-8?q?spoof=40evil.com?=", [("", "spoof@evil.com")]),
        ("", []),
        ("<<<>>> ,,, @", []),
        # Local users as old Unix mail wrote them: each its own recipient, wherever it stands.
        (
            "abel, bianchi, nsb@flash.example, tkl, lynn",
            [("", "abel"), ("", "bianchi"), ("", "nsb@flash.example"), ("", "tkl"), ("", "lynn")],
        ),
        # A local user with a comment ("MAILER-DAEMON (Mail Delivery System)") is an address.
        ("mailer-daemon (Mail Delivery System)", [("Mail Delivery System", "mailer-daemon")]),
    ],
)
def test_address_headers(header: str, expected: list[tuple[str, str]]) -> None:
    raw = f"From: {header}\r\nTo: {header}\r\n\r\nx".encode()
    parsed = parse_rfc822(raw)

    first = expected[0] if expected else ("", "")
    assert (parsed.from_name, parsed.from_address) == first
    assert parsed.to_addresses == [address for _, address in expected]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Mail Delivery Subsystem", "Mail Delivery Subsystem"),
        ('"Jane Doe"', "Jane Doe"),
        ("Jane Doe <>", "Jane Doe"),
        ("=?utf-8?q?J=C3=BCrgen_M=C3=BCller?=", "Jürgen Müller"),
        ("Acme Talent (careers team)", "Acme Talent (careers team)"),
    ],
)
def test_a_name_without_an_address_is_the_name_not_its_first_word(header: str, name: str) -> None:
    # The stdlib reads "Jane Doe" as the address "Jane"; such a sender is shown by name.
    raw = email_bytes(f"From: {header}", f"To: {header}", "Subject: x")
    for parsed in (parse_raw_message(gmail_raw(raw)), parse_full_message(gmail_full(raw))):
        assert (parsed.from_name, parsed.from_address) == (name, "")
        assert parsed.to_addresses == []
        assert parsed.to_names == [name]


@pytest.mark.parametrize(
    ("header", "addresses", "names"),
    [
        ("Jane Doe, bob@x.org", ["bob@x.org"], ["Jane Doe"]),
        ("bob@x.org; Friends and Family", ["bob@x.org"], ["Friends and Family"]),
        # A name alone right before a named address is the first half of a decoded
        # "Van Doe, Jane" (as a bare "Doe" is): one recipient.
        ("Van Doe, Jane <j@x.org>", ["j@x.org"], ["Van Doe, Jane"]),
        ('"a;b" <x@y.org>, c@d.org', ["x@y.org", "c@d.org"], ["a;b"]),
        ("undisclosed recipients:;", [], []),
        ("Yum Brands (KFC, Pizza Hut)", [], ["Yum Brands (KFC, Pizza Hut)"]),
    ],
)
def test_a_name_alone_in_a_list_is_a_recipient_by_name(
    header: str, addresses: list[str], names: list[str]
) -> None:
    raw = email_bytes(f"To: {header}", "From: a@b.org", "Subject: x")
    for parsed in (parse_raw_message(gmail_raw(raw)), parse_full_message(gmail_full(raw))):
        assert (parsed.to_addresses, parsed.to_names) == (addresses, names)


def test_repeated_recipient_headers_are_merged_without_duplicates() -> None:
    raw = b"To: a@x.org, B@x.org\r\nTo: b@x.org, c@x.org\r\nCc: d@x.org\r\nBcc: e@x.org\r\n\r\n"
    parsed = parse_rfc822(raw)

    assert parsed.to_addresses == ["a@x.org", "b@x.org", "c@x.org"]
    assert (parsed.cc_addresses, parsed.bcc_addresses) == (["d@x.org"], ["e@x.org"])


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Tue, 14 Nov 2023 22:13:20 +0100", datetime(2023, 11, 14, 21, 13, 20, tzinfo=UTC)),
        ("14 Nov 2023 22:13:20 -0000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("Tue, 14 Nov 23 22:13 EST", datetime(2023, 11, 15, 3, 13, tzinfo=UTC)),
        ("Sat, 20 Sep 2008 20:04:30 +0300 (IDT)", datetime(2008, 9, 20, 17, 4, 30, tzinfo=UTC)),
    ],
)
def test_dates_become_aware_utc(header: str, expected: datetime) -> None:
    parsed = parse_rfc822(f"Date: {header}\r\n\r\nx".encode())

    assert parsed.date_header == expected
    assert parsed.parse_error == ""


@pytest.mark.parametrize(
    "header", ["<HR>", "Pn, 29 paX 2007 21:13:00 +0100", "Mon, 30 Jun 3609 15:33:50 +0600"]
)
def test_bad_dates_are_none_with_a_note(header: str) -> None:
    parsed = parse_rfc822(f"Subject: kept\r\nDate: {header}\r\n\r\nx".encode())

    assert parsed.date_header is None
    assert "bad Date header" in parsed.parse_error
    assert parsed.subject == "kept"


def test_missing_headers_are_empty_not_errors() -> None:
    parsed = parse_rfc822(b"X-Other: 1\r\n\r\nJust a body")

    assert (parsed.subject, parsed.from_address, parsed.rfc822_message_id, parsed.list_id) == (
        "", "", "", "",
    )  # fmt: skip
    assert parsed.date_header is None
    assert parsed.body_text == "Just a body"
    assert parsed.parse_error == ""


@pytest.mark.parametrize(
    ("charset", "text"),
    [
        ("koi8-r", "Съешь же ещё этих мягких французских булок"),
        ("windows-1251", "Съешь же ещё этих мягких булок"),
        ("windows-1252", "“Smart quotes” cost 5 €"),
        ("iso-8859-2", "Zażółć gęślą jaźń"),
        ("iso-2022-jp", "日本語のメールです"),
        ("shift_jis", "日本語のメールです"),
        ("euc-kr", "한국어 메일"),
        ("gb2312", "中文邮件"),
        ("big5", "中文郵件"),
        ("utf-7", "Hi Mom -☺-!"),
        ("utf-16", "Grüße, 世界"),
        ("utf-16-le", "Grüße"),
    ],
)
def test_body_charsets(charset: str, text: str) -> None:
    raw = email_bytes(
        f'Content-Type: text/plain; charset="{charset}"',
        "Content-Transfer-Encoding: 8bit",
        body=text.encode(charset),
    )

    parsed = parse_raw_message(gmail_raw(raw))
    assert (parsed.body_text, parsed.parse_error) == (text, "")
    assert parse_full_message(gmail_full(raw, to_utf8=True)) == parsed
    assert parse_full_message(gmail_full(raw, to_utf8=False)) == parsed


@pytest.mark.parametrize(
    ("label", "data", "text", "note"),
    [
        ("x-klingon", "Grüße".encode(), "Grüße", "unknown charset 'x-klingon'"),
        ("x-klingon", "Grüße".encode("cp1252"), "Grüße", "decoded as cp1252"),
        ("base64", b"plain words", "plain words", "unknown charset 'base64'"),
        ("utf-8", "Grüße".encode("latin-1"), "Grüße", "decoded as cp1252"),
        ("utf-8", "Grüße aus Köln, schöne Tage".encode() + b"\xff", "Grüße", "UTF-8"),
        ("us-ascii", "naïve".encode("cp1252"), "naïve", ""),
        ("iso-8859-1", "déjà vu".encode(), "déjà vu", ""),  # mislabelled UTF-8
    ],
)
def test_invalid_charsets_fall_back_and_are_noted(
    label: str, data: bytes, text: str, note: str
) -> None:
    raw = email_bytes(f"Content-Type: text/plain; charset={label}", body=data)
    parsed = parse_rfc822(raw)

    assert parsed.body_text.startswith(text)
    assert note in parsed.parse_error


def test_an_answer_keeps_the_ids_it_answers_nearest_last() -> None:
    parsed = parse_rfc822(
        b"Message-ID: <c@x.example>\r\n"
        b"References: <a@x.example>\r\n <b@x.example>  <a@x.example>\r\n"
        b"In-Reply-To: <b@x.example> (sent by Ann)\r\n"
        b"Subject: Re: Interview\r\n\r\nbody"
    )
    assert parsed.references == ["<a@x.example>", "<b@x.example>"]

    only_parent = parse_rfc822(b"In-Reply-To: <p@y.example>\r\n\r\nbody")
    assert only_parent.references == ["<p@y.example>"]


def test_a_long_thread_keeps_its_nearest_references() -> None:
    ids = " ".join(f"<m{n}@z.example>" for n in range(60))
    parsed = parse_rfc822(f"References: {ids}\r\nIn-Reply-To: <m59@z.example>\r\n\r\nx".encode())
    assert parsed.references == [f"<m{n}@z.example>" for n in range(40, 60)]
    assert parse_rfc822(b"References: no angle brackets here\r\n\r\nx").references == []
