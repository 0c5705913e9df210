"""A large, seeded mailbox in Gmail's ``format=full`` shape, for the search benchmark.

The emulator's generator writes believable mail from templates, but its vocabulary is a few
hundred words, so every word matches a tenth of the mailbox: useless for measuring an index.
Real mail has a long-tailed vocabulary (Zipf's law), a few correspondents who write most of it,
bodies from one line to pages, and a minority of messages with attachments. This generator gives
that, deterministically from a seed, and hands the messages to the real store path
(``mails.store.store_fetched``), so parsing and search indexing are what the sync does.
"""

from __future__ import annotations

import base64
import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def _split(text: str) -> list[str]:
    return text.split()


# Common English words first (the head of the distribution), then the long tail is generated.
COMMON = _split("""
the of and to in is you that it he was for on are as with his they at be this have from or one
had by word but not what all were we when your can said there use an each which she do how their
if will up other about out many then them these so some her would make like him into time has
look two more write go see number no way could people my than first water been call who oil its
now find long down day did get come made may part meeting project update report invoice order
payment account team review schedule please thanks regards today tomorrow week month year
question answer help support ticket release version deploy server database customer client price
offer discount sale shipping delivery package receipt booking flight hotel trip travel family
dinner weekend birthday party photo video music news newsletter article blog post comment reply
thread forum community event webinar conference talk slides agenda notes minutes budget quarter
revenue growth plan strategy product design feature bug issue fix test build merge branch code
review approve request access password security alert login device location confirm verify
application interview position role candidate recruiter hiring resume career salary contract
""")
ACCENTED = _split("café résumé naïve façade crème fiancée señor jalapeño Zoë Müller Ångström São")
SYLLABLES = _split("""
ka ri to na me lo su vi de ra mi no ta se ko ma li pa ne ro zu be ga fi hu jo ke la mo nu pe qu
re si te u ve wa xi yo za bri cla dra fle gro pla stri tra vel mon tan ber
""")
DOMAINS = _split("""
example.com gmail.com outlook.com acme.io globex.com initech.net umbrella.org hooli.com
piedpiper.com stark.industries wayne.enterprises
""")
FIRST = _split("alex sam jamie taylor jordan morgan casey riley drew avery noor léa zoë chen")
LAST = _split("smith garcia müller chen okafor rossi novak silva kim nguyen dubois ivanova")
USER_LABELS = ("Work", "Receipts", "Travel", "Family", "Projects/Alpha", "Job search")
ATTACHMENTS = (
    ("report.pdf", "application/pdf"),
    ("invoice.pdf", "application/pdf"),
    ("photo.jpg", "image/jpeg"),
    ("slides.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("notes.txt", "text/plain"),
)
DAY_MS = 86_400_000


@dataclass(frozen=True)
class Person:
    name: str
    address: str


class Vocabulary:
    """Words drawn with Zipf-like frequencies (rank r has weight 1/r)."""

    def __init__(self, rng: random.Random, size: int) -> None:
        tail: list[str] = []
        seen = set(COMMON) | {w.lower() for w in ACCENTED}
        while len(tail) < size - len(COMMON) - len(ACCENTED):
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                tail.append(word)
        self.words = COMMON[:60] + ACCENTED + COMMON[60:] + tail
        self.cumulative = list(itertools.accumulate(1.0 / r for r in range(1, len(self.words) + 1)))

    def sample(self, rng: random.Random, count: int) -> list[str]:
        top = self.cumulative[-1]
        return [
            self.words[bisect.bisect(self.cumulative, rng.random() * top)] for _ in range(count)
        ]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


class MailboxFactory:
    """Messages for one mailbox; ``owner`` is the account's own address (for sent mail)."""

    def __init__(self, seed: int, owner: Person, vocabulary: Vocabulary, end_ms: int) -> None:
        self.rng = random.Random(seed)
        self.owner = owner
        self.vocabulary = vocabulary
        self.end_ms = end_ms
        self.contacts = [self._person() for _ in range(1500)]
        self.contact_weights = [1.0 / r for r in range(1, len(self.contacts) + 1)]
        self.label_ids = {name: f"Label_{i + 1}" for i, name in enumerate(USER_LABELS)}

    def _person(self) -> Person:
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = f"{first}.{last}{rng.randint(1, 99)}".encode("ascii", "ignore").decode()
        return Person(f"{first.title()} {last.title()}", f"{local}@{rng.choice(DOMAINS)}")

    def _text(self, low: int, high: int) -> str:
        # Body lengths are log-normal: most mail is short, a few messages are long.
        count = max(low, min(high, int(self.rng.lognormvariate(4.3, 0.9))))
        words = self.vocabulary.sample(self.rng, count)
        lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
        return "\n".join(lines)

    def message(self, index: int) -> dict[str, Any]:
        rng = self.rng
        sent = rng.random() < 0.12
        contact = rng.choices(self.contacts, self.contact_weights)[0]
        sender, recipient = (self.owner, contact) if sent else (contact, self.owner)
        subject = " ".join(self.vocabulary.sample(rng, rng.randint(3, 9))).capitalize()
        body = self._text(5, 1500)
        # Dates over five years, denser recently; internal dates collide now and then, as they
        # do in Gmail (same-second deliveries), so keyset ties are exercised.
        at_ms = self.end_ms - int(5 * 365 * DAY_MS * rng.random() ** 1.5) // 1000 * 1000
        labels = self._labels(sent)
        headers = [
            {"name": "From", "value": f'"{sender.name}" <{sender.address}>'},
            {"name": "To", "value": f'"{recipient.name}" <{recipient.address}>'},
            {"name": "Subject", "value": subject},
            {"name": "Message-ID", "value": f"<bench-{index}-{rng.getrandbits(40):x}@mail.test>"},
        ]
        if rng.random() < 0.2:
            cc = rng.choice(self.contacts)
            headers.append({"name": "Cc", "value": f"{cc.name} <{cc.address}>"})
        if rng.random() < 0.15:
            headers.append(
                {"name": "List-Id", "value": f"<{rng.choice(COMMON)}.lists.example.com>"}
            )
        text_part = {
            "partId": "0",
            "mimeType": "text/plain",
            "filename": "",
            "headers": [{"name": "Content-Type", "value": "text/plain; charset=utf-8"}],
            "body": {"size": len(body.encode()), "data": _b64(body)},
        }
        parts = [text_part]
        if rng.random() < 0.1:
            name, mime = rng.choice(ATTACHMENTS)
            size = int(rng.lognormvariate(11, 1.2))
            parts.append(
                {
                    "partId": "1",
                    "mimeType": mime,
                    "filename": name,
                    "headers": [{"name": "Content-Disposition", "value": "attachment"}],
                    "body": {"size": size, "attachmentId": f"att-{index}"},
                }
            )
        payload = {
            "partId": "",
            "mimeType": "multipart/mixed",
            "filename": "",
            "headers": headers,
            "body": {"size": 0},
            "parts": parts,
        }
        gmail_id = f"{index:016x}"
        return {
            "id": gmail_id,
            "threadId": gmail_id,
            "labelIds": labels,
            "snippet": body[:140].replace("\n", " "),
            "historyId": str(1000 + index),
            "internalDate": str(at_ms),
            "sizeEstimate": len(body) + 600 + sum(p["body"]["size"] for p in parts[1:]),
            "payload": payload,
        }

    def _labels(self, sent: bool) -> list[str]:
        rng = self.rng
        if sent:
            return ["SENT"]
        labels = ["INBOX"] if rng.random() < 0.7 else []
        if rng.random() < 0.25:
            labels.append("UNREAD")
        if rng.random() < 0.05:
            labels.append("STARRED")
        if rng.random() < 0.2:
            labels.append("IMPORTANT")
        if rng.random() < 0.3:
            labels.append(self.label_ids[rng.choice(USER_LABELS)])
        if rng.random() < 0.02:
            labels = ["TRASH"]
        elif rng.random() < 0.02:
            labels = ["SPAM"]
        return labels

    def batches(self, count: int, size: int) -> Iterator[list[dict[str, Any]]]:
        for start in range(0, count, size):
            yield [self.message(i) for i in range(start, min(count, start + size))]
