"""Wording of everyday, non-job mail: personal threads, newsletters, receipts, social.

Names deliberately include non-ASCII ones so headers need RFC 2047 encoding.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

PEOPLE = (
    ("Zoë Müller", "zoe.mueller@example.de"),
    ("山田太郎", "taro.yamada@example.jp"),
    ("José García", "jose.garcia@example.es"),
    ("Søren Nørgaard", "soren@example.dk"),
    ("Łukasz Wójcik", "lukasz.wojcik@example.pl"),
    ("Chloé Dubois", "chloe.dubois@example.fr"),
    ("Иван Петров", "ivan.petrov@example.ru"),
    ("Maya Patel", "maya.patel@example.com"),
    ("Ben Okafor", "ben.okafor@example.com"),
    ("Grace Liu", "grace.liu@example.com"),
    ("Tom Becker", "tom.becker@example.org"),
    ("Mom", "mom.family@example.net"),
    ("Alex Kim", "alex.kim@example.com"),
)

PERSONAL_SUBJECTS = (
    "Dinner on Saturday?",
    "Photos from the trip",
    "Café meetup ☕",
    "Happy birthday!",
    "Quick favour",
    "Re: weekend plans",
    "Book recommendation",
    "会議の件",
    "Moving day help",
    "Sommerfest 🎉",
    "Did you see this?",
)
PERSONAL_LINES = (
    "Are you free this weekend? We could try the new ramen place.",
    "Attached are a few photos from the trip — the one at the lake is my favourite!",
    "Can you send me the address again? I can't find it in my messages.",
    "Thanks again for your help last week, it meant a lot.",
    "I finished the book you lent me. The ending was wild, let's talk about it.",
    "Let me know if Tuesday or Thursday works better for you.",
    "Mom says hi and asks when you're coming to visit.",
    "I'll bring dessert. Don't let Ben bring the coffee again :)",
    "Here's the link I mentioned: https://example.org/article",
    "来週の打ち合わせの時間を確認させてください。",
)
REPLY_LINES = (
    "Sounds great, count me in!",
    "Saturday works. 7pm?",
    "Thanks! Love these.",
    "Sure thing — sending it now.",
    "Haha, agreed. See you then.",
    "Sorry for the late reply, this week has been busy.",
)

NEWSLETTERS = (
    ("Data Elixir", "newsletter@dataelixir.example", "dataelixir.example"),
    ("Python Weekly", "rahul@pythonweekly.example", "pythonweekly.example"),
    ("The Pragmatic Engineer", "pragmaticengineer@substack.example", "substack.example"),
    ("Morning Digest", "digest@morning.example", "morning.example"),
    ("Product Hunt Daily", "hello@digest.producthunt.example", "producthunt.example"),
)
SHOPS = (
    ("Outdoor Supply Co.", "deals@outdoorsupply.example"),
    ("Bookshelf", "offers@bookshelf.example"),
    ("Urban Threads", "news@urbanthreads.example"),
)
UPDATES = (
    ("City Bank", "statements@citybank.example", "Your {month} statement is ready"),
    ("ParcelGo", "tracking@parcelgo.example", "Your package is on its way"),
    ("Streamly", "billing@streamly.example", "Your receipt from Streamly"),
    ("Google Calendar", "calendar-notification@google.com", "Reminder: Dentist appointment"),
    ("AirWays", "booking@airways.example", "Your flight confirmation ABC{code}"),
)
SOCIAL = (
    ("LinkedIn", "messages-noreply@linkedin.com", "{name} wants to connect"),
    ("LinkedIn", "notifications-noreply@linkedin.com", "You appeared in {n} searches this week"),
    ("Meetup", "info@meetup.example", "New event: Python Users Group - {month}"),
    ("Strava", "no-reply@strava.example", "{name} gave you kudos"),
)
FORUMS = (
    ("python-list", "python-list@python.example", "python-list.python.example"),
    ("django-users", "django-users@googlegroups.example", "django-users.googlegroups.example"),
)
SPAM = (
    ("Prize Center", "winner@prizes.example", "You have WON a $1000 gift card!!!"),
    ("Crypto Insider", "alpha@crypto-insider.example", "This coin will 100x - act now"),
)


@dataclass(slots=True)
class Mail:
    """A non-job email before it becomes MIME."""

    kind: str
    sender_name: str
    sender_address: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    attachment: str | None = None  # "photo_png" | "invoice_pdf" | "ics"
    labels: tuple[str, ...] = ()


def _html_block(title: str, text: str, footer: str) -> str:
    from html import escape

    body = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    return (
        "<html><head><style>.h{font-size:20px}</style></head><body>"
        f'<div class="h">{escape(title)}</div>{body}'
        f'<hr><p style="font-size:11px">{escape(footer)}</p></body></html>'
    )


def personal(rng: random.Random) -> Mail:
    """Return a personal email from a friend or relative."""
    name, address = rng.choice(PEOPLE)
    lines = rng.sample(PERSONAL_LINES, rng.randrange(1, 3))
    text = "Hi!\n\n" + "\n\n".join(lines) + f"\n\n{name.split(' ')[0]}"
    attachment = "photo_png" if "photos" in " ".join(lines).lower() else None
    html = _html_block("", text, "") if rng.random() < 0.4 else None
    subject = rng.choice(PERSONAL_SUBJECTS)
    return Mail("personal", name, address, subject, text, html, attachment=attachment)


def reply_text(rng: random.Random) -> str:
    """Return a short reply line."""
    return rng.choice(REPLY_LINES)


def newsletter(rng: random.Random, month: str) -> Mail:
    """Return a newsletter issue with List-Id and List-Unsubscribe."""
    name, address, domain = rng.choice(NEWSLETTERS)
    issue = rng.randrange(80, 400)
    subject = rng.choice(
        (f"{name} #{issue}", f"{name}: the best of {month}", f"Issue {issue} — what's new")
    )
    text = (
        f"In this issue of {name}:\n\n"
        "* How we cut our cloud bill by 40%\n* A gentle introduction to vector databases\n"
        "* Ten tips for writing better SQL & why they matter\n\nRead online: "
        f"https://{domain}/issues/{issue}"
    )
    footer = f"You are receiving this because you subscribed to {name}. Unsubscribe."
    headers = {
        "List-Id": f"{name} <{domain.split('.')[0]}.list-id.{domain}>",
        "List-Unsubscribe": f"<https://{domain}/unsubscribe?u={issue}>, <mailto:unsub@{domain}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "bulk",
    }
    label = rng.choice(("CATEGORY_UPDATES", "CATEGORY_PROMOTIONS"))
    return Mail(
        "newsletter",
        name,
        address,
        subject,
        text + "\n\n" + footer,
        _html_block(subject, text, footer),
        headers,
        labels=(label,),
    )


def promotion(rng: random.Random) -> Mail:
    """Return a shop promotion."""
    name, address = rng.choice(SHOPS)
    pct = rng.choice((10, 15, 20, 25, 30, 40, 50))
    subject = rng.choice((f"{pct}% off everything this weekend", "New arrivals you'll love"))
    text = f"Hi there,\n\nTake {pct}% off with code SAVE{pct}. Offer ends Sunday.\n\nShop now"
    footer = "Unsubscribe | Manage preferences"
    headers = {"List-Unsubscribe": f"<mailto:unsubscribe@{address.split('@')[1]}>"}
    return Mail(
        "promotion",
        name,
        address,
        subject,
        text,
        _html_block(subject, text, footer),
        headers,
        labels=("CATEGORY_PROMOTIONS",),
    )


def update(rng: random.Random, month: str) -> Mail:
    """Return a receipt, statement, shipping or calendar notification."""
    name, address, subject = rng.choice(UPDATES)
    subject = subject.format(month=month, code=rng.randrange(100, 999))
    text = f"{subject}.\n\nView the details in your account. Reference {rng.randrange(10**7)}."
    attachment = None
    if "statement" in subject or "receipt" in subject:
        attachment = "invoice_pdf"
    elif "Reminder" in subject:
        attachment = "ics"
    html = _html_block(subject, text, "") if rng.random() < 0.7 else None
    return Mail(
        "update",
        name,
        address,
        subject,
        text,
        html,
        attachment=attachment,
        labels=("CATEGORY_UPDATES",),
    )


def social(rng: random.Random, month: str) -> Mail:
    """Return a social network notification."""
    name, address, subject = rng.choice(SOCIAL)
    person = rng.choice(PEOPLE)[0]
    subject = subject.format(name=person, n=rng.randrange(3, 60), month=month)
    text = f"{subject}.\n\nSee more on the site.\n\nUnsubscribe from these emails."
    return Mail(
        "social",
        name,
        address,
        subject,
        text,
        _html_block(subject, text, ""),
        labels=("CATEGORY_SOCIAL",),
    )


def forum(rng: random.Random) -> Mail:
    """Return a mailing-list post."""
    list_name, _list_address, list_id = rng.choice(FORUMS)  # posts come from the member
    person = rng.choice(PEOPLE)
    topic = rng.choice(("asyncio and threads", "ORM query performance", "packaging question"))
    text = f"Hello all,\n\nI have a question about {topic}. Any pointers welcome.\n\n{person[0]}"
    headers = {"List-Id": f"<{list_id}>", "Precedence": "list"}
    return Mail(
        "forum",
        person[0],
        person[1],
        f"[{list_name}] {topic}",
        text,
        None,
        headers,
        labels=("CATEGORY_FORUMS",),
    )


def spam(rng: random.Random) -> Mail:
    """Return an obvious spam message."""
    name, address, subject = rng.choice(SPAM)
    text = "Dear friend,\n\nClick here to claim your reward before it expires!!!"
    return Mail("spam", name, address, subject, text, _html_block(subject, text, ""))
