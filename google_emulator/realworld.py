"""Generated messages shaped like the real mail that tripped parsers up.

The seeded mailboxes are well-formed by construction, so a fresh clone (without the
external corpus) would never see what real mail does.  These samples are built here,
byte by byte, one per case: raw 8-bit headers, an 8-bit encoded-word, a boundary folded
inside its quotes, an 8-bit filename parameter, CJK and right-to-left text, text only in
an HTML alternative, an undeclared charset, an attached message.  Tests deliver them with
``emulator.deliver(email, sample.raw)`` and compare what comes back with ``expected``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

CRLF = b"\r\n"


@dataclass(frozen=True, slots=True)
class Sample:
    """One generated message and what a faithful reader must see in it."""

    name: str
    raw: bytes
    subject: str
    sender: str
    body_text: str
    filenames: tuple[str, ...] = ()


def _message(headers: list[bytes], body: bytes) -> bytes:
    return CRLF.join([*headers, b"", body])


def _eight_bit_headers() -> Sample:
    raw = _message(
        [
            "From: Jürgen Groß <juergen@example.de>".encode(),
            "Subject: Grüße aus Köln".encode(),
            b"Content-Type: text/plain; charset=utf-8",
            b"Content-Transfer-Encoding: 8bit",
        ],
        "Schöne Grüße".encode(),
    )
    return Sample(
        "8bit-headers", raw, "Grüße aus Köln", "Jürgen Groß <juergen@example.de>", "Schöne Grüße"
    )


def _eight_bit_encoded_word() -> Sample:
    raw = _message(
        [b"From: frog@example.fr", b"Subject: =?iso-8859-1?Q?Fr\xf6sche?= im Teich"],
        b"quak",
    )
    return Sample("8bit-encoded-word", raw, "Frösche im Teich", "frog@example.fr", "quak")


def _folded_boundary() -> Sample:
    raw = _message(
        [
            b"From: list@example.org",
            b"Subject: folded boundary",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/alternative;\r\n boundary="==_Part_7\r\n _8=="',
        ],
        b"--==_Part_7 _8==\r\nContent-Type: text/plain\r\n\r\nplain side\r\n"
        b"--==_Part_7 _8==\r\nContent-Type: text/html\r\n\r\n<p>html side</p>\r\n"
        b"--==_Part_7 _8==--\r\n",
    )
    return Sample("folded-boundary", raw, "folded boundary", "list@example.org", "plain side")


def _eight_bit_filename() -> Sample:
    pdf = b"%PDF-1.4\n% generated sample\n"
    raw = _message(
        [
            b"From: hr@example.ru",
            b"Subject: contract",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="XX"',
        ],
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n"
        b'--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        + "договор.pdf".encode()
        + b'"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + base64.b64encode(pdf)
        + b"\r\n--XX--\r\n",
    )
    return Sample(
        "8bit-filename", raw, "contract", "hr@example.ru", "See attached.", ("договор.pdf",)
    )


def _cjk_and_rtl() -> Sample:
    subject = "面接のご案内 — دعوة لمقابلة"
    raw = _message(
        [
            b"From: =?utf-8?b?" + base64.b64encode("採用担当".encode()) + b"?= <jobs@example.jp>",
            b"Subject: =?utf-8?b?" + base64.b64encode(subject.encode()) + b"?=",
            b"Content-Type: text/plain; charset=iso-2022-jp",
        ],
        "東京本社で面接を行います".encode("iso-2022-jp"),
    )
    return Sample("cjk-rtl", raw, subject, "採用担当 <jobs@example.jp>", "東京本社で面接を行います")


def _html_only_text() -> Sample:
    raw = _message(
        [
            b"From: news@example.com",
            b"Subject: html only",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/alternative; boundary="alt"',
        ],
        b"--alt\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n \r\n"
        b"--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><body><p>Only the <b>HTML</b> says this</p></body></html>\r\n--alt--\r\n",
    )
    return Sample("html-only", raw, "html only", "news@example.com", "Only the HTML says this")


def _undeclared_charset() -> Sample:
    raw = _message(
        [b"From: old@example.it", b"Subject: no charset", b"Content-Type: text/plain"],
        "Envoyé le martedì".encode(),
    )
    return Sample("undeclared-charset", raw, "no charset", "old@example.it", "Envoyé le martedì")


def _attached_message() -> Sample:
    enclosed = (
        b"From: recruiter@example.com\r\nSubject: Offer\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="in"\r\n\r\n'
        b"--in\r\nContent-Type: text/plain\r\n\r\nWe are glad to offer you the role.\r\n"
        b"--in\r\nContent-Type: application/pdf; name=offer.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"%PDF-1.4\n% offer\n")
        + b"\r\n--in--\r\n"
    )
    raw = _message(
        [
            b"From: me@example.com",
            b"Subject: Fwd: Offer",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="out"',
        ],
        b"--out\r\nContent-Type: text/plain\r\n\r\nForwarding the offer.\r\n"
        b"--out\r\nContent-Type: message/rfc822\r\n"
        b'Content-Disposition: attachment; filename="Offer.eml"\r\n\r\n'
        + enclosed
        + b"\r\n--out--\r\n",
    )
    return Sample(
        "attached-message",
        raw,
        "Fwd: Offer",
        "me@example.com",
        "Forwarding the offer.",
        ("Offer.eml", "offer.pdf"),  # the enclosed message's file is in its own tree
    )


def samples() -> list[Sample]:
    """Return every generated real-world sample, in a fixed order."""
    return [
        _eight_bit_headers(),
        _eight_bit_encoded_word(),
        _folded_boundary(),
        _eight_bit_filename(),
        _cjk_and_rtl(),
        _html_only_text(),
        _undeclared_charset(),
        _attached_message(),
    ]


@dataclass(frozen=True, slots=True)
class SearchSample:
    """A generated message for search comparisons, delivered at ``internal_date`` (ms)."""

    name: str
    raw: bytes
    internal_date: int


_JAN_17_2024_NOON = 1_705_492_800_000


def _plain(headers: list[str], body: str) -> bytes:
    head = [h.encode() for h in headers] + [b"Content-Type: text/plain; charset=utf-8"]
    return _message(head, body.encode())


def _b(text: str) -> str:
    """Return ``text`` as one RFC 2047 encoded-word (UTF-8, base64)."""
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def _unnamed_image() -> bytes:
    """An HTML body with an inline image that has no file name: still an attachment."""
    return _message(
        [
            b"From: newsletter@shop.example",
            b"Subject: Spring catalogue",
            b'Content-Type: multipart/related; boundary="rel"',
        ],
        b'--rel\r\nContent-Type: text/html\r\n\r\n<p>Spring catalogue <img src="cid:c1"></p>\r\n'
        b"--rel\r\nContent-Type: image/gif\r\nContent-ID: <c1>\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nR0lGODlhAQABAAAAACw=\r\n--rel--\r\n",
    )


def search_samples() -> list[SearchSample]:
    """Return messages holding what Gmail's operators look for beyond plain words: display
    names, delivery headers, CJK runs and voiced kana, accents, Drive/YouTube links (one
    only in an HTML href), two fields side by side for AROUND, dates around mid-January, and
    words that tell Gmail's OR precedence from the opposite one."""
    day = 86_400_000
    html_link = _message(
        [
            b"From: Video Team <video@media.example>",
            b"Subject: This week's recording",
            b'Content-Type: multipart/alternative; boundary="alt"',
        ],
        b"--alt\r\nContent-Type: text/plain\r\n\r\nThe recording is online.\r\n"
        b"--alt\r\nContent-Type: text/html\r\n\r\n<p>The recording is "
        b'<a href="https://www.youtube.com/watch?v=abc123">online</a>.</p>\r\n--alt--\r\n',
    )
    messages = [
        (
            "names",
            _plain(
                [
                    "From: First Last <first.last@corp.example>",
                    "To: Sam Garcia <sam.g@example.org>",
                    'Cc: "Lee, Ann" <ann@mail.example.net>',
                    "Subject: Quarterly numbers",
                ],
                "The budget review is next week.",
            ),
        ),
        (
            # A sender and a recipient written as names alone, as daemons and old mailers do.
            "names-alone",
            _plain(
                [
                    "From: Mail Delivery Subsystem",
                    "To: Quinn Archer <>",
                    "Cc: Riley Stone, postmaster@relay.example",
                    "Subject: Returned mail: see transcript",
                ],
                "The original message was received and could not be delivered.",
            ),
        ),
        (
            "delivered-to",
            _plain(
                [
                    "From: list@lists.example",
                    "To: team@lists.example",
                    "Delivered-To: inbox@alias.example",
                    "X-Original-To: orig@forward.example",
                    "Subject: Forwarded for the team",
                ],
                "Mail that arrived through a forwarding address.",
            ),
        ),
        (
            "cjk",
            _plain(
                ["From: soumu@example.jp", f"Subject: {_b('東京都庁の会議')}"],
                "東京タワーで会いましょう。バスで行きます。",
            ),
        ),
        (
            "kana",
            _plain(["From: hana@example.jp", f"Subject: {_b('ハスの花')}"], "ハスの花が咲いた。"),
        ),
        (
            "accents",
            _plain(
                ["From: chef@example.fr", f"Subject: {_b('Crème brûlée à Zürich')}"],
                "Καλημέρα σας. Новогодняя ёлка.",
            ),
        ),
        (
            "links",
            _plain(
                ["From: drive-shares@example.com", "Subject: Shared files"],
                "Plan: https://docs.google.com/document/d/1abc/edit\r\n"
                "Numbers: https://docs.google.com/spreadsheets/d/2def/edit\r\n"
                "Deck: https://docs.google.com/presentation/d/3ghi/edit\r\n",
            ),
        ),
        (
            "drive-link",
            _plain(
                ["From: scanner@example.com", "Subject: Your scan"],
                "Scan: https://drive.google.com/file/d/4jkl/view",
            ),
        ),
        ("html-link", html_link),
        (
            "fields",
            _plain(["From: greek@example.com", "Subject: alpha beta"], "gamma delta epsilon"),
        ),
        ("unnamed-image", _unnamed_image()),
        (
            "dinner",  # words without "application": OR's precedence changes what it matches
            _plain(
                ["From: friend@example.com", "Subject: Dinner on Friday?"],
                "Are you free for dinner? Bring the Globex slides.",
            ),
        ),
    ]
    found = [
        SearchSample(name, raw, _JAN_17_2024_NOON + index * 60_000)
        for index, (name, raw) in enumerate(messages)
    ]
    late = _plain(["From: late@example.com", "Subject: late January"], "After the window.")
    return [*found, SearchSample("late", late, _JAN_17_2024_NOON + 8 * day)]
