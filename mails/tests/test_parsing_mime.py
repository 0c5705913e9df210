"""MIME bodies and attachments: which text is kept, and how broken structure degrades."""

from __future__ import annotations

import pytest

from mails.parsing import parse_full_message, parse_raw_message, parse_rfc822
from mails.parsing.body_text import BODY_TEXT_LIMIT
from mails.tests.test_parsing import b64url, email_bytes, emulator_full, gmail_full, gmail_raw


def multipart(subtype: str, *parts: str, boundary: str = "b") -> bytes:
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    return email_bytes(
        "From: a@example.com",
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"',
        body=body,
    )


HTML_PAGE = (
    "<html><head><title>Newsletter</title><style>p { color: red }</style>"
    "<script>var leaked = 'script';</script></head><body>"
    "<div><h1>Offer&nbsp;&amp; more</h1><p>Line one<br>line   two</p>"
    "<!-- hidden comment --><ul><li>first</li><li>second</li></ul>"
    "<table><tr><td>cell a</td><td>cell b</td></tr></table>"
    "<script type='text/javascript'>document.write('<p>leak</p>')</script>"
    "<p>5 &lt; 6 &euro;</p></div></body></html>"
)


def test_html_only_body_becomes_text_without_scripts_or_styles() -> None:
    raw = email_bytes("Content-Type: text/html; charset=utf-8", body=HTML_PAGE)
    body = parse_rfc822(raw).body_text

    assert body == "Offer & more\n\nLine one\nline two\n\nfirst\nsecond\n\ncell a cell b\n\n5 < 6 €"


def test_alternative_prefers_plain_text_unless_it_is_blank() -> None:
    plain = "Content-Type: text/plain\r\n\r\nPlain version"
    html = "Content-Type: text/html\r\n\r\n<p>HTML version</p>"
    blank = "Content-Type: text/plain\r\n\r\n  \r\n"

    assert parse_rfc822(multipart("alternative", html, plain)).body_text == "Plain version"
    assert parse_rfc822(multipart("alternative", blank, html)).body_text == "HTML version"


def test_mixed_bodies_are_joined_and_related_images_are_attachments() -> None:
    related = (
        'Content-Type: multipart/related; boundary="r"\r\n\r\n'
        "--r\r\nContent-Type: text/html\r\n\r\n<p>Hello <img src=cid:logo></p>\r\n"
        "--r\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + b64url(b"\x89PNG1234") + "\r\n--r--"
    )
    footer = "Content-Type: text/plain\r\n\r\n-- \r\nMailing list footer"
    parsed = parse_rfc822(multipart("mixed", related, footer))

    assert parsed.body_text == "Hello\n\n--\nMailing list footer"
    assert parsed.attachments == [{"filename": "", "size": 8, "mime_type": "image/png"}]


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ("attachment; filename*=utf-8''%E2%82%AC%20rates.txt", "€ rates.txt"),
        ("attachment;\r\n filename*0*=utf-8''%E6%97%A5%E6%9C%AC;\r\n filename*1=.txt", "日本.txt"),
        ('attachment; filename="=?iso-8859-1?q?r=E9sum=E9.txt?="', "résumé.txt"),
        ("attachment; filename=This is a test.txt", "This is a test.txt"),
        ("attachment; filename==?utf-8?B?VGhpcyBpcyBhIHRlc3QucGRm?=", "This is a test.pdf"),
        ("attachment", ""),
    ],
)
def test_attachment_names_are_decoded(disposition: str, expected: str) -> None:
    part = f"Content-Type: text/plain\r\nContent-Disposition: {disposition}\r\n\r\nfile body"
    parsed = parse_rfc822(multipart("mixed", "Content-Type: text/plain\r\n\r\nBody", part))

    assert parsed.body_text == "Body"
    assert parsed.attachments == [{"filename": expected, "size": 9, "mime_type": "text/plain"}]


def test_attached_message_is_listed_not_read_as_body() -> None:
    inner = "Subject: Forwarded\r\nFrom: x@example.com\r\n\r\nSecret inner text\r\n"
    attached = f"Content-Type: message/rfc822\r\n\r\n{inner}"
    raw = multipart("mixed", "Content-Type: text/plain\r\n\r\nSee attached.", attached)
    parsed = parse_rfc822(raw)

    assert parsed.body_text == "See attached."
    assert [(a["filename"], a["mime_type"]) for a in parsed.attachments] == [("", "message/rfc822")]
    assert parsed.attachments[0]["size"] > len("Secret inner text")


def test_bounce_keeps_the_human_readable_report() -> None:
    raw = multipart(
        "report; report-type=delivery-status",
        "Content-Type: text/plain\r\n\r\nDelivery to jane@example.com failed permanently.",
        "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n"
        "\r\nFinal-Recipient: rfc822; jane@example.com\r\nStatus: 5.1.1\r\n",
        "Content-Type: message/rfc822\r\n\r\nSubject: Application\r\n\r\nMy CV.\r\n",
    )
    parsed = parse_rfc822(raw)

    assert parsed.body_text == "Delivery to jane@example.com failed permanently."
    assert [a["mime_type"] for a in parsed.attachments] == ["message/rfc822"]


def test_report_without_readable_part_falls_back_to_its_status() -> None:
    raw = multipart(
        "report",
        "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n"
        "\r\nFinal-Recipient: rfc822; jane@example.com\r\nStatus: 5.1.1\r\n",
    )

    assert "Status: 5.1.1" in parse_rfc822(raw).body_text


def test_broken_base64_keeps_what_decodes_and_the_other_parts() -> None:
    broken = (
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64url("Grüße aus Köln".encode())[:-3]
        + "!!*\r\n"
    )
    ok = "Content-Type: text/plain\r\n\r\nSecond part survives."
    parsed = parse_rfc822(multipart("mixed", broken, ok))

    assert parsed.body_text.startswith("Grüße aus K")
    assert parsed.body_text.endswith("Second part survives.")
    assert "base64" in parsed.parse_error


def test_bad_quoted_printable_is_kept_as_written() -> None:
    raw = email_bytes(
        "Content-Type: text/plain",
        "Content-Transfer-Encoding: quoted-printable",
        body="100=25 sure =ZZ broken=\r\nsoft break",
    )

    assert parse_rfc822(raw).body_text == "100% sure =ZZ brokensoft break"


def test_multipart_without_boundary_keeps_its_text() -> None:
    raw = email_bytes("Content-Type: multipart/mixed", body="Just text, no parts.\r\n")
    parsed = parse_rfc822(raw)

    assert parsed.body_text == "Just text, no parts."
    assert "boundary" in parsed.parse_error


def test_a_wrong_declared_boundary_is_guessed_from_the_body() -> None:
    raw = multipart(
        "alternative",
        "Content-Type: text/plain\r\n\r\nReal body",
        "Content-Type: text/html\r\n\r\n<p>HTML body</p>",
        boundary="actual",
    ).replace(b'boundary="actual"', b'boundary="declared"')
    parsed = parse_rfc822(raw)

    assert parsed.body_text == "Real body"
    assert "boundary guessed" in parsed.parse_error


def test_truncated_and_header_only_messages_keep_what_arrived() -> None:
    truncated = multipart(
        "mixed",
        "Content-Type: text/plain\r\n\r\nThe beginning",
        "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=cv.pdf\r\n\r\n" + b64url(b"x" * 300),
    )[:-120]
    header_only = b"From: a@example.com\r\nSubject: Nothing else"

    cut = parse_rfc822(truncated)
    assert cut.body_text == "The beginning"
    assert [a["filename"] for a in cut.attachments] == ["cv.pdf"]
    assert "close boundary" in cut.parse_error
    assert parse_rfc822(header_only).subject == "Nothing else"
    assert parse_rfc822(header_only).body_text == ""


def test_body_is_capped_at_100_kb_on_a_character_boundary() -> None:
    text = "ab" + "日本語テキスト" * 20000  # 3-byte characters, the cap falls inside one
    raw = email_bytes("Content-Type: text/plain; charset=utf-8", body=text)
    body = parse_raw_message(gmail_raw(raw)).body_text

    encoded = body.encode("utf-8")
    assert BODY_TEXT_LIMIT - 3 < len(encoded) <= BODY_TEXT_LIMIT
    assert text.startswith(body)
    assert parse_full_message(gmail_full(raw)).body_text == body


def test_huge_html_is_read_linearly_and_capped() -> None:
    row = "<tr><td>Row with <b>bold</b> &amp; an entity</td></tr>\n"
    raw = email_bytes("Content-Type: text/html", body="<table>" + row * 60000 + "</table>")
    assert len(raw) > 3_000_000

    body = parse_rfc822(raw).body_text
    assert len(body.encode("utf-8")) <= BODY_TEXT_LIMIT
    assert body.startswith("Row with bold & an entity\nRow with bold")


def test_deep_nesting_is_cut_not_crashed() -> None:
    part = "Content-Type: text/plain\r\n\r\nbottom"
    for depth in range(60):
        part = (
            f'Content-Type: multipart/mixed; boundary="n{depth}"\r\n\r\n'
            f"--n{depth}\r\n{part}\r\n--n{depth}--"
        )
    parsed = parse_rfc822(f"Subject: deep\r\n{part}".encode())

    assert parsed.subject == "deep"
    assert parsed.body_text == ""
    assert "deeper than 30" in parsed.parse_error


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>5 < 6 &amp;&amp; 7 > 3</p>", "5 < 6 && 7 > 3"),
        ("<a title=\"a>b\" href='x'>link</a> after", "link after"),
        ("<title>Only a title</title><img src=cid:banner>", "Only a title"),
        (
            "<title>Unclosed title swallows nothing<p>body",
            "Unclosed title swallows nothing\n\nbody",
        ),
        ("<p>before</p><script>hidden(); <p>never shown", "before"),
        ("<p>before</p><!-- unclosed comment <p>hidden", "before"),
        ("<![CDATA[x]]><!DOCTYPE html><?xml version='1.0'?>text", "text"),
        ("<pre>  two  spaces\n  kept lines</pre>", "two spaces\nkept lines"),
        ("<p>caf&eacute; &#233; &#xE9; &bogus; &</p>", "café é é &bogus; &"),
    ],
)
def test_html_edge_cases(markup: str, expected: str) -> None:
    raw = email_bytes("Content-Type: text/html; charset=utf-8", body=markup)

    assert parse_rfc822(raw).body_text == expected


@pytest.mark.parametrize(
    "raw",
    [
        # html.parser needs minutes for this on Python 3.11 (CVE-2025-6069).
        email_bytes("Content-Type: text/html", body="<p>kept</p>" + "<a href='" * 40000),
        # The stdlib's parameter parsing is quadratic in the header's length.
        email_bytes("Content-Type: text/plain; charset=utf-8; " + "a=b; " * 40000, body="kept"),
        # Nested comments make policy.default recurse past the limit.
        email_bytes("Content-Type: text/plain (" + "(" * 5000, body="kept"),
        # 20,000 parts: the walk stops at 500, the stdlib parser must not crawl.
        multipart("mixed", *["Content-Type: text/plain\r\n\r\nkept"] * 20000),
    ],
    ids=["unclosed-tags", "content-type-params", "nested-comments", "many-parts"],
)
def test_pathological_inputs_are_read_in_linear_time(raw: bytes) -> None:
    parsed = parse_raw_message(gmail_raw(raw))

    assert parsed.body_text.startswith("kept")


def forwarded(inner: bytes, times: int) -> bytes:
    """``inner`` forwarded as an attachment ``times`` times, each message nothing but it."""
    for hop in range(times):
        inner = email_bytes(
            f"From: hop{hop}@example.com",
            f"Subject: Fwd {hop}",
            "Content-Type: message/rfc822",
            "Content-Disposition: inline",
            body=inner,
        )
    return inner


@pytest.mark.parametrize("times", [1, 2, 3])
def test_a_forward_of_a_forward_shows_the_innermost_text(times: int) -> None:
    original = email_bytes(
        "From: origin@example.com",
        "Subject: Quarterly figures",
        "Content-Type: text/plain",
        body="The quarterly figures are attached below.\r\n",
    )
    raw = forwarded(original, times)
    for parsed in (parse_raw_message(gmail_raw(raw)), parse_full_message(emulator_full(raw))):
        assert parsed.body_text == "The quarterly figures are attached below."
        assert [a["mime_type"] for a in parsed.attachments] == ["message/rfc822"]


def test_forwards_nested_beyond_the_limit_are_cut_with_a_note() -> None:
    raw = forwarded(email_bytes("From: o@example.com", body="deep\r\n"), 40)
    parsed = parse_raw_message(gmail_raw(raw))
    assert parsed.body_text == ""
    assert "cut" in parsed.parse_error


def test_a_file_sent_as_an_alternative_is_still_listed() -> None:
    raw = multipart(
        "alternative",
        "Content-Type: text/plain\r\n\r\nSee the report.",
        'Content-Type: application/pdf; name="report.pdf"\r\n'
        'Content-Disposition: attachment; filename="report.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK",
    )
    for parsed in (parse_raw_message(gmail_raw(raw)), parse_full_message(emulator_full(raw))):
        assert parsed.body_text == "See the report."
        assert [a["filename"] for a in parsed.attachments] == ["report.pdf"]
