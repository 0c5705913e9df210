"""Property tests: whatever bytes or payload Gmail hands over, parsing returns a message.

Nothing but a missing id may raise; every result must be storable as it is.
"""

from __future__ import annotations

import base64
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mails.parsing import parse_full_message, parse_raw_message, parse_rfc822
from mails.tests.test_parsing import (
    ALTERNATIVE,
    assert_storable,
    email_bytes,
    gmail_full,
    gmail_meta,
    gmail_raw,
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SEEDS = [
    ALTERNATIVE,
    email_bytes(
        'From: =?koi8-r?b?8NLJ18XU?= <a@b.ru>, "Doe, J" <j@x.org>',
        "Subject: =?iso-2022-jp?B?GyRCJDkkXyReJDskcyEjGyhC?= =?utf-8?q?caf=C3=A9?=",
        "Date: Tue, 14 Nov 2023 22:13:20 +0100",
        "Content-Type: multipart/report; boundary=r",
        body=(
            "--r\r\nContent-Type: text/html; charset=windows-1251\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            "<p>=C0=E1=E2</p><script>x</script>\r\n"
            "--r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n\r\n"
            "--r\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n"
            "--r\r\nContent-Type: application/pdf; name*=utf-8''%E2%82%AC.pdf\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--r--\r\n"
        ),
    ),
]
# Bytes that steer a parser into its rarely used paths.
TOKENS = [
    b"=?", b"?=", b"=?utf-8?b?", b"=?x-bad?q?", b"?q?", b"\r\n", b"\r\n\r\n", b"\n\t", b"--",
    b"--b\r\n", b"--r--", b"boundary=", b"charset=", b"utf-16", b"iso-2022-jp", b"base64",
    b"Content-Type: multipart/mixed; boundary=x\r\n", b"Content-Transfer-Encoding: base64\r\n",
    b"message/rfc822", b"\xff\xfe", b"\x00", b"\x1b$B", b"<script>", b"<title>", b"&#x110000;",
    b"filename*0*=", b"%E2%8", b";", b'"', b"\\", b"(", b"<", b">", b",", b"@", b":",
]  # fmt: skip


@st.composite
def mutated_emails(draw: st.DrawFn) -> bytes:
    """Return a seed email with random deletions, insertions and truncation."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "flip", "duplicate"]))
        if action == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS) | st.binary(max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def check_raw(raw: bytes) -> None:
    parsed = parse_raw_message(gmail_raw(raw))
    assert parsed.gmail_id == "18c0ffee"
    assert_storable(parsed)
    parse_rfc822(raw)
    assert_storable(parse_full_message(gmail_full(raw, to_utf8=False)))


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_always_give_a_message(raw: bytes) -> None:
    check_raw(raw)


@FAST
@given(mutated_emails())
def test_mutated_emails_always_give_a_message(raw: bytes) -> None:
    check_raw(raw)


@FAST
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["From", "To", "Cc", "Subject", "Date", "Content-Type", "List-Id"]),
            st.text(max_size=80),
        ),
        max_size=6,
    ),
    st.text(max_size=200),
)
def test_arbitrary_header_text_always_gives_a_message(
    headers: list[tuple[str, str]], body: str
) -> None:
    raw = "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n" + body
    check_raw(raw.encode("utf-8", "surrogatepass"))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


def payload_nodes() -> st.SearchStrategy[dict[str, Any]]:
    mime_types = st.sampled_from(
        ["text/plain", "text/html", "multipart/mixed", "multipart/alternative",
         "message/rfc822", "image/png", "text/x-odd", "garbage", ""]
    )  # fmt: skip
    headers = st.lists(
        st.fixed_dictionaries(
            {"name": st.sampled_from(["Content-Type", "Content-Disposition", "Subject", "From"]),
             "value": st.text(max_size=60)}
        ),
        max_size=4,
    )  # fmt: skip
    data = st.binary(max_size=300).map(lambda b: base64.urlsafe_b64encode(b).decode())
    body = st.fixed_dictionaries(
        {}, optional={"data": data | JSON, "size": JSON, "attachmentId": JSON}
    )
    leaf = st.fixed_dictionaries(
        {"mimeType": mime_types},
        optional={"headers": headers | JSON, "body": body | JSON, "filename": st.text() | JSON},
    )
    return st.recursive(
        leaf,
        lambda children: st.fixed_dictionaries(
            {"mimeType": mime_types, "parts": st.lists(children, max_size=4) | JSON},
            optional={"headers": headers},
        ),
        max_leaves=12,
    )


@FAST
@given(payload_nodes(), st.dictionaries(st.sampled_from(list(gmail_meta())), JSON))
def test_arbitrary_full_payloads_and_metadata_always_give_a_message(
    payload: dict[str, Any], meta: dict[str, Any]
) -> None:
    parsed = parse_full_message({**meta, "id": "x1", "payload": payload})

    assert parsed.gmail_id == "x1"
    assert_storable(parsed)


HTML_TOKENS = [
    "<p>", "</p>", "<br>", "<br/>", "<div>", "</div>", "<script>", "</script>", "<style>",
    "</style>", "<title>", "</title>", "<pre>", "</pre>", "<!--", "-->", "<td>", " ", "\n",
    "&amp;", "&#x", "&#1114112;", "&", ";", ">", "<a href=x>", "</a>",
]  # fmt: skip
# Unclosed quotes, "<!" or "<?" (bogus comments) and "<" glued to text ("<A<script>" is one
# tag named "a<script" to a browser) end at the next ">", even one in "<script>": they may
# show a script's text in browsers too, so only the robustness test uses them.
UNSAFE_TOKENS = ["<!", "<?", "<a href='", '<a title="', "'", '"', "=", "<"]
HTML_TEXT = st.text(st.characters(blacklist_characters="<!?='\""), max_size=6)


def html_documents(tokens: list[str]) -> st.SearchStrategy[str]:
    """Return markup with a script in the middle of random tags and text."""
    parts = st.lists(st.sampled_from(tokens) | HTML_TEXT, max_size=60)
    return parts.map(
        lambda p: "".join([*p[: len(p) // 2], "<script>SECRET()</script>", *p[len(p) // 2 :]])
    )


def parse_html(markup: str) -> str:
    body = markup.encode("utf-8", "replace")
    parsed = parse_raw_message(gmail_raw(email_bytes("Content-Type: text/html", body=body)))
    assert_storable(parsed)
    return parsed.body_text


@FAST
@given(html_documents(HTML_TOKENS))
def test_html_never_shows_a_script(markup: str) -> None:
    assert "SECRET" not in parse_html(markup)


@FAST
@given(html_documents(HTML_TOKENS + UNSAFE_TOKENS))
def test_broken_html_always_gives_text(markup: str) -> None:
    parse_html(markup)
