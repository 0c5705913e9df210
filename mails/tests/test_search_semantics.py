"""Each operator's results equal the set an independent Python reference computes.

The mailbox is the emulator's generated mail plus seeded messages (accents, cases,
addresses, lists, attachments, labels, equal timestamps), all stored by the real sync. The
reference below reads the stored Message rows and implements Gmail's rules on its own (it
never imports the index or the compiler); every query's pages are walked to the end.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

from mails.models import Label, Message
from mails.search.service import search
from mails.search.testing import Spec, deliver, random_specs
from mails.tests.test_full_sync import run_until_partial

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2024, 3, 9, 12, 0, tzinfo=dt.UTC)


def _folds_accents(char: str) -> bool:
    # Latin (Basic to Extended-B, Extended Additional), Greek (and extended), Cyrillic.
    code = ord(char)
    return (
        code < 0x250
        or 0x1E00 <= code <= 0x1EFF
        or 0x370 <= code <= 0x3FF
        or 0x1F00 <= code <= 0x1FFF
        or 0x400 <= code <= 0x52F
    )


def ref_fold(text: str) -> str:
    # Character by character: decompose and casefold; a mark goes only after a Latin, Greek
    # or Cyrillic letter (Japanese voiced kana keep theirs); recompose.
    out: list[str] = []
    drop = False
    for char in text:
        for part in unicodedata.normalize("NFKD", char.casefold()):
            if unicodedata.combining(part):
                if not drop:
                    out.append(part)
                continue
            drop = _folds_accents(part)
            out.append(part)
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", "".join(out)).casefold())


CJK_CHARS = "\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af"


def ref_words(text: str) -> list[str]:
    folded = ref_fold(text)
    tokens = re.findall(rf"[{CJK_CHARS}]+|[0-9a-zß-ÿĀ-ɏ\u0370-\u03ff\u0400-\u04ff]+", folded)
    out: list[str] = []
    for token in tokens:
        if re.fullmatch(rf"[{CJK_CHARS}]{{2,}}", token):
            out.extend(token[i : i + 2] for i in range(len(token) - 1))
        else:
            out.append(token)
    return out


@dataclass
class Ref:
    """A stored message as the reference sees it."""

    message: Message
    units: dict[str, list[list[str]]]  # field -> word lists, one per value
    labels: set[str]
    label_names: set[str]
    texts: dict[str, list[str]]  # field -> folded raw values: CJK is checked as substrings

    def contains(self, text: str, field: str | None = None) -> bool:
        wanted = ref_fold(text)
        return any(
            wanted in value
            for f, values in self.texts.items()
            if field in (None, f)
            for value in values
        )

    def words(self, field: str | None = None) -> set[str]:
        return {
            w for f, values in self.units.items() if field in (None, f) for v in values for w in v
        }

    def phrase(self, text: str, field: str | None = None) -> bool:
        wanted = ref_words(text)
        for f, values in self.units.items():
            if field not in (None, f):
                continue
            for value in values:
                for start in range(len(value) - len(wanted) + 1):
                    if value[start : start + len(wanted)] == wanted:
                        return True
        return False

    def addresses(self, field: str) -> list[str]:
        m = self.message
        raw = {
            "from": [m.from_address],
            "to": m.to_addresses,
            "cc": m.cc_addresses,
            "bcc": m.bcc_addresses,
            "list": [m.list_id],
            "deliveredto": m.delivered_to,
        }[field]
        return [a.lower() for a in raw if a]

    def domain_of(self, field: str, domain: str) -> bool:
        domains = [a.rpartition("@")[2] for a in self.addresses(field)]
        return any(d == domain or d.endswith("." + domain) for d in domains)

    def local_is(self, field: str, local: str) -> bool:
        return any(a.partition("@")[0] == local for a in self.addresses(field))

    @property
    def visible(self) -> bool:
        return not self.labels & {"TRASH", "SPAM"}


def reference(user) -> list[Ref]:
    names = {
        label.label_id: re.sub(r"[\s/]+", "-", ref_fold(label.name))
        for label in Label.objects.filter(user=user)
    }
    refs = []
    for m in Message.objects.for_user(user):
        units = {
            "subject": [ref_words(m.subject)],
            "from": [ref_words(m.from_name), ref_words(m.from_address)],
            # Display names are searched with their addresses (to:garcia).
            "to": [ref_words(a) for a in [*m.to_names, *m.to_addresses]],
            "cc": [ref_words(a) for a in [*m.cc_names, *m.cc_addresses]],
            "bcc": [ref_words(a) for a in [*m.bcc_names, *m.bcc_addresses]],
            "list": [ref_words(m.list_id)],
            "filename": [ref_words(a["filename"]) for a in m.attachments],
            "snippet": [ref_words(m.snippet)],
            "body": [ref_words(m.body_text)],
        }
        labels = set(m.label_ids)
        label_names = {names.get(i, i.lower()) for i in labels} | {i.lower() for i in labels}
        texts = {"subject": [m.subject], "from": [m.from_name], "body": [m.body_text]}
        texts = {f: [ref_fold(v) for v in values] for f, values in texts.items()}
        if m.subject in HTML_ALTERNATIVES:
            # Words only the HTML alternative says are found too (Django's strip_tags reads it).
            units["body"].append(ref_words(strip_tags(HTML_ALTERNATIVES[m.subject])))
        refs.append(Ref(m, units, labels, label_names, texts))
    return refs


# Phrases and rare values the random specs are unlikely to produce.
PLANTED = [
    Spec(
        subject="Quarterly Review: Q3",
        from_name="Zoë Brown",
        from_address="zoe@corp.example.org",
        internal_date=START + dt.timedelta(hours=5, minutes=30),
        to=["team@example.com"],
        bcc=["dan@lever.co"],
        body="Here is the weekly digest of Résumé Café events.",
        filenames=["Invoice-2024.pdf"],
        list_id="dev.lists.example.org",
        labels=["INBOX", "UNREAD"],
    ),
    Spec(
        subject="e-mail update",
        from_name="Ana López",
        from_address="ana@example.com",
        internal_date=START + dt.timedelta(hours=5, minutes=30),
        to=["bob.stone@greenhouse.io"],
        body="UNKNOWNOP: invoice, then the weekly-digest again",
        labels=["INBOX"],
    ),
    Spec(
        subject="Last winter's invoice",
        from_name="Eve Adams",
        from_address="eve@lever.co",
        internal_date=dt.datetime(2023, 12, 15, 10, tzinfo=dt.UTC),
        labels=["INBOX"],
    ),
    Spec(
        subject="An old invoice",
        from_name="Eve Adams",
        from_address="eve@lever.co",
        internal_date=dt.datetime(2022, 6, 1, 10, tzinfo=dt.UTC),
        labels=["INBOX"],
    ),
    Spec(
        subject="東京タワーの見学",
        from_name="山田太郎",
        from_address="yamada@example.jp",
        internal_date=START + dt.timedelta(hours=7),
        body="来週、東京タワーに行きます。バスで行きましょう。",
        labels=["INBOX"],
    ),
    Spec(
        subject="ハスの花",
        from_name="Ana López",
        from_address="ana@example.com",
        internal_date=START + dt.timedelta(hours=9),
        body="池にハスが咲いた。서울역에서 만나요",
        labels=["INBOX"],
    ),
    Spec(
        subject="Interview loop",
        from_name="Recruiting",
        from_address="jobs@lever.co",
        internal_date=START + dt.timedelta(hours=11),
        to=["Sam Garcia <sam@example.com>", "Team <team@example.com>"],
        cc=["Lee Rivera-Ortiz <lee@corp.example.org>"],
        delivered_to=["alex.jobs@example.net"],
        labels=["INBOX"],
    ),
    Spec(
        subject="Garcia family photos",
        from_name="Eve Adams",
        from_address="eve@lever.co",
        internal_date=START + dt.timedelta(hours=13),
        to=["Maria Garcia Lopez <maria@example.com>"],
        delivered_to=["alex@example.com"],
        labels=["INBOX"],
    ),
    Spec(
        subject="Shared files",
        from_name="Zoë Brown",
        from_address="zoe@corp.example.org",
        internal_date=START + dt.timedelta(hours=15),
        body="Notes: https://docs.google.com/document/d/abc/edit and the deck "
        "https://docs.google.com/presentation/d/xyz plus https://youtu.be/dQw4w9WgXcQ",
        labels=["INBOX"],
    ),
    Spec(
        subject="Budget sheet",
        from_name="Eve Adams",
        from_address="eve@lever.co",
        internal_date=START + dt.timedelta(hours=17),
        body="See https://docs.google.com/spreadsheets/d/1/edit and "
        "https://drive.google.com/file/d/2/view; video: https://www.youtube.com/watch?v=x",
        labels=["INBOX"],
    ),
    Spec(
        subject="Agenda inside",
        from_name="Bob Stone",
        from_address="bob.stone@greenhouse.io",
        internal_date=START + dt.timedelta(hours=19),
        body="See the HTML version for the agenda.",
        html="<p>See the HTML version for the agenda.</p>"
        "<table><tr><td>Zeppelin hangar tour</td> <td>10:00</td></tr></table>",
        labels=["INBOX"],
    ),
]
HTML_ALTERNATIVES = {spec.subject: spec.html for spec in PLANTED if spec.html}


def links(r: Ref, *hosts: str) -> bool:
    text = f"{r.message.body_text} {r.message.snippet}".lower()
    return any(host in text for host in hosts)


@pytest.fixture
def stored(mailbox_owner, google):
    for spec in [*random_specs(11, 120, START), *PLANTED]:
        deliver(google.emulator, mailbox_owner.email, spec)
    run_until_partial(mailbox_owner)
    return mailbox_owner, reference(mailbox_owner)


def walk(user, query: str) -> list[Message]:
    found, cursor = [], None
    while True:
        page = search(user, query, cursor=cursor, page_size=17, now=NOW)
        found.extend(page.messages)
        cursor = page.next_cursor
        if cursor is None:
            return found


def day(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, tzinfo=dt.UTC)


def size(r: Ref) -> int:
    return r.message.size_estimate


def date(r: Ref) -> dt.datetime:
    return r.message.internal_date


# (query, predicate, honours the default trash/spam exclusion)
CASES = [
    ("invoice", lambda r: "invoice" in r.words()),
    ("INVOICE", lambda r: "invoice" in r.words()),
    ("café", lambda r: "cafe" in r.words()),
    ("STRASSE", lambda r: "strasse" in r.words()),
    ("zurich", lambda r: "zurich" in r.words()),
    ("angstrom", lambda r: "angstrom" in r.words()),
    ("invoice meeting", lambda r: {"invoice", "meeting"} <= r.words()),
    ("invoice OR meeting", lambda r: bool({"invoice", "meeting"} & r.words())),
    ("{invoice meeting}", lambda r: bool({"invoice", "meeting"} & r.words())),
    ("invoice -meeting", lambda r: "invoice" in r.words() and "meeting" not in r.words()),
    # Gmail precedence: OR binds tighter than the implicit AND.
    (
        "invoice offer OR budget",
        lambda r: "invoice" in r.words() and bool({"offer", "budget"} & r.words()),
    ),
    (
        "(invoice offer) OR budget",
        lambda r: {"invoice", "offer"} <= r.words() or "budget" in r.words(),
    ),
    (
        "invoice OR meeting -budget",
        lambda r: bool({"invoice", "meeting"} & r.words()) and "budget" not in r.words(),
    ),
    (
        "invoice AND offer OR budget",
        lambda r: "invoice" in r.words() and bool({"offer", "budget"} & r.words()),
    ),
    (
        "invoice (offer OR budget)",
        lambda r: "invoice" in r.words() and bool({"offer", "budget"} & r.words()),
    ),
    ("-(invoice OR meeting)", lambda r: not {"invoice", "meeting"} & r.words()),
    ('"weekly digest"', lambda r: r.phrase("weekly digest")),
    ('"Résumé café"', lambda r: r.phrase("resume cafe")),
    ('-"weekly digest"', lambda r: not r.phrase("weekly digest")),
    ("subject:invoice", lambda r: "invoice" in r.words("subject")),
    ("subject:(invoice meeting)", lambda r: {"invoice", "meeting"} <= r.words("subject")),
    ('subject:"quarterly review"', lambda r: r.phrase("quarterly review", "subject")),
    ("from:ana", lambda r: "ana" in r.words("from")),
    ("from:lópez", lambda r: "lopez" in r.words("from")),
    ("from:ana@example.com", lambda r: "ana@example.com" in r.addresses("from")),
    ("from:example.com", lambda r: r.domain_of("from", "example.com")),
    ("from:@mail.example.com", lambda r: r.domain_of("from", "mail.example.com")),
    ("from:bob.stone", lambda r: r.local_is("from", "bob.stone")),
    ("from:(ana OR eve)", lambda r: bool({"ana", "eve"} & r.words("from"))),
    ('from:"zoë brown"', lambda r: r.phrase("zoe brown", "from")),
    ("-from:lever.co", lambda r: not r.domain_of("from", "lever.co")),
    ("to:team", lambda r: "team" in r.words("to")),
    ("to:greenhouse.io", lambda r: r.domain_of("to", "greenhouse.io")),
    ("cc:example.org", lambda r: r.domain_of("cc", "example.org")),
    ("bcc:dan", lambda r: "dan" in r.words("bcc")),
    ("list:news.example.com", lambda r: r.domain_of("list", "news.example.com")),
    ("list:dev", lambda r: "dev" in r.words("list")),
    ("filename:pdf", lambda r: "pdf" in r.words("filename")),
    ("has:attachment", lambda r: bool(r.message.attachments)),
    ("-has:attachment", lambda r: not r.message.attachments),
    ("is:unread", lambda r: "UNREAD" in r.labels),
    ("is:read", lambda r: "UNREAD" not in r.labels),
    ("is:starred", lambda r: "STARRED" in r.labels),
    ("is:important", lambda r: "IMPORTANT" in r.labels),
    ("in:inbox", lambda r: "INBOX" in r.labels),
    ("in:sent", lambda r: "SENT" in r.labels),
    ("category:social", lambda r: "CATEGORY_SOCIAL" in r.labels),
    ("label:job-search", lambda r: "job-search" in r.label_names),
    ('label:"Job search"', lambda r: "job-search" in r.label_names),
    ("label:work-projects", lambda r: "work-projects" in r.label_names),
    ("label:Work/Projects", lambda r: "work-projects" in r.label_names),
    ("label:recus", lambda r: "recus" in r.label_names),
    ("label:no-such-label", lambda r: False),
    ("label:inbox", lambda r: "INBOX" in r.labels),
    ("after:2024/03/03", lambda r: date(r) >= day(2024, 3, 3)),
    ("before:2024-03-03", lambda r: date(r) < day(2024, 3, 3)),
    ("before:03/03/2024", lambda r: date(r) < day(2024, 3, 3)),  # Gmail help's MM/DD/YYYY
    ("after:3/2/2024 before:2024/3/4", lambda r: day(2024, 3, 2) <= date(r) < day(2024, 3, 4)),
    (
        "after:2024/03/02 before:2024/03/04",
        lambda r: day(2024, 3, 2) <= date(r) < day(2024, 3, 4),
    ),
    (f"after:{int(day(2024, 3, 4).timestamp())}", lambda r: date(r) >= day(2024, 3, 4)),
    ("newer_than:5d", lambda r: date(r) > NOW - dt.timedelta(days=5)),
    ("older_than:6d", lambda r: date(r) <= NOW - dt.timedelta(days=6)),
    ("older_than:1m", lambda r: date(r) <= dt.datetime(2024, 2, 9, 12, tzinfo=dt.UTC)),
    ("newer_than:1y", lambda r: date(r) > dt.datetime(2023, 3, 9, 12, tzinfo=dt.UTC)),
    ("larger:10K", lambda r: size(r) > 10 * 1024),
    ("smaller:2000", lambda r: size(r) < 2000),
    ("size:20000", lambda r: size(r) > 20000),
    ("unknownop:invoice", lambda r: r.phrase("unknownop invoice")),
    # Text only the HTML alternative holds.
    ("zeppelin", lambda r: "zeppelin" in r.words()),
    ('"hangar tour"', lambda r: r.phrase("hangar tour")),
    ("zeppelin agenda", lambda r: {"zeppelin", "agenda"} <= r.words()),
    # Links in the text: has:drive/document/spreadsheet/presentation/youtube.
    ("has:document", lambda r: links(r, "docs.google.com/document/")),
    ("has:spreadsheet", lambda r: links(r, "docs.google.com/spreadsheets/")),
    ("has:presentation", lambda r: links(r, "docs.google.com/presentation/")),
    ("has:drive", lambda r: links(r, "drive.google.com/", "docs.google.com/")),
    ("has:youtube", lambda r: links(r, "youtube.com/", "youtu.be/")),
    ("has:youtube -has:spreadsheet", lambda r: links(r, "youtu") and not links(r, "sheets/")),
    # Display names of recipients; Delivered-To.
    ("to:garcia", lambda r: "garcia" in r.words("to")),
    ('to:"sam garcia"', lambda r: r.phrase("sam garcia", "to")),
    ('to:"garcia sam"', lambda r: r.phrase("garcia sam", "to")),
    ("cc:rivera", lambda r: "rivera" in r.words("cc")),
    ('cc:"rivera-ortiz"', lambda r: r.phrase("rivera ortiz", "cc")),
    ("garcia -subject:garcia", lambda r: "garcia" in r.words() - r.words("subject")),
    (
        "deliveredto:alex.jobs@example.net",
        lambda r: "alex.jobs@example.net" in r.addresses("deliveredto"),
    ),
    ("deliveredto:example.net", lambda r: r.domain_of("deliveredto", "example.net")),
    ("deliveredto:alex.jobs", lambda r: r.local_is("deliveredto", "alex.jobs")),
    ("deliveredto:jobs", lambda r: any("jobs" in ref_words(a) for a in r.addresses("deliveredto"))),
    ("deliveredto:me", lambda r: "alex.morgan@example.com" in r.addresses("deliveredto")),
    ("-deliveredto:example.net", lambda r: not r.domain_of("deliveredto", "example.net")),
    # CJK: a word inside a longer run; voiced kana are letters of their own.
    ("タワー", lambda r: r.contains("タワー")),
    ("東京", lambda r: r.contains("東京")),
    ("京", lambda r: r.contains("京")),
    ("バス", lambda r: r.contains("バス")),
    ("ﾊﾞｽ", lambda r: r.contains("バス")),
    ("ハス", lambda r: r.contains("ハス")),
    ("서울역", lambda r: r.contains("서울역")),
    ("subject:見学", lambda r: r.contains("見学", "subject")),
    ("from:太郎", lambda r: r.contains("太郎", "from")),
    ("ハス -バス", lambda r: r.contains("ハス") and not r.contains("バス")),
    (
        "invoice from:ana is:unread",
        lambda r: "invoice" in r.words() and "ana" in r.words("from") and "UNREAD" in r.labels,
    ),
    ("", lambda r: True),
]
UNFILTERED = [
    ("in:trash", lambda r: "TRASH" in r.labels),
    ("in:spam", lambda r: "SPAM" in r.labels),
    ("in:anywhere", lambda r: True),
    ("in:anywhere invoice", lambda r: "invoice" in r.words()),
    ("label:trash OR label:spam", lambda r: bool(r.labels & {"TRASH", "SPAM"})),
]


def test_every_operator_matches_the_reference(stored) -> None:
    user, refs = stored
    failures = []
    empty = []
    for query, predicate in CASES + [(q, p) for q, p in UNFILTERED]:
        keep_hidden = (query, predicate) in UNFILTERED
        expected = {r.message.gmail_id for r in refs if (keep_hidden or r.visible) and predicate(r)}
        found = walk(user, query)
        got = [m.gmail_id for m in found]
        if not expected:
            empty.append(query)
        if set(got) != expected or len(got) != len(expected):
            failures.append((query, sorted(set(got) - expected), sorted(expected - set(got))))
        keys = [(m.internal_date, m.pk) for m in found]
        assert keys == sorted(keys, reverse=True), query
    assert not failures, failures
    # The mailbox is rich enough that every case but the deliberate ones selects something
    # (the deliberate ones: no such label; a name phrase in the wrong order).
    assert empty == ["label:no-such-label", 'to:"garcia sam"'], empty


def test_one_user_never_sees_another_users_mail(stored, google) -> None:
    user, _ = stored
    from accounts import google as google_oauth
    from accounts.models import User

    other_email = google.emails[1]
    other = User.objects.create_user(email=other_email, name="Other")
    google_oauth.store_tokens(other, google.emulator.issue_tokens(other_email))
    for spec in random_specs(11, 40, START):
        deliver(google.emulator, other_email, spec)
    run_until_partial(other)
    mine = set(Message.objects.for_user(user).values_list("pk", flat=True))
    for query in ["", "invoice", "in:anywhere", "from:example.com", "label:job-search", "-x"]:
        for found in (walk(other, query), walk(user, query)):
            owners = {m.user_id for m in found}
            assert len(owners) <= 1
        assert not {m.pk for m in walk(other, query)} & mine


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
def test_date_days_start_at_midnight_in_the_persons_time_zone(stored, zone) -> None:
    user, refs = stored
    user.time_zone = zone
    user.full_clean()
    user.save(update_fields=["time_zone"])
    tz = ZoneInfo(zone)

    def local(y: int, m: int, d: int) -> dt.datetime:
        return dt.datetime(y, m, d, tzinfo=tz)

    cases = [
        ("after:2024/03/03", lambda r: date(r) >= local(2024, 3, 3)),
        ("before:03/04/2024", lambda r: date(r) < local(2024, 3, 4)),
        (
            "after:2024/03/02 before:2024/03/04",
            lambda r: local(2024, 3, 2) <= date(r) < local(2024, 3, 4),
        ),
    ]
    for query, predicate in cases:
        expected = {r.message.gmail_id for r in refs if r.visible and predicate(r)}
        assert expected
        assert {m.gmail_id for m in walk(user, query)} == expected, query
    # A cached first page (real clock, and a negation: so cached) belongs to its zone, not to
    # another zone's.
    query = "before:03/04/2024 -zzqxw"  # newest first: the day boundary is on the first page
    newest = [m.gmail_id for m in walk(user, query)][:100]
    user.time_zone = "UTC"
    first_utc = [m.gmail_id for m in search(user, query, page_size=100).messages]
    user.time_zone = zone
    assert [m.gmail_id for m in search(user, query, page_size=100).messages] == newest
    assert first_utc != newest


def test_a_time_zone_must_be_an_iana_name(mailbox_owner) -> None:
    mailbox_owner.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError):
        mailbox_owner.full_clean()
