"""The search page at /mails: results, highlighting, paging, errors, empty state, isolation.

Mail reaches the database the way it does in production: delivered to the Google emulator as
RFC 822 bytes, then copied by the real sync. The page runs the real search on MongoDB and Redis.
"""

from __future__ import annotations

import re

import pytest

from mails import annotations as badge_registry
from mails.annotations import Badge

pytestmark = pytest.mark.django_db(transaction=True)


def rows(html: str) -> list[str]:
    return re.findall(r'<li class="mail-row[^"]*">.*?</li>', html, re.DOTALL)


def detail_ids(html: str) -> list[str]:
    return re.findall(r'href="/mails/([0-9a-f]+)[?"]', html)


def test_the_query_finds_its_mail_newest_first_and_stays_in_the_box(signed_in, mailbox) -> None:
    older = mailbox.add(subject="Zephyrine interview", body="See you Monday")
    newer = mailbox.add(subject="Re: zephyrine interview", body="Moved to Tuesday")
    mailbox.add(subject="Unrelated lunch", body="Pizza?")
    mailbox.sync()

    response = signed_in.get("/mails", {"q": "zephyrine"})

    assert response.status_code == 200
    html = response.content.decode()
    assert detail_ids(html) == [newer, older]
    assert 'value="zephyrine"' in html
    assert "<title>zephyrine – Search · Mailbox</title>" in html
    assert "2 results" in html


def test_matched_words_are_marked_in_subject_and_snippet_even_without_accents(
    signed_in, mailbox
) -> None:
    mailbox.add(subject="Le Café du coin", body="Rendez-vous au CAFÉ demain")
    mailbox.sync()
    html = signed_in.get("/mails", {"q": "cafe"}).content.decode()
    [row] = rows(html)
    assert "<mark>Café</mark>" in row
    assert "<mark>CAFÉ</mark>" in row


def test_a_row_shows_sender_date_labels_attachment_and_unread(signed_in, mailbox) -> None:
    mailbox.add(
        subject="Quillwort offer letter",
        body="Attached.",
        sender="Ana Lima <ana@lima.example>",
        attachments=[("offer.pdf", b"%PDF-1.4 offer")],
        labels=["INBOX", "UNREAD", "CATEGORY_UPDATES", "Job hunt"],
    )
    mailbox.sync()
    [row] = rows(signed_in.get("/mails", {"q": "quillwort"}).content.decode())
    assert 'class="mail-row unread"' in row
    assert "Ana Lima" in row
    assert re.search(r'<time class="date" datetime="[^"]+"[^>]*>\d\d:\d\d</time>', row)
    assert 'aria-label="Has attachments"' in row
    chips = re.findall(r'<span class="chip">(.*?)</span>', row)
    assert "Job hunt" in chips
    assert not [chip for chip in chips if chip in {"UNREAD", "CATEGORY_UPDATES", "Unread"}]


def test_badges_from_registered_providers_are_shown(signed_in, mailbox, monkeypatch) -> None:
    monkeypatch.setattr(badge_registry, "_providers", [])
    badged = mailbox.add(subject="Larkspur application received")
    mailbox.add(subject="Larkspur newsletter")
    mailbox.sync()
    asked: list[object] = []

    def provider(user_id, gmail_ids):
        asked.append(user_id)
        return {badged: Badge("Applied", "status-applied", "Application confirmed")}

    badge_registry.register_badge_provider(provider)
    html = signed_in.get("/mails", {"q": "larkspur"}).content.decode()
    badges = re.findall(r'<span class="badge status-applied" title="([^"]*)">(.*?)</span>', html)
    assert badges == [("Application confirmed", "Applied")]
    assert asked == [mailbox.user.pk]


def test_pages_go_forward_and_back_by_cursor(signed_in, mailbox) -> None:
    ids = [mailbox.add(subject=f"Marigold update {n}") for n in range(5)]
    mailbox.sync()
    newest_first = ids[::-1]

    first = signed_in.get("/mails", {"q": "marigold", "page_size": "2"}).content.decode()
    assert detail_ids(first) == newest_first[:2]
    assert "2+ results" in first
    assert 'rel="prev"' not in first
    second_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = signed_in.get(second_url).content.decode()
    assert detail_ids(second) == newest_first[2:4]
    third_url = re.search(r'href="([^"]+)" rel="next"', second).group(1).replace("&amp;", "&")
    third = signed_in.get(third_url).content.decode()
    assert detail_ids(third) == newest_first[4:]
    assert 'rel="next"' not in third
    back_url = re.search(r'href="([^"]+)" rel="prev"', third).group(1).replace("&amp;", "&")
    assert detail_ids(signed_in.get(back_url).content.decode()) == newest_first[2:4]


def test_a_malformed_query_is_a_400_naming_and_marking_the_position(signed_in, mailbox) -> None:
    response = signed_in.get("/mails", {"q": 'from:ana (offer OR "interview'})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert re.search(r"position \d+", html)
    assert '<mark class="fault"' in html
    assert 'value="from:ana (offer OR &quot;interview"' in html


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"page_size": "0"}, "page"),
        ({"page_size": "1000"}, "page"),
        ({"page_size": "ten"}, "whole number"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_paging_parameters_are_a_400_with_a_message(
    signed_in, mailbox, params, fragment
) -> None:
    response = signed_in.get("/mails", {"q": "x", **params})
    assert response.status_code == 400
    [alert] = re.findall(r'<div class="search-error".*?</div>', response.content.decode(), re.S)
    assert fragment in alert.lower()


def test_no_match_explains_and_offers_a_way_out(signed_in, mailbox) -> None:
    mailbox.sync()
    html = signed_in.get("/mails", {"q": "xylophonist"}).content.decode()
    assert "No mail matches <q>xylophonist</q>" in html
    assert '<a href="/mails">Clear the search</a>' in html
    assert '<details class="cheatsheet" open>' in html
    assert rows(html) == []


def test_all_mail_shows_with_an_empty_query_and_the_sync_banner(signed_in, mailbox) -> None:
    newest = mailbox.add(subject="Newest of all")
    mailbox.sync()
    html = signed_in.get("/mails").content.decode()
    assert detail_ids(html)[0] == newest
    assert len(rows(html)) == 50
    assert "50+ results" in html
    assert 'id="sync-banner"' in html
    assert "<title>Mail · Mailbox</title>" in html


def test_script_in_a_subject_or_snippet_is_shown_as_text(signed_in, mailbox) -> None:
    mailbox.add(subject="<script>alert(1)</script> hemlock", body="<img src=x onerror=alert(2)>")
    mailbox.sync()
    html = signed_in.get("/mails", {"q": "hemlock"}).content.decode()
    [row] = rows(html)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>hemlock</mark>" in row
    assert "<img" not in row
    assert "&lt;img src=x onerror=alert(2)&gt;" in row


def test_another_users_mail_never_appears(signed_in, mailbox, other_mailbox) -> None:
    mine = mailbox.add(subject="Juniper report")
    theirs = other_mailbox.add(subject="Juniper secret", to="sam.rivera@example.com")
    mailbox.sync()
    other_mailbox.sync()
    html = signed_in.get("/mails", {"q": "juniper"}).content.decode()
    assert detail_ids(html) == [mine]
    assert theirs not in html
    assert "secret" not in html.lower()


def test_the_page_needs_a_signed_in_user(client, db) -> None:
    response = client.get("/mails", {"q": "anything"})
    assert response.status_code == 302
    assert response["Location"].startswith("/sign_in")


def test_the_fixed_mail_urls_still_reach_their_views(signed_in) -> None:
    assert signed_in.get("/mails/sync-status").json()["phase"] == "new"
    assert signed_in.post("/mails/push/").status_code == 403
