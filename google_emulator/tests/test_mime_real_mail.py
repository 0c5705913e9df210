"""MIME that real mail carries is served the way Gmail structures it, not as raw source."""

from __future__ import annotations

import base64
from typing import Any

from google_emulator.mime import ATTACHMENT_INLINE_LIMIT, decode_header_value, parse_message


def _data(body: dict[str, Any]) -> bytes:
    return base64.urlsafe_b64decode(body["data"])


def _header(node: dict[str, Any], name: str) -> str:
    return str(next(h["value"] for h in node["headers"] if h["name"].lower() == name.lower()))


def test_an_8bit_content_disposition_parameter_keeps_the_part_tree() -> None:
    raw = (
        b"From: a@example.com\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n"
        b'--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        + "отчёт.pdf".encode()
        + b'"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + base64.b64encode(b"%PDF-1.4 tiny")
        + b"\r\n--XX--\r\n"
    )
    payload = parse_message(raw).payload
    assert payload["mimeType"] == "multipart/mixed"
    text, pdf = payload["parts"]
    assert _data(text["body"]) == b"See attached."
    assert pdf["filename"] == "отчёт.pdf"
    assert pdf["mimeType"] == "application/pdf"
    assert pdf["body"]["size"] == len(b"%PDF-1.4 tiny")
    assert _data(pdf["body"]) == b"%PDF-1.4 tiny"  # small attachments are inlined too


def test_a_boundary_folded_inside_its_quotes_is_unfolded() -> None:
    raw = (
        b"From: a@example.com\r\nContent-Type: multipart/alternative;\r\n"
        b' boundary="----=_Part_1\r\n _2"\r\n\r\n'
        b"------=_Part_1 _2\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
        b"------=_Part_1 _2\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"
        b"------=_Part_1 _2--\r\n"
    )
    payload = parse_message(raw).payload
    assert [p["mimeType"] for p in payload["parts"]] == ["text/plain", "text/html"]
    assert _header(payload, "Content-Type") == 'multipart/alternative; boundary="----=_Part_1 _2"'


def test_undecodable_header_bytes_become_the_replacement_character() -> None:
    raw = b"From: a@example.com\r\nSubject: =?utf-8?q?caf=C3=A9?= \xff\xfe price\r\n\r\nx"
    subject = parse_message(raw).subject
    assert subject == "café \ufffd\ufffd price"
    assert "\\u" not in subject


def test_8bit_text_beside_and_inside_encoded_words_keeps_its_letters() -> None:
    raw = "Subject: Grüße =?iso-8859-1?q?aus_K=F6ln?=\r\n\r\nx".encode()
    assert parse_message(raw).subject == "Grüße aus Köln"
    latin = b"Subject: =?iso-8859-1?Q?Fr\xf6sche?=\r\n\r\nx"
    assert parse_message(latin).subject == "Frösche"


def test_encoded_words_follow_rfc_2047_spacing() -> None:
    assert decode_header_value("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab"
    assert decode_header_value("=?utf-8?q?a?=\r\n =?utf-8?b?Yg==?=") == "ab"
    assert decode_header_value("x =?utf-8?q?a_b?= y") == "x a b y"
    assert decode_header_value("=?bogus-charset?q?caf=C3=A9?=") == "café"
    assert decode_header_value("=?utf-8*en?q?hi?=") == "hi"


def test_a_large_unnamed_text_part_is_inlined_and_a_large_binary_one_is_not() -> None:
    big = b"a" * (ATTACHMENT_INLINE_LIMIT + 10)
    raw = (
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
        b"Content-Type: text/plain\r\n\r\n" + big + b"\r\n--B\r\n"
        b"Content-Type: application/octet-stream\r\n\r\n" + big + b"\r\n--B--\r\n"
    )
    text, blob = parse_message(raw).payload["parts"]
    assert text["body"]["size"] == len(big)
    assert "data" in text["body"]
    assert blob["body"]["size"] == len(big)
    assert "attachmentId" in blob["body"]


def test_inline_html_tags_do_not_split_words_in_html_only_mail() -> None:
    raw = (
        b"Subject: s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Inter<b>view</b> on <span>Mon</span>day</p><p>next</p><br>line"
    )
    parsed = parse_message(raw)
    assert parsed.snippet == "Interview on Monday next line"
    assert " interview on monday " in parsed.search_index().text


def test_words_only_in_the_html_alternative_are_searchable() -> None:
    raw = (
        b'Subject: s\r\nContent-Type: multipart/alternative; boundary="A"\r\n\r\n'
        b"--A\r\nContent-Type: text/plain\r\n\r\nView this mail in a browser.\r\n"
        b"--A\r\nContent-Type: text/html\r\n\r\n<p>Your <i>interview</i> is on Friday</p>\r\n"
        b"--A--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.snippet == "View this mail in a browser."
    assert "body: your interview is on friday" in parsed.search_index().text


def _attached(inner: bytes, disposition: bytes = b"") -> bytes:
    return (
        b'From: a@example.com\r\nSubject: Fwd\r\nContent-Type: multipart/mixed; boundary="O"\r\n'
        b"\r\n--O\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n"
        b"--O\r\nContent-Type: message/rfc822\r\n"
        + disposition
        + b"\r\n"
        + inner
        + b"\r\n--O--\r\n"
    )


_INNER = (
    b"From: =?utf-8?q?Zo=C3=AB?= <z@example.com>\r\nSubject: Original\r\n"
    b'Content-Type: multipart/mixed; boundary="I"\r\n\r\n'
    b"--I\r\nContent-Type: text/plain\r\n\r\nInner words.\r\n"
    b"--I\r\nContent-Type: application/pdf; name=inner.pdf\r\n\r\n%PDF-tiny\r\n--I--\r\n"
)


def test_an_attached_message_carries_its_own_tree_under_its_part() -> None:
    disposition = b'Content-Disposition: attachment; filename="orig.eml"\r\n'
    parsed = parse_message(_attached(_INNER, disposition))
    _text, attached = parsed.payload["parts"]
    assert (attached["partId"], attached["mimeType"]) == ("1", "message/rfc822")
    assert attached["filename"] == "orig.eml"
    assert _header(attached, "Content-Disposition").startswith("attachment")
    assert attached["body"]["size"] == len(_data(attached["body"])) > len(b"Inner words.")
    (top,) = attached["parts"]
    assert (top["partId"], top["mimeType"]) == ("1.0", "multipart/mixed")
    assert _header(top, "From") == "Zoë <z@example.com>"  # the enclosed message's headers
    assert _header(top, "Subject") == "Original"
    inner_text, pdf = top["parts"]
    assert [inner_text["partId"], pdf["partId"]] == ["1.0.0", "1.0.1"]
    assert _data(inner_text["body"]) == b"Inner words."
    assert pdf["filename"] == "inner.pdf"
    # The outer text is the message's; the attached message's files are its own.
    assert parsed.snippet == "See below."
    assert parsed.filenames == ["orig.eml"]


def test_an_attached_message_alone_gives_the_text_and_a_big_one_an_attachment_id() -> None:
    big = _INNER.replace(b"Inner words.", b"Inner words. " + b"x" * ATTACHMENT_INLINE_LIMIT)
    raw = (
        b'Subject: digest\r\nContent-Type: multipart/mixed; boundary="O"\r\n\r\n'
        b"--O\r\nContent-Type: message/rfc822\r\n\r\n" + big + b"\r\n--O--\r\n"
    )
    parsed = parse_message(raw)
    (attached,) = parsed.payload["parts"]
    assert attached["filename"] == ""
    assert set(attached["body"]) == {"attachmentId", "size"}
    assert parsed.attachments[attached["body"]["attachmentId"]][1] == attached["body"]["size"]
    big_text = attached["parts"][0]["parts"][0]
    assert "attachmentId" not in big_text["body"]  # an unnamed text part is inlined
    assert parsed.snippet.startswith("Inner words.")


def test_white_space_before_a_header_colon_keeps_the_headers() -> None:
    parsed = parse_message(
        b"From : a@example.com\r\nTo: b@example.com\r\nSubject : Spaced\r\n\r\nHi"
    )
    assert (parsed.sender, parsed.subject, parsed.snippet) == ("a@example.com", "Spaced", "Hi")
    assert [h["name"] for h in parsed.headers] == ["From", "To", "Subject"]
    unix_from = b"From a@example.com Mon Jan  1 00:00:00 2024\r\nSubject: x\r\n\r\nbody"
    assert parse_message(unix_from).subject == "x"  # an mbox From_ line is not a header


def test_a_transfer_encoding_with_blanks_and_odd_case_is_honoured() -> None:
    for encoding, body in ((b" Base64 ", b"R3L832U="), (b"\tQuoted-PRINTABLE", b"Gr=FC=DFe")):
        raw = (
            b"Subject: s\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
            b"Content-Transfer-Encoding:" + encoding + b"\r\n\r\n" + body
        )
        assert _data(parse_message(raw).payload["body"]) == "Grüße".encode()


def test_8bit_bytes_the_declared_charset_cannot_read_are_not_lost() -> None:
    raw = b"Subject: =?utf-8?Q?na\xefve?= =?koi8-r?Q?\xf0\xd2\xc9?=\r\n\r\nx"
    assert parse_message(raw).subject == "naïveПри"
    # a character split across two adjacent words of one charset is put back together
    assert decode_header_value("=?utf-8?b?4oK=?= =?utf-8?b?rA==?= x") == "€ x"


def test_only_the_html_lines_the_plain_text_lacks_are_searched_beside_it() -> None:
    raw = (
        b'Subject: s\r\nContent-Type: multipart/alternative; boundary="A"\r\n\r\n'
        b"--A\r\nContent-Type: text/plain\r\n\r\nHi there, 10% off.\r\n"
        b"--A\r\nContent-Type: text/html\r\n\r\n<h1>New arrivals you'll love</h1>"
        b"<p>Hi <b>there</b>, 10% off.</p><div>Unsubscribe</div>\r\n--A--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.alternative_text == "New arrivals you'll love\nUnsubscribe"
    lines = parsed.search_index().text.splitlines()
    assert "body: new arrivals you ll love unsubscribe" in lines
    assert not any("love hi" in line for line in lines)  # no phrase across the plain's line


def test_unnamed_files_and_attached_messages_count_for_has_attachment() -> None:
    image = b'Content-Type: multipart/related; boundary="R"\r\n\r\n--R\r\nContent-Type: text/html'
    image += b"\r\n\r\n<p>x</p>\r\n--R\r\nContent-Type: image/gif\r\n\r\nGIF89a\r\n--R--\r\n"
    assert parse_message(b"Subject: s\r\n" + image).has_attachment
    assert parse_message(_attached(b"Subject: inner\r\n\r\nhello")).has_attachment
    bounce = (
        b'Subject: s\r\nContent-Type: multipart/report; boundary="B"\r\n\r\n--B\r\n'
        b"Content-Type: text/plain\r\n\r\nfailed\r\n--B\r\nContent-Type: message/delivery-status"
        b"\r\n\r\nAction: failed\r\n--B--\r\n"
    )
    assert not parse_message(bounce).has_attachment  # a status report is not a file
    assert not parse_message(b"Subject: s\r\n\r\nplain").has_attachment


def test_every_inline_text_part_of_a_mixed_message_is_shown_in_order() -> None:
    raw = (
        b'Subject: s\r\nContent-Type: multipart/mixed; boundary="M"\r\n\r\n'
        b"--M\r\nContent-Type: text/plain\r\n\r\nGood morning.\r\n"
        b"--M\r\nContent-Type: image/gif\r\n\r\nGIF89a\r\n"
        b"--M\r\nContent-Type: text/html\r\n\r\n<p>The footer.</p>\r\n"
        b'--M\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="a.txt"'
        b"\r\n\r\nnot shown\r\n--M--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.body_text == "Good morning.\n\nThe footer."
    assert parsed.snippet == "Good morning. The footer."


def test_a_named_inline_text_part_is_the_body_only_when_there_is_no_other() -> None:
    named = b'Content-Type: text/plain; name="note.txt"\r\nContent-Disposition: inline\r\n'
    alone = parse_message(b"Subject: s\r\n" + named + b"\r\nRead me.")
    assert alone.body_text == "Read me."
    beside = parse_message(_attached(b"Subject: inner\r\n\r\nInner text."))
    assert beside.body_text == "See below."  # the attached message's text stays its own
