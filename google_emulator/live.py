"""Generated mail delivered while the emulator runs (``deliver(kind=...)``, demo mode).

Uses the same generator as start-up mailboxes, dated now, from its own seeded stream,
so runs stay reproducible.  A message delivered into an existing thread replies to its
last message (``In-Reply-To``/``References``, ``Re:`` subject) and, for job mail,
continues the same company and position.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from email.utils import parseaddr

from . import content, generator, jobmail
from .mailbox import Mailbox

JOB_STATUSES = jobmail.STATUSES[:-1]


class LiveMail:
    """Generates one message at a time for one account."""

    def __init__(self, mailbox: Mailbox, seed: int, index: int) -> None:
        self.mailbox = mailbox
        spec = generator.AccountSpec(mailbox.email, mailbox.name, mailbox.sub)
        self.gen = generator.MailboxGenerator(spec, seed, index, dt.date.today())
        self.gen.rng = random.Random(f"{seed}:{index}:live")

    def generate(self, kind: str, thread_id: str | None = None) -> generator.Draft:
        """Return a draft of ``kind`` dated now, optionally replying in ``thread_id``."""
        gen = self.gen
        gen.end_ms = int(time.time() * 1000)
        gen.drafts = []
        thread_key = gen.new_thread()
        app = None
        if thread_id is not None:
            gen.drafts.append(self._parent(thread_id, thread_key))
            app = self._application(thread_id)
        if kind == "job":
            kind = gen.rng.choice(JOB_STATUSES)
        if kind in JOB_STATUSES:
            app = app or jobmail.new_application(gen.rng)
            gen.job_mail(app, kind, gen.end_ms, thread_key)
        elif thread_id is not None:
            name, address = gen.drafts[0].extra["from"]
            subject = "Re: " + gen.drafts[0].subject.removeprefix("Re: ")
            reply = content.Mail("personal", name, address, subject, content.reply_text(gen.rng))
            gen.received(reply, gen.end_ms, ["CATEGORY_PERSONAL"], thread_key, None)
        else:
            gen.item(kind, gen.end_ms)
        # An item may be a whole conversation whose later replies are dated after its start
        # (a personal thread spans days): deliver its newest message not after now, so the
        # demo never shows mail from the future. The parent stand-in has no bytes.
        arrived = [d for d in gen.drafts if d.raw and d.internal_date <= gen.end_ms]
        return arrived[-1] if arrived else gen.drafts[-1]

    def _parent(self, thread_id: str, thread_key: str) -> generator.Draft:
        """Return a stand-in draft for the thread's last message, to reply to."""
        ids = self.mailbox.threads[thread_id]
        last = self.mailbox.messages[ids[-1]].content
        parent = generator.Draft(
            b"", 0, [], thread_key, last.header("Message-ID"), last.subject or "(no subject)"
        )
        parent.extra["references"] = last.header("References")
        correspondent = ("Friend", "friend@example.com")
        for message_id in reversed(ids):
            name, address = parseaddr(self.mailbox.messages[message_id].content.sender)
            if address and address.lower() != self.mailbox.email:
                correspondent = (name or address, address)
                break
        parent.extra["from"] = correspondent
        return parent

    def _application(self, thread_id: str) -> jobmail.Application | None:
        """Return the job application a thread is about, if the generator made it."""
        for message_id in self.mailbox.threads.get(thread_id, []):
            truth = self.mailbox.truth.get(message_id)
            if truth and truth.get("company"):
                app = jobmail.new_application(self.gen.rng)
                app.company, app.position = truth["company"], truth["position"]
                return app
        return None
