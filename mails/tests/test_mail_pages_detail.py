"""A message's page at /mails/<gmail id>: headers, a safe body, Gmail link, the way back."""

# The shared fixtures are imported from test_mail_pages; pytest injects them by parameter name.
from __future__ import annotations

import re

import pytest

from mails.models import Message
from mails.tests.test_mail_pages import detail_ids

pytestmark = pytest.mark.django_db(transaction=True)


def body_block(html: str) -> str:
    return re.search(r'<div class="body" id="body"[^>]*>(.*?)</div>', html, re.DOTALL).group(1)


def test_headers_labels_attachments_and_gmail_link_are_shown(signed_in, mailbox) -> None:
    gmail_id = mailbox.add(
        subject="Offer from Birchwood",
        body="Dear Alex,\nplease find the offer attached.",
        sender="Bea Birch <bea@birchwood.example>",
        cc="hr@birchwood.example",
        attachments=[("offer.pdf", b"%PDF-1.4 " + b"x" * 2048)],
        labels=["INBOX", "Job hunt", "STARRED"],
    )
    mailbox.sync()
    response = signed_in.get(f"/mails/{gmail_id}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Offer from Birchwood · Mailbox</title>" in html
    assert "Bea Birch &lt;bea@birchwood.example&gt;" in html
    assert "<dt>To</dt><dd>alex.morgan@example.com</dd>" in html
    assert "<dt>Cc</dt><dd>hr@birchwood.example</dd>" in html
    assert re.search(r"<dt>Date</dt><dd><time datetime=", html)
    assert '<span class="chip">Job hunt</span>' in html
    assert 'title="Starred">★' in html
    assert (
        f'<a class="filename" href="/mails/{gmail_id}/attachments/0" download>offer.pdf</a>' in html
    )
    assert "2.0\xa0KB · application/pdf" in html
    # Gmail opens in the account that holds the message, not the browser's first (/u/0).
    gmail_url = f"https://mail.google.com/mail/?authuser=alex.morgan@example.com#all/{gmail_id}"
    assert f'href="{gmail_url}"' in html
    assert "Open in Gmail" in html
    assert body_block(html) == "Dear Alex,\nplease find the offer attached."


def test_right_to_left_text_is_shown_in_its_own_direction(signed_in, mailbox) -> None:
    gmail_id = mailbox.add(subject="שלום עולם", body="مرحبا بالعالم")
    mailbox.sync()
    detail = signed_in.get(f"/mails/{gmail_id}").content.decode()
    assert '<h1 class="message-subject" dir="auto">שלום עולם</h1>' in detail
    assert '<div class="body" id="body" dir="auto">مرحبا بالعالم</div>' in detail
    listing = signed_in.get("/mails").content.decode()
    assert '<span class="subject" dir="auto">שלום עולם</span>' in listing
    assert '<bdi dir="auto">مرحبا بالعالم</bdi>' in listing


def test_the_body_is_text_and_only_plain_web_addresses_are_links(signed_in, mailbox) -> None:
    body = (
        "<script>alert(1)</script>\n"
        "Apply at https://jobs.example/apply?id=7&src=mail.\n"
        "Not this: javascript:alert(2) nor https://bank.example@evil.example/ nor "
        "data:text/html,<b>x</b>"
    )
    gmail_id = mailbox.add(subject="Links", body=body)
    mailbox.sync()
    html = signed_in.get(f"/mails/{gmail_id}").content.decode()
    block = body_block(html)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in block
    links = re.findall(r"<a [^>]*>", block)
    assert links == [
        '<a href="https://jobs.example/apply?id=7&amp;src=mail" '
        'rel="noopener noreferrer nofollow" target="_blank">'
    ]
    assert "&lt;b&gt;x&lt;/b&gt;" in block


def test_an_html_mail_viewed_as_text_shows_its_text_without_markup(signed_in, mailbox) -> None:
    gmail_id = mailbox.add(
        subject="<b>Bold</b> <script>alert(1)</script>",
        html='<p>Hello <b>Alex</b></p><script>alert("x")</script><img src=x onerror=alert(3)>',
    )
    mailbox.sync()
    html = signed_in.get(f"/mails/{gmail_id}", {"view": "text"}).content.decode()
    assert "<title>&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt; · Mailbox" in html
    block = body_block(html)
    assert "Hello" in block
    assert "Alex" in block
    assert "<" not in block
    assert "onerror" not in html


def test_words_of_the_search_are_marked_and_the_back_link_returns_to_it(signed_in, mailbox) -> None:
    ids = [mailbox.add(subject=f"Heliotrope note {n}", body="heliotrope inside") for n in range(3)]
    mailbox.sync()
    page = signed_in.get("/mails", {"q": "heliotrope", "page_size": "2"}).content.decode()
    next_url = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    second = signed_in.get(next_url).content.decode()
    assert detail_ids(second) == [ids[0]]
    link = re.search(rf'href="(/mails/{ids[0]}\?[^"]+)"', second).group(1).replace("&amp;", "&")

    html = signed_in.get(link).content.decode()
    assert "<mark>heliotrope</mark> inside" in body_block(html)
    assert "<mark>Heliotrope</mark> note 0" in html
    back = re.search(r'<nav class="back"><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert back == next_url
    assert detail_ids(signed_in.get(back).content.decode()) == [ids[0]]


def test_a_bad_query_in_the_link_still_shows_the_message(signed_in, mailbox) -> None:
    gmail_id = mailbox.add(subject="Plain", body="text")
    mailbox.sync()
    response = signed_in.get(f"/mails/{gmail_id}", {"q": "(unclosed"})
    assert response.status_code == 200
    assert "<mark>" not in response.content.decode()


def test_another_users_message_is_not_found(signed_in, mailbox, other_mailbox) -> None:
    theirs = other_mailbox.add(subject="Private", to="sam.rivera@example.com")
    other_mailbox.sync()
    assert Message.objects.for_user(other_mailbox.user).filter(gmail_id=theirs).exists()
    response = signed_in.get(f"/mails/{theirs}")
    assert response.status_code == 404
    assert "Private" not in response.content.decode()


def test_an_unknown_id_is_not_found(signed_in) -> None:
    assert signed_in.get("/mails/ffffffffffff").status_code == 404
    assert signed_in.get("/mails/not-an-id").status_code == 404


def test_the_page_needs_a_signed_in_user(client, mailbox) -> None:
    gmail_id = mailbox.add(subject="Hidden")
    mailbox.sync()
    response = client.get(f"/mails/{gmail_id}")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign_in")
