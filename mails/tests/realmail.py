"""Generated messages with the traits of real mail that broke parsers, so that a fresh clone
(no ../shared corpus) tests them: 8-bit headers, odd transfer encodings, obsolete header and
address syntax, folded boundaries, CJK, right-to-left text, HTML-only text, inline images,
an attached message.

Each :class:`RealMail` carries the raw bytes and what a reader must see in them.
"""

from __future__ import annotations

import base64
import email
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32

CRLF = "\r\n"
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@dataclass(frozen=True, slots=True)
class RealMail:
    """One generated message and the fields it must parse to."""

    name: str
    raw: bytes
    subject: str = "Test"
    sender: str = "a@example.com"
    recipients: tuple[str, ...] = ("b@example.com",)
    body_contains: str = ""
    attachments: tuple[tuple[str, int], ...] = ()
    # Whether Python's policy.default reads this message right (it misreads raw 8-bit words).
    reference_agrees: bool = True
    notes_contain: tuple[str, ...] = field(default_factory=tuple)


def message(*headers: str | bytes, body: str | bytes = "Hello.\r\n") -> bytes:
    """Return CRLF-joined headers (str as UTF-8, bytes as sent) and a body."""
    head = b"\r\n".join(h if isinstance(h, bytes) else h.encode("utf-8") for h in headers)
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    return head + b"\r\n\r\n" + data


BASIC = ("From: a@example.com", "To: b@example.com")


def _eight_bit_word() -> RealMail:
    return RealMail(
        "8-bit bytes inside an encoded-word",
        message(*BASIC, b"Subject: =?iso-8859-1?Q?Fr\xf6sche_im_Teich?="),
        subject="Frösche im Teich",
        body_contains="Hello.",
    )


def _eight_bit_word_wrong_charset() -> RealMail:
    return RealMail(
        "8-bit bytes that do not fit the word's charset leave a note",
        message(*BASIC, b"Subject: =?utf-8?Q?na\xefve?= =?koi8-r?Q?\xf0\xd2\xc9?="),
        subject="naïveПри",  # each word read in its own charset, the bad one noted
        reference_agrees=False,  # policy.default gives U+FFFD for the Latin-1 byte
        notes_contain=("Subject: bytes invalid in utf-8",),
    )


def _odd_transfer_encodings() -> list[RealMail]:
    text = "Content-Type: text/plain; charset=iso-8859-1"
    return [
        RealMail(
            "Content-Transfer-Encoding with white space and odd case (base64)",
            message(
                *BASIC,
                "Subject: Test",
                text,
                "Content-Transfer-Encoding:  Base64 ",
                body=base64.b64encode("Grüße aus Köln".encode("latin-1")) + b"\r\n",
            ),
            body_contains="Grüße aus Köln",
            # get_payload(decode=True) compares the raw value: " Base64 " decodes nothing.
            reference_agrees=False,
        ),
        RealMail(
            "Content-Transfer-Encoding with a tab and odd case (quoted-printable)",
            message(
                *BASIC,
                "Subject: Test",
                text,
                "Content-Transfer-Encoding: \tQuoted-PRINTABLE",
                body="Fr=F6sche=\r\n!\r\n",
            ),
            body_contains="Frösche!",
        ),
    ]


def _obsolete_header_names() -> RealMail:
    return RealMail(
        "white space before a header colon (RFC 5322 obsolete syntax)",
        message("From : a@example.com", "To: b@example.com", "Subject : Spaced"),
        subject="Spaced",
        body_contains="Hello.",
        reference_agrees=False,  # Python's parser makes the whole message body
        notes_contain=("white space before a header colon",),
    )


def _obsolete_addresses() -> list[RealMail]:
    return [
        RealMail(
            "UUCP bang path and percent-hack addresses keep their local part",
            message(
                "From: seismo!ucbvax!kim",
                "To: user%relay@gw.example.com, <@relay.example:joe@example.com>",
                "Subject: Test",
            ),
            sender="seismo!ucbvax!kim",
            recipients=("user%relay@gw.example.com", "joe@example.com"),
        ),
        RealMail(
            "UUCP paths in a list are addresses, not a display name cut at a comma",
            message(
                *BASIC[:1], "To: ucbvax!seismo!user, decvax!mcvax!user2 (Some One)", "Subject: Test"
            ),
            recipients=("ucbvax!seismo!user", "decvax!mcvax!user2"),
        ),
        RealMail(
            "a quoted local part with a space is one address",
            message(*BASIC, 'Cc: "quoted local"@example.com, <user@[192.0.2.1]>', "Subject: Test"),
            recipients=("b@example.com", '"quoted local"@example.com', "user@[192.0.2.1]"),
        ),
        RealMail(
            "a quoted local part keeps its quotes",
            message(*BASIC, 'Cc: "\\"quoted.local\\""@example.com', "Subject: Test"),
            recipients=("b@example.com", '"\\"quoted.local\\""@example.com'),
        ),
        RealMail(
            "addresses without a separator are each kept",
            message("From: a@example.com", "To: c@example.com d@example.com", "Subject: Test"),
            recipients=("c@example.com", "d@example.com"),
            reference_agrees=False,  # policy.default keeps only the first
        ),
        RealMail(
            "a header too long to fold still yields its addresses",
            message(
                "From: a@example.com",
                "To: "
                + ", ".join(f"person{i}@example.com" for i in range(120))
                + ", <"
                + "x" * 400
                + "@example.com>",
                "Subject: Test",
            ),
            recipients=(
                *(f"person{i}@example.com" for i in range(120)),
                "x" * 400 + "@example.com",
            ),
        ),
    ]


def _folded_boundary() -> RealMail:
    body = (
        "--frontier 42\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain words.\r\n"
        "--frontier 42\r\nContent-Type: application/pdf; name=report.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"%PDF-1.4 x").decode()
        + "\r\n--frontier 42--\r\n"
    )
    return RealMail(
        "a boundary parameter folded onto the next line",
        message(
            *BASIC,
            "Subject: Test",
            'Content-Type: multipart/mixed;\r\n\tboundary=\r\n "frontier 42"',
            body=body,
        ),
        body_contains="Plain words.",
        attachments=(("report.pdf", 10),),
    )


def _cjk() -> RealMail:
    subject = (
        "=?ISO-2022-JP?B?" + base64.b64encode("会議の件".encode("iso-2022-jp")).decode() + "?="
    )
    return RealMail(
        "CJK: an ISO-2022-JP subject, a GB18030 body",
        message(
            *BASIC,
            f"Subject: {subject}",
            "Content-Type: text/plain; charset=gb2312",
            "Content-Transfer-Encoding: 8bit",
            body="我公司可代开各类发票。\r\n".encode("gb18030"),
        ),
        subject="会議の件",
        body_contains="我公司可代开各类发票",
    )


def _rtl() -> RealMail:
    subject = "=?utf-8?B?" + base64.b64encode("שלום עולם".encode()).decode() + "?="
    return RealMail(
        "right-to-left text: Hebrew subject, Arabic body",
        message(
            *BASIC,
            f"Subject: {subject}",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            body="مرحبا بالعالم\r\n",
        ),
        subject="שלום עולם",
        body_contains="مرحبا بالعالم",
    )


def _html_only() -> RealMail:
    body = (
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<html><head><style>p{color:red}</style></head><body><p>Only in <b>HTML</b>.</p>"
        "</body></html>\r\n--b1--\r\n"
    )
    return RealMail(
        "text that exists only in the HTML alternative",
        message(
            *BASIC, "Subject: Test", 'Content-Type: multipart/alternative; boundary="b1"', body=body
        ),
        body_contains="Only in HTML.",
    )


def _inline_image_in_html_alternative() -> RealMail:
    image = base64.b64encode(PIXEL).decode()
    body = (
        "--alt\r\nContent-Type: text/plain\r\n\r\nSee the logo.\r\n"
        '--alt\r\nContent-Type: multipart/related; boundary="rel"\r\n\r\n'
        '--rel\r\nContent-Type: text/html\r\n\r\n<p>See the <img src="cid:logo"></p>\r\n'
        "--rel\r\nContent-Type: image/png; name=logo.png\r\nContent-ID: <logo>\r\n"
        "Content-Disposition: inline; filename=logo.png\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{image}\r\n"
        "--rel--\r\n--alt--\r\n"
    )
    return RealMail(
        "an inline image of the HTML alternative is an attachment, as Gmail lists it",
        message(
            *BASIC,
            "Subject: Test",
            'Content-Type: multipart/alternative; boundary="alt"',
            body=body,
        ),
        body_contains="See the logo.",
        attachments=(("logo.png", len(PIXEL)),),
    )


def _attached_message() -> RealMail:
    inner = (
        "From: c@example.com\r\nTo: a@example.com\r\nSubject: Original\r\n"
        'Content-Type: multipart/alternative; boundary="in"\r\n\r\n'
        "--in\r\nContent-Type: text/plain\r\n\r\nThe forwarded words.\r\n"
        "--in\r\nContent-Type: text/html\r\n\r\n<p>The forwarded <b>words</b>.</p>\r\n"
        "--in--\r\n"
    )
    body = (
        "--out\r\nContent-Type: message/rfc822\r\n"
        'Content-Disposition: attachment; filename="forwarded.eml"\r\n\r\n'
        f"{inner}\r\n--out--\r\n"
    )
    raw = message(
        *BASIC, "Subject: Fwd: Original", 'Content-Type: multipart/mixed; boundary="out"', body=body
    )
    return RealMail(
        "an attached message (message/rfc822) with nothing around it: its text is the body",
        raw,
        subject="Fwd: Original",
        body_contains="The forwarded words.",
        attachments=(("forwarded.eml", _enclosed_size(raw)),),
    )


def _enclosed_size(raw: bytes) -> int:
    """Return the size Gmail gives an attached message: the enclosed message's bytes."""
    part = email.message_from_bytes(raw, policy=compat32).get_payload()[0]
    assert isinstance(part, Message)
    enclosed = part.get_payload()[0]
    assert isinstance(enclosed, Message)
    return len(enclosed.as_bytes())


def real_mail() -> list[RealMail]:
    """Return every generated case."""
    return [
        _eight_bit_word(),
        _eight_bit_word_wrong_charset(),
        *_odd_transfer_encodings(),
        _obsolete_header_names(),
        *_obsolete_addresses(),
        _folded_boundary(),
        _cjk(),
        _rtl(),
        _html_only(),
        _inline_image_in_html_alternative(),
        _attached_message(),
    ]
