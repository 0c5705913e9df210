"""Reading mail from Gmail on demand: the HTML in a sandboxed frame, files as downloads, the
images choice, the conversation — all through the emulator, and none of it for anyone else."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest

from mails import images
from mails.models import Message
from mails.tests.mailboxes import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)

HTML = (
    '<html><head><base href="https://evil.example/"><meta http-equiv="refresh" content="0">'
    "</head><body><p>Dear <b>Alex</b>, see the "
    '<a href="https://jobs.example/offer">offer</a>.</p><script>alert(1)</script>'
    '<img src="https://img.example/logo.png" width="120" alt="Birchwood">'
    '<img src="https://t.example/o.gif" width="1" height="1">'
    '<form action="https://evil.example/"><input name="p"></form></body></html>'
)
PDF = b"%PDF-1.4 " + bytes(range(256)) * 40  # above the emulator's inline limit
NOTE = "résumé notes – final.txt"


def deliver(mailbox: Mailbox, message: EmailMessage, *, thread_of: str | None = None) -> str:
    mailbox.clock += timedelta(minutes=1)
    message["Date"] = format_datetime(mailbox.clock)
    message["Message-ID"] = make_msgid(domain="birchwood.example")
    message["To"] = mailbox.user.email
    kwargs = {"thread_id": thread_of} if thread_of else {}
    return mailbox.google.emulator.deliver(
        mailbox.user.email,
        message.as_bytes(),
        internal_date=int(mailbox.clock.timestamp() * 1000),
        **kwargs,
    )


def html_mail(
    subject: str = "Your offer", sender: str = "Bea <bea@birchwood.example>"
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["Subject"] = subject
    message.set_content("Dear Alex, see the offer: https://jobs.example/offer")
    message.add_alternative(HTML, subtype="html")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="offer.pdf")
    message.add_attachment(b"short", maintype="text", subtype="plain", filename=NOTE)
    message.add_attachment(
        b"<script>alert(1)</script>", maintype="text", subtype="html", filename="x.html"
    )
    return message


@pytest.fixture
def offer(signed_in, mailbox: Mailbox) -> str:
    gmail_id = deliver(mailbox, html_mail())
    mailbox.sync()
    return gmail_id


def frame_src(page: str) -> str:
    found = re.search(r'<iframe class="mail-frame" id="mail-frame" src="([^"]+)"[^>]*>', page)
    assert found, "no mail frame"
    tag = found.group(0)
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox allow-same-origin"' in tag
    return found.group(1).replace("&amp;", "&")


def test_the_html_is_shown_sanitised_in_a_sandboxed_frame(signed_in, offer) -> None:
    page = signed_in.get(f"/mails/{offer}").content.decode()
    src = frame_src(page)
    assert src == f"/mails/{offer}/html"
    assert "1 image from the web is hidden" in page
    frame = signed_in.get(src)
    assert frame.status_code == 200
    body = frame.content.decode()
    assert "Dear <b>Alex</b>" in body
    assert '<a href="https://jobs.example/offer" target="_blank" rel="noopener noreferrer">' in body
    for gone in ("<script", "evil.example", "<base", "<meta http-equiv", "<form", "t.example"):
        assert gone not in body
    assert '<img width="120" alt="Birchwood">' in body  # blocked: no address
    csp = frame["Content-Security-Policy"]
    assert "script-src 'none'" in csp
    assert "form-action 'none'" in csp
    assert "img-src data:" in csp
    assert "https:" not in csp
    assert "sandbox allow-popups" in csp
    assert "allow-scripts" not in csp
    assert "frame-ancestors 'self'" in csp
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    # The page itself keeps the site's policy: no frame of it anywhere.
    assert signed_in.get(f"/mails/{offer}")["X-Frame-Options"] == "DENY"


def test_view_as_text_shows_the_stored_text(signed_in, offer) -> None:
    page = signed_in.get(f"/mails/{offer}", {"view": "text"}).content.decode()
    assert "mail-frame" not in page
    assert re.search(r'<div class="body" id="body" dir="auto">Dear Alex, see the offer', page)
    assert "View as HTML" in page


def test_a_plain_text_mail_shows_its_text_without_a_frame(signed_in, mailbox) -> None:
    gmail_id = mailbox.add(subject="Plain", body="Only text here")
    mailbox.sync()
    page = signed_in.get(f"/mails/{gmail_id}").content.decode()
    assert "mail-frame" not in page
    assert '<div class="body" id="body" dir="auto">Only text here</div>' in page


def test_images_once_and_remembered_per_sender(signed_in, mailbox, offer) -> None:
    once = signed_in.get(f"/mails/{offer}", {"images": "once"}).content.decode()
    assert frame_src(once) == f"/mails/{offer}/html?images=1"
    shown = signed_in.get(f"/mails/{offer}/html", {"images": "1"})
    assert 'src="https://img.example/logo.png"' in shown.content.decode()
    assert "https:" in shown["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    assert "t.example" not in shown.content.decode()  # the pixel stays out
    # Still blocked on the next visit: "once" is not remembered.
    assert frame_src(signed_in.get(f"/mails/{offer}").content.decode()).endswith("/html")

    response = signed_in.post(f"/mails/{offer}/show-images")
    assert response.status_code == 302
    assert images.allowed(mailbox.user.pk, "bea@birchwood.example")
    second = deliver(mailbox, html_mail("Second offer"))
    other_sender = deliver(mailbox, html_mail("Other", sender="Cy <cy@other.example>"))
    mailbox.sync()
    assert frame_src(signed_in.get(f"/mails/{second}").content.decode()).endswith("?images=1")
    assert frame_src(signed_in.get(f"/mails/{other_sender}").content.decode()).endswith("/html")

    signed_in.post(f"/mails/{offer}/show-images", {"action": "forget"})
    assert frame_src(signed_in.get(f"/mails/{second}").content.decode()).endswith("/html")


def test_show_images_needs_a_post_with_csrf(mailbox, offer) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(mailbox.user)
    assert strict.get(f"/mails/{offer}/show-images").status_code == 405
    assert strict.post(f"/mails/{offer}/show-images").status_code == 403
    assert not images.allowed(mailbox.user.pk, "bea@birchwood.example")


def test_attachments_download_from_gmail(signed_in, offer) -> None:
    page = signed_in.get(f"/mails/{offer}").content.decode()
    assert f'href="/mails/{offer}/attachments/0" download>offer.pdf</a>' in page
    response = signed_in.get(f"/mails/{offer}/attachments/0")
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"offer.pdf\"; filename*=UTF-8''offer.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF))

    note = signed_in.get(f"/mails/{offer}/attachments/1")
    assert note.content == b"short"  # inlined by Gmail: no second call
    assert note["Content-Disposition"] == (
        'attachment; filename="resume notes _ final.txt"; '
        "filename*=UTF-8''r%C3%A9sum%C3%A9%20notes%20%E2%80%93%20final.txt"
    )
    # HTML is never served as HTML from our origin.
    html = signed_in.get(f"/mails/{offer}/attachments/2")
    assert html["Content-Type"] == "application/octet-stream"
    assert "sandbox" in html["Content-Security-Policy"]


def test_a_download_costs_one_attachments_get(signed_in, mailbox, offer, google) -> None:
    def calls() -> dict[str, int]:
        return dict(google.emulator.stats(mailbox.user.email)["calls"])

    before = calls()
    assert signed_in.get(f"/mails/{offer}/attachments/0").status_code == 200
    after = calls()
    get = "users.messages.attachments.get"
    assert after.get(get, 0) == before.get(get, 0) + 1
    # An inlined file needs the message only.
    signed_in.get(f"/mails/{offer}/attachments/1")
    assert calls().get(get, 0) == after[get]


def test_no_such_attachment_is_a_404(signed_in, offer) -> None:
    assert signed_in.get(f"/mails/{offer}/attachments/9").status_code == 404


def test_another_users_message_html_and_files_are_not_found(
    signed_in, mailbox, other_mailbox
) -> None:
    theirs = deliver(other_mailbox, html_mail("Private offer"))
    other_mailbox.sync()
    assert Message.objects.for_user(other_mailbox.user).filter(gmail_id=theirs).exists()
    for path in ("", "/html", "/html?images=1", "/attachments/0"):
        response = signed_in.get(f"/mails/{theirs}{path}")
        assert response.status_code == 404, path
        assert b"Private" not in response.content
        assert b"PDF" not in response.content
    assert signed_in.post(f"/mails/{theirs}/show-images").status_code == 404


def test_the_conversation_shows_every_message_newest_open(signed_in, mailbox) -> None:
    first = mailbox.add(subject="Interview", body="Can you come Tuesday?")
    mailbox.sync()
    thread_id = Message.objects.for_user(mailbox.user).get(gmail_id=first).thread_id
    reply = EmailMessage()
    reply["From"] = "Bea <bea@birchwood.example>"
    reply["Subject"] = "Re: Interview"
    reply.set_content("Tuesday at 10 then.")
    second = deliver(mailbox, reply, thread_of=thread_id)
    mailbox.sync()
    page = signed_in.get(f"/mails/{first}").content.decode()
    blocks = re.findall(r'<details class="thread-message[^"]*" id="m-([^"]+)"( open)?>', page)
    assert blocks == [(first, " open"), (second, " open")]
    assert "2 messages in this conversation" in page
    newest = signed_in.get(f"/mails/{second}").content.decode()
    blocks = re.findall(r'<details class="thread-message[^"]*" id="m-([^"]+)"( open)?>', newest)
    assert blocks == [(first, ""), (second, " open")]


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f0c0000000049454e44ae426082"
)


def test_inline_images_of_the_message_are_shown_from_its_own_parts(signed_in, mailbox) -> None:
    message = EmailMessage()
    message["From"] = "Bea <bea@birchwood.example>"
    message["Subject"] = "With a logo"
    message.set_content("Logo above")
    message.add_alternative(
        '<p><img src="cid:logo@birchwood" alt="Birchwood"> Hello</p>', subtype="html"
    )
    html_part = message.get_payload()[1]
    html_part.add_related(PNG * 200, maintype="image", subtype="png", cid="<logo@birchwood>")
    gmail_id = deliver(mailbox, message)
    mailbox.sync()
    signed_in.get(f"/mails/{gmail_id}")
    body = signed_in.get(f"/mails/{gmail_id}/html").content.decode()
    assert '<img src="data:image/png;base64,' in body
    assert "cid:" not in body


def test_without_google_the_text_is_shown_and_files_say_why(signed_in, mailbox, offer) -> None:
    signed_in.post("/account/disconnect")
    page = signed_in.get(f"/mails/{offer}").content.decode()
    assert "mail-frame" not in page
    assert "Connect Google to see this message as it was designed." in page
    assert re.search(r'<div class="body" id="body" dir="auto">Dear Alex', page)
    download = signed_in.get(f"/mails/{offer}/attachments/0")
    assert download.status_code == 409
    assert b"Connect Google" in download.content


def test_an_attached_message_downloads_as_one_file(signed_in, mailbox) -> None:
    inner = EmailMessage()
    inner["From"] = "Cy <cy@other.example>"
    inner["Subject"] = "Forwarded offer"
    inner.set_content("The original offer")
    inner.add_alternative("<p>INNER HTML</p>", subtype="html")
    inner.add_attachment(b"%PDF inner", maintype="application", subtype="pdf", filename="in.pdf")
    outer = EmailMessage()
    outer["From"] = "Bea <bea@birchwood.example>"
    outer["Subject"] = "Fwd: offer"
    outer.set_content("See attached")
    outer.add_alternative("<p>See <b>attached</b></p>", subtype="html")
    outer.add_attachment(inner, filename="offer.eml")
    gmail_id = deliver(mailbox, outer)
    mailbox.sync()
    stored = Message.objects.for_user(mailbox.user).get(gmail_id=gmail_id).attachments
    assert [a["mime_type"] for a in stored] == ["message/rfc822"]
    response = signed_in.get(f"/mails/{gmail_id}/attachments/0")
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert b"Subject: Forwarded offer" in response.content
    assert b"The original offer" in response.content
    # The attached message's HTML is not shown as this message's body.
    signed_in.get(f"/mails/{gmail_id}")
    frame = signed_in.get(f"/mails/{gmail_id}/html").content.decode()
    assert "See <b>attached</b>" in frame
    assert "INNER HTML" not in frame
