"""has:youtube/drive/document/spreadsheet/presentation find links that only an HTML href holds.

"Click here" mail says nothing of YouTube in its text: the target is in ``<a href>``. The
parser keeps the http(s) targets of the HTML parts (``links``) and the index reads them.
"""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest

from mails.parsing import ParsedMessage, parse_raw_message
from mails.parsing.htmltext import MAX_LINKS, read_html
from mails.search.service import search
from mails.store import document_of

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=42"
SHEET = "https://docs.google.com/spreadsheets/d/1AbC/edit"


def _raw(plain: str | None, html: str | None, subject: str = "News") -> bytes:
    message = EmailMessage()
    message["From"] = "Ana Lima <ana@lima.example>"
    message["To"] = "alex.morgan@example.com"
    message["Subject"] = subject
    if plain is not None:
        message.set_content(plain)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    return message.as_bytes()


def _parse(raw: bytes) -> ParsedMessage:
    return parse_raw_message({"id": "m1", "raw": base64.urlsafe_b64encode(raw).decode()})


def _terms(raw: bytes) -> set[str]:
    return set(document_of(_parse(raw))["search_terms"])


def test_an_html_only_click_here_link_counts() -> None:
    parsed = _parse(_raw(None, f'<p>Our talk: <a href="{VIDEO}">click here</a></p>'))
    assert "youtube" not in parsed.body_text.lower()
    # Entities are decoded as a browser would.
    assert parsed.links == ["https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42"]
    terms = set(document_of(parsed)["search_terms"])
    assert "has:youtube" in terms
    assert "has:drive" not in terms


def test_the_html_alternative_of_a_plain_body_is_read_for_links() -> None:
    html = f"<p>The numbers are <a href='{SHEET}'>in the sheet</a>.</p>"
    terms = _terms(_raw("The numbers are in the sheet.", html))
    assert {"has:spreadsheet", "has:drive"} <= terms
    assert "has:document" not in terms


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("<a href=https://youtu.be/abc>watch</a>", ["https://youtu.be/abc"]),  # unquoted
        ("<A HREF = 'https://drive.google.com/x'>file</A>", ["https://drive.google.com/x"]),
        ('<area shape="rect" href="https://youtu.be/m">', ["https://youtu.be/m"]),
        ('<a href="mailto:x@example.com">mail</a>', []),  # not a web link
        ('<a href="/relative">page</a>', []),
        ('<a data-href="https://youtu.be/no" href="#top">top</a>', []),
        ('<img src="https://youtu.be/img.png">', []),  # an image is not a link
        ('<!-- <a href="https://youtu.be/hidden">x</a> -->', []),  # commented out
        ('<a href=" https://youtu.be/sp ace ">x</a>', ["https://youtu.be/space"]),
    ],
)
def test_which_hrefs_are_links(tag: str, expected: list[str]) -> None:
    assert read_html(f"<p>{tag}</p>").links == expected


def test_links_are_unique_and_bounded() -> None:
    anchors = "".join(f'<a href="https://example.com/{i % 150}">{i}</a>' for i in range(400))
    links = read_html(anchors).links
    assert len(links) == MAX_LINKS
    assert len(set(links)) == MAX_LINKS
    assert links[0] == "https://example.com/0"


def test_a_word_youtube_in_a_link_text_is_not_a_link() -> None:
    assert "has:youtube" not in _terms(_raw(None, '<a href="https://example.com">youtube</a>'))


@pytest.mark.django_db(transaction=True)
def test_search_finds_href_only_links_synced_from_gmail(mailbox) -> None:
    video = mailbox.add(subject="Talk", html=f'<p>Recording: <a href="{VIDEO}">click here</a></p>')
    mailbox.add(subject="Talk notes", body="No recording this time.")
    sheet = mailbox.google.emulator.deliver(
        mailbox.user.email,
        _raw("Numbers attached.", f'<a href="{SHEET}">Numbers</a> attached.', "Numbers"),
        labels=["INBOX"],
    )
    mailbox.sync()
    assert [m.gmail_id for m in search(mailbox.user, "has:youtube").messages] == [video]
    assert [m.gmail_id for m in search(mailbox.user, "has:spreadsheet").messages] == [sheet]
    assert sheet in {m.gmail_id for m in search(mailbox.user, "has:drive").messages}


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Slides: HTTPS://DOCS.GOOGLE.COM/Presentation/d/9", {"presentation", "drive"}),
        ("watch youtu.be/abc or www.YouTube-NoCookie.com/embed/x", {"youtube"}),
        ("mail google.com/ about nothing", set()),
        ("no links at all", set()),
    ],
)
def test_link_kinds_whatever_the_case(text: str, kinds: set[str]) -> None:
    from mails.search.index import link_terms

    assert set(link_terms({"body_text": text})) == {f"has:{kind}" for kind in kinds}
