"""Seeded, deterministic generation of realistic mailboxes.

A mailbox is a mix of job-application mail (each application lives through
confirmation → maybe assessment / information request / interviews → rejection, offer,
withdrawal or silence, with the candidate's own replies in the threads), job-board
alerts, newsletters, promotions, receipts, social notifications, mailing lists,
personal threads and a little spam — spread over the two years before the anchor date.

Same seed, account index, count and anchor date → byte-identical messages; message ids
depend only on seed, account index and position, never on the date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import struct
import zlib
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any

from . import content, jobmail, mimebuild

DAY_MS = 86_400_000
YEARS = 2
ITEM_WEIGHTS = {
    "job": 17,
    "job_alert": 6,
    "newsletter": 15,
    "promotion": 8,
    "personal": 13,
    "update": 10,
    "social": 7,
    "forum": 4,
    "spam": 2,
}
USER_LABELS = ("Job search", "Receipts", "Travel", "Family")
ACCOUNT_PEOPLE = (
    ("Alex Morgan", "alex.morgan@example.com"),
    ("Sam Rivera", "sam.rivera@example.com"),
    ("Zoë Keller", "zoe.keller@example.com"),
    ("Jamie Chen", "jamie.chen@example.com"),
)
_TZ_HOURS = (-8, -7, -5, -4, 0, 1, 2, 5.5, 9)


@dataclass(slots=True)
class AccountSpec:
    """Identity of a generated account."""

    email: str
    name: str
    sub: str

    @property
    def first(self) -> str:
        """Return the first name."""
        return self.name.split(" ")[0]


@dataclass(slots=True)
class Draft:
    """A generated message before it gets ids: raw bytes, date, labels, thread, truth."""

    raw: bytes
    internal_date: int
    labels: list[str]
    thread_key: str
    message_id_header: str
    subject: str
    truth: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def account_spec(index: int, seed: int) -> AccountSpec:
    """Return the identity of the ``index``-th account (stable for a seed)."""
    if index < len(ACCOUNT_PEOPLE):
        name, email = ACCOUNT_PEOPLE[index]
    else:
        name, email = f"Demo User {index + 1}", f"demo.user{index + 1}@example.com"
    digest = hashlib.sha256(f"sub:{seed}:{email}".encode()).hexdigest()
    return AccountSpec(email, name, str(100_000_000_000_000_000_000 + int(digest[:15], 16)))


def message_id_for(seed: int, index: int, seq: int) -> str:
    """Return a Gmail-style 16-hex-digit message id, stable for (seed, account, seq)."""
    digest = hashlib.sha256(f"msg:{seed}:{index}:{seq}".encode()).digest()
    return f"{(0x18 << 56) | int.from_bytes(digest[:7], 'big'):016x}"


def anchor_ms(anchor: dt.date) -> int:
    """Return the anchor date as epoch milliseconds (midnight UTC)."""
    return int(dt.datetime(anchor.year, anchor.month, anchor.day, tzinfo=dt.UTC).timestamp()) * 1000


class MailboxGenerator:
    """Generates the drafts of one account's mailbox."""

    def __init__(self, account: AccountSpec, seed: int, index: int, anchor: dt.date) -> None:
        self.account = account
        self.rng = random.Random(f"{seed}:{index}")
        self.end_ms = anchor_ms(anchor) - 60_000
        self.drafts: list[Draft] = []
        self._threads = 0
        # Job mail's messiness (personal addresses, agencies, reposts, forwards, subject
        # changes) draws from its own stream, so the rest of the mailbox stays as it was.
        self.mess = random.Random(f"mess:{seed}:{index}")
        self._applications: list[jobmail.Application] = []

    # -- public ------------------------------------------------------------------

    def generate(self, count: int) -> list[Draft]:
        """Return ``count`` drafts sorted by internal date."""
        kinds = list(ITEM_WEIGHTS)
        weights = list(ITEM_WEIGHTS.values())
        while len(self.drafts) < count:
            kind = self.rng.choices(kinds, weights)[0]
            age_days = YEARS * 365 * self.rng.random() ** 1.4
            self.item(kind, self.end_ms - int(age_days * DAY_MS))
            # Replies and confirmations may land after the anchor date: not yet received.
            self.drafts = [d for d in self.drafts if d.internal_date <= self.end_ms]
        del self.drafts[count:]
        self.drafts.sort(key=lambda d: d.internal_date)
        return self.drafts

    def item(self, kind: str, start_ms: int, app: jobmail.Application | None = None) -> None:
        """Generate one item (a single mail or a whole thread/lifecycle) from ``start_ms``."""
        if kind == "job":
            self.job_lifecycle(start_ms)
        elif kind in jobmail.STATUSES and kind != "not_job_related":
            app = app or jobmail.new_application(self.rng)
            self.job_mail(app, kind, start_ms, self.new_thread())
        elif kind in ("job_alert", "not_job_related"):
            mail = jobmail.job_alert(self.rng, self.account.first)
            self.received(mail, start_ms, ["CATEGORY_UPDATES"], self.new_thread(), _truth(mail))
        elif kind == "personal":
            self.personal_thread(start_ms)
        else:
            self.simple(kind, start_ms)

    def new_thread(self) -> str:
        """Return a fresh thread key."""
        self._threads += 1
        return f"t{self._threads}"

    # -- job mail ----------------------------------------------------------------

    def new_job(self, app: jobmail.Application) -> jobmail.Application:
        """Give ``app`` its truth key; maybe another role at an earlier company, or an agency."""
        mess = self.mess
        if self._applications and mess.random() < 0.15:  # several roles at one company
            app.company = mess.choice(self._applications).company
        if mess.random() < 0.06:
            app.agency = mess.choice(jobmail.AGENCIES)[0]
        app.key = f"a{len(self._applications) + 1}"
        self._applications.append(app)
        return app

    def job_lifecycle(self, start_ms: int, app: jobmail.Application | None = None) -> None:
        """Generate the emails of one application, stopping at the anchor date."""
        rng = self.rng
        app = self.new_job(app or jobmail.new_application(rng))
        t = start_ms
        self.job_mail(app, "application_confirmation", t, self.new_thread())
        path = rng.random()
        steps: list[str] = []
        if path < 0.42:
            steps = ["rejection"]
        elif path < 0.6:
            steps = []  # never heard back
        elif path < 0.66:
            steps = ["action_required"] + (["rejection"] if rng.random() < 0.5 else [])
        elif path < 0.7:
            steps = ["withdrawal"]
        else:
            if rng.random() < 0.45:
                steps.append("assessment")
            if rng.random() < 0.35:
                steps.append("information_request")
            steps += ["interview_invitation"] * rng.choice((1, 1, 2))
            steps.append(rng.choices(("rejection", "offer", "withdrawal", ""), (5, 3, 1, 2))[0])
        thread = ""
        for status in filter(None, steps):
            t += int(rng.uniform(2, 25) * DAY_MS)
            if t > self.end_ms:
                return
            # Recruiters often answer in the conversation they started.
            keep = bool(thread) and status != "withdrawal" and self.mess.random() < 0.35
            thread = thread if keep else self.new_thread()
            if status == "withdrawal":
                self.sent(f"Withdrawing my application - {app.position}", _WITHDRAW, t, thread)
                t += int(rng.uniform(0.1, 2) * DAY_MS)
            self.job_mail(app, status, t, thread)
            if status in ("interview_invitation", "information_request") and rng.random() < 0.6:
                t = self.reply_and_confirm(app, status, t, thread)
            t = self.messy_follow_up(app, status, t, thread)
        self.maybe_repost(app, start_ms)

    def messy_follow_up(self, app: jobmail.Application, status: str, t: int, thread: str) -> int:
        """Maybe forward the last email, or ask a question after a rejection in its thread."""
        mess = self.mess
        if status == "rejection" and mess.random() < 0.05:
            # "What are your salary expectations?" after a rejection: the process is alive.
            t += int(mess.uniform(0.5, 3) * DAY_MS)
            if t <= self.end_ms:
                self.job_mail(app, "information_request", t, thread)
        elif status not in ("withdrawal", "rejection") and mess.random() < 0.05:
            t += int(mess.uniform(0.02, 1) * DAY_MS)
            last = self.drafts[-1]
            sender = last.extra.get("from", ("", ""))
            original = jobmail.compose(app, status, self.account.first, self.account.name, "", mess)
            forwarder = (app.recruiter, f"talent@{app.slug}.com")
            mail = jobmail.forwarded(original, forwarder, f"{sender[0]} <{sender[1]}>")
            if t <= self.end_ms:
                truth = _truth(mail, app)
                self.received(mail, t, ["CATEGORY_PERSONAL"], self.new_thread(), truth)
        return t

    def maybe_repost(self, app: jobmail.Application, start_ms: int) -> None:
        """Maybe apply again to the same role when it is reposted, months later."""
        if self.mess.random() < 0.08:
            again = start_ms + int(self.mess.uniform(200, 400) * DAY_MS)
            if again <= self.end_ms:
                repost = jobmail.Application(
                    app.company, app.position, app.ats, app.req + "-2", app.recruiter
                )
                self.job_lifecycle(again, repost)

    def job_mail(self, app: jobmail.Application, status: str, at_ms: int, thread: str) -> Draft:
        """Add one received job email."""
        when = _human_date(at_ms + int(self.rng.uniform(3, 10) * DAY_MS))
        mail = jobmail.compose(app, status, self.account.first, self.account.name, when, self.rng)
        parent = next((d for d in reversed(self.drafts) if d.thread_key == thread), None)
        # A follow-up in the same conversation usually keeps its subject; some reply with
        # a subject of their own (still "Re: ", so Gmail keeps the conversation).
        if parent is not None:
            kept = parent.subject if self.mess.random() < 0.8 else mail.subject
            mail.subject = "Re: " + kept.removeprefix("Re: ")
        if status != "application_confirmation" and not app.agency and self.mess.random() < 0.1:
            mail.sender_name, mail.sender_address = jobmail.personal_sender(app, self.mess)
        personal = not any(
            d in mail.sender_address for d in ("greenhouse", "lever", "workday", "ashby")
        )
        category = (
            "CATEGORY_PERSONAL" if personal and self.rng.random() < 0.7 else ("CATEGORY_UPDATES")
        )
        labels = [category]
        if status != "application_confirmation" and self.rng.random() < 0.6:
            labels.append("IMPORTANT")
        if status in ("offer", "interview_invitation") and self.rng.random() < 0.3:
            labels.append("STARRED")
        if self.rng.random() < 0.4:
            labels.append("Job search")
        return self.received(mail, at_ms, labels, thread, _truth(mail, app))

    def reply_and_confirm(self, app: jobmail.Application, status: str, t: int, thread: str) -> int:
        """Add the candidate's reply and (for interviews) the recruiter's confirmation."""
        t += int(self.rng.uniform(0.05, 1.5) * DAY_MS)
        text = self.rng.choice(_REPLIES)
        self.sent("Re: " + self.drafts[-1].subject.removeprefix("Re: "), text, t, thread)
        if status == "interview_invitation":
            t += int(self.rng.uniform(0.05, 1) * DAY_MS)
            self.job_mail(app, "interview_invitation", t, thread)
        return t

    # -- other mail ----------------------------------------------------------------

    def personal_thread(self, start_ms: int) -> None:
        """Add a personal thread: a friend's mail and maybe a few replies back and forth."""
        mail = content.personal(self.rng)
        thread = self.new_thread()
        labels = ["CATEGORY_PERSONAL"] + (["IMPORTANT"] if self.rng.random() < 0.5 else [])
        if mail.sender_name == "Mom":
            labels.append("Family")
        if self.rng.random() < 0.08:
            labels.append("STARRED")
        self.received(mail, start_ms, labels, thread, _truth(None))
        t = start_ms
        for turn in range(self.rng.choice((0, 0, 1, 2, 3))):
            t += int(self.rng.uniform(0.02, 2) * DAY_MS)
            subject = "Re: " + mail.subject.removeprefix("Re: ")
            if turn % 2 == 0:
                self.sent(subject, content.reply_text(self.rng), t, thread)
            else:
                reply = content.Mail(
                    "personal",
                    mail.sender_name,
                    mail.sender_address,
                    subject,
                    content.reply_text(self.rng),
                )
                self.received(reply, t, list(labels), thread, _truth(None))

    def simple(self, kind: str, at_ms: int) -> None:
        """Add one newsletter, promotion, update, social, forum or spam message."""
        month = dt.datetime.fromtimestamp(at_ms / 1000, dt.UTC).strftime("%B")
        rng = self.rng
        factories = {
            "newsletter": lambda: content.newsletter(rng, month),
            "promotion": lambda: content.promotion(rng),
            "update": lambda: content.update(rng, month),
            "social": lambda: content.social(rng, month),
            "forum": lambda: content.forum(rng),
            "spam": lambda: content.spam(rng),
        }
        mail = factories.get(kind, factories["newsletter"])()
        labels = list(mail.labels)
        if mail.attachment == "invoice_pdf":
            labels.append("Receipts")
        if "flight" in mail.subject:
            labels.append("Travel")
        if kind == "spam":
            labels = ["SPAM"]
        elif kind in ("newsletter", "promotion") and rng.random() < 0.04:
            labels.append("TRASH")
        self.received(mail, at_ms, labels, self.new_thread(), _truth(None))

    # -- MIME ------------------------------------------------------------------------

    def received(
        self,
        mail: jobmail.JobMail | content.Mail,
        at_ms: int,
        labels: list[str],
        thread: str,
        truth: dict[str, Any] | None,
    ) -> Draft:
        """Add a message the account received."""
        rng = self.rng
        age_days = (self.end_ms - at_ms) / DAY_MS
        unread = 0.7 if age_days < 7 else 0.3 if age_days < 60 else 0.08
        if "TRASH" not in labels and "SPAM" not in labels:
            archived = age_days > 90 and rng.random() < 0.1
            labels = ([] if archived else ["INBOX"]) + labels
        if rng.random() < unread:
            labels.append("UNREAD")
        sent_ms = at_ms - int(rng.uniform(2, 90) * 1000)
        to = (self.account.name, self.account.email)
        sender = (mail.sender_name, mail.sender_address)
        raw, mid, refs = self.mime(mail, sender, to, sent_ms, thread)
        draft = Draft(raw, at_ms, labels, thread, mid, mail.subject, truth)
        draft.extra.update({"from": sender, "references": refs})
        self.drafts.append(draft)
        return draft

    def sent(self, subject: str, text: str, at_ms: int, thread: str) -> Draft:
        """Add a message the account sent (SENT label, no INBOX)."""
        last = next((d for d in reversed(self.drafts) if d.thread_key == thread), None)
        to_name, to_address = ("Recruiting", "recruiting@example.com")
        if last is not None:
            to_name, to_address = last.extra.get("from", (to_name, to_address))
        mail = content.Mail("sent", self.account.name, self.account.email, subject, text)
        me = (self.account.name, self.account.email)
        raw, mid, refs = self.mime(mail, me, (to_name, to_address), at_ms, thread)
        draft = Draft(raw, at_ms, ["SENT"], thread, mid, subject, None)
        draft.extra.update({"from": (to_name, to_address), "references": refs})
        self.drafts.append(draft)
        return draft

    def mime(
        self,
        mail: jobmail.JobMail | content.Mail,
        sender: tuple[str, str],
        to: tuple[str, str],
        at_ms: int,
        thread: str,
    ) -> tuple[bytes, str, str]:
        """Return the RFC 822 bytes of a message, its Message-ID and References."""
        rng = self.rng
        hours = rng.choice(_TZ_HOURS) if sender[1] != self.account.email else -5
        tz = dt.timezone(dt.timedelta(hours=hours))
        when = format_datetime(dt.datetime.fromtimestamp(at_ms / 1000, tz))
        domain = sender[1].split("@")[-1]
        mid = f"<{rng.getrandbits(64):016x}.{rng.getrandbits(32):08x}@{domain}>"
        headers: list[tuple[str, str]] = []
        if sender[1] != self.account.email:
            headers.append(("Delivered-To", self.account.email))
            received = f"by 2002:a05:6a10:{rng.getrandbits(16):x} with SMTP id emulator; {when}"
            headers += [("Received", received), ("Return-Path", f"<bounce@{domain}>")]
        headers += [
            ("From", mimebuild.address(*sender)),
            ("To", mimebuild.address(*to)),
            ("Subject", mimebuild.encode_header(mail.subject)),
            ("Date", when),
            ("Message-ID", mid),
        ]
        parent = next((d for d in reversed(self.drafts) if d.thread_key == thread), None)
        refs = ""
        if parent is not None:
            refs = f"{parent.extra.get('references', '')} {parent.message_id_header}".strip()
            headers += [("In-Reply-To", parent.message_id_header), ("References", refs)]
        headers += list(mail.headers.items())
        entity = mimebuild.text_part(mail.text)
        if mail.html:
            boundary = f"000000000000{rng.getrandbits(48):012x}"
            html = mimebuild.text_part(mail.html, "html")
            entity = mimebuild.multipart("alternative", boundary, [entity, html])
        if mail.attachment:
            data, mime_type, filename = _attachment(mail.attachment, rng, mail.subject)
            boundary = f"000000000000{rng.getrandbits(48):012x}"
            part = mimebuild.attachment_part(data, mime_type, filename)
            entity = mimebuild.multipart("mixed", boundary, [entity, part])
        return mimebuild.message(headers, entity), mid, refs


def _truth(mail: jobmail.JobMail | None, app: jobmail.Application | None = None) -> dict[str, Any]:
    if mail is None or mail.status == "not_job_related":
        return {"status": "not_job_related", "company": None, "position": None}
    truth = {"status": mail.status, "company": mail.company, "position": mail.position}
    if app is not None and app.key:  # which application it belongs to (generated mailboxes)
        truth["application"] = app.key
    return truth


def _human_date(ms: int) -> str:
    day = dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
    return day.strftime("%A, %B %d at 2:00 PM ET").replace(" 0", " ")


def _png(rng: random.Random, size: int) -> bytes:
    width = max(1, size // 3)
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(1))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(rows, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _pdf(rng: random.Random, title: str, size: int) -> bytes:
    text = f"%PDF-1.4\n1 0 obj << /Title ({title}) >> endobj\n".encode()
    pad = rng.randbytes(max(0, size - len(text) - 6))
    return text + b"stream\n" + pad + b"\n%%EOF\n"


def _ics(rng: random.Random, subject: str) -> bytes:
    uid = f"{rng.getrandbits(64):x}@emulator"
    return (
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        "VERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART:20250304T190000Z\r\n"
        f"DTEND:20250304T200000Z\r\nUID:{uid}\r\nSUMMARY:{subject[:60]}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def _attachment(kind: str, rng: random.Random, subject: str) -> tuple[bytes, str, str]:
    """Return (bytes, MIME type, filename); some are big enough to get an attachmentId."""
    if kind == "photo_png":
        size = rng.choice((200, 600, 9000, 30000))
        return _png(rng, size), "image/png", f"IMG_{rng.randrange(1000, 9999)}.png"
    if kind == "ics":
        return _ics(rng, subject), "text/calendar; method=REQUEST", "invite.ics"
    if kind == "offer_pdf":
        size = rng.randrange(9000, 40000)
        return _pdf(rng, "Offer Letter", size), "application/pdf", "Offer_Letter.pdf"
    size = rng.choice((1500, 3000, 12000))
    return _pdf(rng, "Invoice", size), "application/pdf", f"Invoice-{rng.randrange(10**6)}.pdf"


_WITHDRAW = (
    "Hello,\n\nThank you for the opportunity. I have decided to accept another offer and "
    "would like to withdraw my application.\n\nBest regards"
)
_REPLIES = (
    "Thank you! Tuesday at 2pm or Wednesday morning both work for me.",
    "Thanks for reaching out. I'm available Monday to Thursday after 10am.",
    "Happy to. My expected salary range is flexible; I could start in four weeks.",
    "Thank you, I'm looking forward to it. Thursday 11:00 works well.",
)
