"""Daily use of the mail pages: dates in the person's zone, the list grouped by conversation,
the live status the page polls, the first sync's empty page, and the Google link's state."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.core.cache import cache
from social_django.models import UserSocialAuth

from accounts import google as google_oauth
from accounts.models import User
from mails import status as sync_status
from mails import sync
from mails.models import Message, SyncState
from mails.search import page_cache
from mails.search.service import search
from mails.tests.mailboxes import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)


def rows(html: str) -> list[str]:
    return re.findall(r'<a class="row-link" href="/mails/([0-9a-f]+)', html)


def test_dates_follow_the_persons_zone(signed_in, mailbox: Mailbox) -> None:
    gmail_id = mailbox.add(subject="Zoned", body="x")
    mailbox.sync()
    stored = Message.objects.for_user(mailbox.user).get(gmail_id=gmail_id).internal_date
    for name, abbreviation, hours in (("Asia/Tokyo", "JST", 9), ("America/Los_Angeles", "P", -8)):
        mailbox.user.time_zone = name
        mailbox.user.save(update_fields=["time_zone"])
        local = stored + timedelta(hours=hours)
        listing = signed_in.get("/mails").content.decode()
        title = re.search(
            rf'href="/mails/{gmail_id}".*?<time class="date"[^>]*title="([^"]+)"', listing, re.S
        )
        assert title, "the row has a dated title"
        assert abbreviation in title.group(1)
        detail = signed_in.get(f"/mails/{gmail_id}").content.decode()
        shown = re.search(r"<dt>Date</dt><dd><time [^>]*>([^<]+)</time>", detail).group(1)
        # PST or PDT: the hour moves with daylight saving, so only the zone letter is fixed.
        if name == "Asia/Tokyo":
            assert shown.endswith(f"{local:%H:%M} JST")
        else:
            assert re.search(r" P[SD]T$", shown)


def reply(mailbox: Mailbox, thread_id: str, body: str) -> str:
    message = EmailMessage()
    message["From"] = "Bea <bea@birchwood.example>"
    message["To"] = mailbox.user.email
    message["Subject"] = "Re: Interview"
    mailbox.clock += timedelta(minutes=1)
    from email.utils import format_datetime

    message["Date"] = format_datetime(mailbox.clock)
    message.set_content(body)
    return mailbox.google.emulator.deliver(
        mailbox.user.email,
        message.as_bytes(),
        thread_id=thread_id,
        internal_date=int(mailbox.clock.timestamp() * 1000),
    )


def test_the_list_groups_by_conversation_and_remembers_it(signed_in, mailbox: Mailbox) -> None:
    first = mailbox.add(subject="Interview", body="Tuesday?")
    mailbox.sync()
    thread_id = Message.objects.for_user(mailbox.user).get(gmail_id=first).thread_id
    second = reply(mailbox, thread_id, "Yes")
    third = reply(mailbox, thread_id, "Great")
    alone = mailbox.add(subject="Other", body="x")
    mailbox.sync()
    flat = rows(
        signed_in.get("/mails", {"q": "subject:interview OR subject:other"}).content.decode()
    )
    assert flat[:4] == [alone, third, second, first]

    grouped = signed_in.get(
        "/mails", {"q": "subject:interview OR subject:other", "group": "threads"}
    )
    html = grouped.content.decode()
    assert rows(html)[:2] == [alone, third]
    assert first not in rows(html)
    assert 'title="3 messages in this conversation">3</span>' in html
    # Remembered: the next visit without the parameter is still grouped.
    again = rows(
        signed_in.get("/mails", {"q": "subject:interview OR subject:other"}).content.decode()
    )
    assert again[:2] == [alone, third]
    assert "Show every message" in signed_in.get("/mails").content.decode()
    flat_again = signed_in.get("/mails", {"q": "subject:interview", "group": "messages"})
    assert rows(flat_again.content.decode())[:3] == [third, second, first]


def test_the_status_the_page_polls(signed_in, mailbox: Mailbox) -> None:
    mailbox.add(subject="One", body="x")
    mailbox.sync()
    status = signed_in.get("/mails/sync-status").json()
    assert status["google"] == "connected"
    assert status["phase"] == "partial"
    version = status["mailbox_version"]
    assert isinstance(version, int)
    mailbox.add(subject="Two", body="y")
    mailbox.sync()
    assert signed_in.get("/mails/sync-status").json()["mailbox_version"] > version
    page = signed_in.get("/mails").content.decode()
    assert 'id="mail-results" data-live="1"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "mails/sync_banner.js" in page
    assert "<script>" not in page  # no inline script: the CSP forbids it


def test_first_sync_progress_counts_stored_messages(mailbox: Mailbox, settings) -> None:
    settings.SYNC_PAGE_SIZE = 20
    user = mailbox.user
    sync.sync_step(user)
    state = SyncState.objects.get(user=user)
    assert state.phase == SyncState.Phase.FULL
    stored = Message.objects.for_user(user).count()
    assert 0 < stored < state.messages_total
    shown = sync_status.for_user(user)
    assert shown["stored"] == stored
    # A message deleted meanwhile: the listing's count would not move, the stored count does.
    Message.objects.for_user(user).order_by("internal_date").first().delete()
    assert sync_status.for_user(user)["stored"] == stored - 1


def test_an_empty_first_page_is_not_cached_before_the_first_sync_ends(
    mailbox: Mailbox, settings
) -> None:
    user = mailbox.user
    cache.clear()
    query = "-zzqxw"  # every message, and cached: a negation is checked on each one
    assert search(user, query).messages == []  # nothing stored, no sync state yet
    slot, cached = page_cache.lookup(user.pk, query, settings.SEARCH_PAGE_SIZE, False)
    assert slot is not None
    assert cached is None
    mailbox.sync()
    assert search(user, query).messages
    # The same slot caches the page once the first sync is over (so the check above is real).
    _slot, cached = page_cache.lookup(user.pk, query, settings.SEARCH_PAGE_SIZE, False)
    assert cached is not None
    assert cached.ids


def test_disconnect_says_disconnected_not_lost(signed_in, mailbox: Mailbox) -> None:
    mailbox.sync()
    response = signed_in.post("/account/disconnect", follow=True)
    html = response.content.decode()
    assert "Disconnected" in html
    assert "lost access" not in html
    listing = signed_in.get("/mails").content.decode()
    assert "Google is disconnected" in listing
    assert "lost access" not in listing
    assert 'id="sync-now"' not in listing
    assert signed_in.get("/mails/sync-status").json()["google"] == "disconnected"


def test_lost_access_still_warns(signed_in, mailbox: Mailbox) -> None:
    mailbox.sync()
    # Signed in with Google (the link stays), then Google refused the refresh.
    UserSocialAuth.objects.create(user=mailbox.user, provider="google-oauth2", uid="alex-uid")
    google_oauth.mark_needs_reconnect(mailbox.user)
    listing = signed_in.get("/mails").content.decode()
    assert "Mailbox lost access to your Gmail" in listing
    assert "Reconnect Gmail" in listing


def test_a_staff_account_without_google_sees_no_lost_access(client, staff: User) -> None:
    client.force_login(staff)
    staff.needs_reconnect = True  # what a sync attempt without credentials leaves behind
    staff.save(update_fields=["needs_reconnect"])
    for url in ("/mails", "/account"):
        html = client.get(url).content.decode()
        assert "lost access" not in html, url
    assert "Disconnected" in client.get("/account").content.decode()


def test_the_page_has_a_favicon(signed_in) -> None:
    html = signed_in.get("/mails").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert icon.endswith(".svg")


def test_the_summary_quotes_the_query_once(signed_in, mailbox: Mailbox) -> None:
    mailbox.add(subject="offer letter inside", body="x")
    mailbox.sync()
    phrase = signed_in.get("/mails", {"q": '"offer letter"'}).content.decode()
    assert 'for <span class="query">&quot;offer letter&quot;</span>, newest first' in phrase
    assert "<q>&quot;" not in phrase
    words = signed_in.get("/mails", {"q": "offer letter"}).content.decode()
    assert "for <q>offer letter</q>, newest first" in words
