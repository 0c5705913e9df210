"""The evaluation set: job-application emails composed from the sentences in ``phrases``.

Deterministic: the same rows on every run. The split is decided first, by ``SEED``: every
sentence pool and the employer list are shuffled once and halved, and an email of the
``holdout`` part is built only from holdout halves (its employer, its decisive sentence, its
opener, subject and cushions), so tuning on ``dev`` never sees what ``holdout`` says.

Some bodies are left in a transfer encoding (quoted-printable, base64) or written as HTML, as
mail arrives; the loader decodes them through the sync's own parser (``evaluation.email_of``).
"""

from __future__ import annotations

import base64
import html
import quopri
import random
from collections.abc import Sequence
from typing import TypeVar

from analysis.evaluation_set import phrases
from analysis.evaluation_set.employers import CANDIDATES, EMPLOYERS, POSITIONS, Candidate, Employer
from analysis.status import Status

SEED = 14
PARTS = ("dev", "holdout")
COUNTS: dict[Status, int] = {
    Status.REJECTION: 170,
    Status.APPLICATION_CONFIRMATION: 100,
    Status.INTERVIEW_INVITATION: 50,
    Status.ASSESSMENT: 40,
    Status.OFFER: 40,
    Status.WITHDRAWAL: 30,
    Status.INFORMATION_REQUEST: 40,
}
T = TypeVar("T")
Row = dict[str, str]


def split_pool(items: Sequence[T], salt: str) -> dict[str, tuple[T, ...]]:
    """Return ``items`` halved into the dev and holdout parts, by a shuffle fixed by SEED."""
    shuffled = list(items)
    random.Random(f"{SEED}:{salt}").shuffle(shuffled)  # noqa: S311 -- reproducible, not secret
    half = (len(shuffled) + 1) // 2
    return {"dev": tuple(shuffled[:half]), "holdout": tuple(shuffled[half:])}


_EMPLOYERS = split_pool(EMPLOYERS, "employers")
_CORE = {status: split_pool(pool, f"core:{status}") for status, pool in phrases.CORE.items()}
_SUBJECTS = {
    status: split_pool(pool, f"subject:{status}") for status, pool in phrases.SUBJECTS.items()
}
_OPENERS = split_pool(phrases.OPENERS, "openers")
_CUSHIONS = split_pool(phrases.CUSHIONS, "cushions")
_GREETINGS = ("Dear {first},", "Hi {first},", "Hello {first} {last},", "Dear Candidate,",
              "Dear {first} {last},", "Hi there,", "{first},", "Hello dear {first},")  # fmt: skip
_REQ_FORMATS = ("R-00{n}", "JR{n}", "REQ-{n}", "{n}")


def rows() -> list[Row]:
    """Return every row of the set (both parts), each a dict the evaluation loader reads."""
    result = []
    for status, count in COUNTS.items():
        for index in range(count):
            result.append(_email(status, index))
    return result


def _email(status: Status, index: int) -> Row:
    part = PARTS[index % 2]
    rnd = random.Random(f"{SEED}:{status}:{index}")  # noqa: S311 -- reproducible
    employer = rnd.choice(_EMPLOYERS[part])
    candidate = rnd.choice(CANDIDATES)
    number = str(rnd.randint(10000, 99999))
    values = {
        "company": employer.in_body,
        "position": rnd.choice(POSITIONS),
        "first": candidate.first,
        "last": candidate.name.split()[-1],
        "req": rnd.choice(_REQ_FORMATS).format(n=number),
        "reqnum": number,
    }
    subject = rnd.choice(_SUBJECTS[status][part]).format(**values)
    body = _body(status, part, rnd, employer, values)
    row = {
        "subject": subject,
        "sender": f'"{employer.display}" <{employer.address}>',
        "status": status.value,
        "company": employer.name,
        "to": candidate.address,
        "account_name": candidate.name,
        "part": part,
    }
    row.update(_encoded(body, rnd))
    return row


def _body(
    status: Status, part: str, rnd: random.Random, employer: Employer, values: dict[str, str]
) -> str:
    lines = [rnd.choice(_GREETINGS)] if rnd.random() < 0.85 else []
    if rnd.random() < (0.85 if status is Status.REJECTION else 0.5):
        lines.append(rnd.choice(_OPENERS[part]))
    cores = _CORE[status][part]
    lines.append(rnd.choice(cores))
    if status is Status.APPLICATION_CONFIRMATION and rnd.random() < 0.5:
        lines.append(rnd.choice(cores))  # confirmations often say two of these
    if status is Status.REJECTION:
        lines += rnd.sample(_CUSHIONS[part], rnd.randint(0, 2))
    lines += ["", rnd.choice(phrases.CLOSINGS), employer.signoff.format(name=employer.in_body)]
    if rnd.random() < 0.4:
        lines += ["", rnd.choice(phrases.FOOTERS)]
    text = "\n".join(lines).format(**values)
    if rnd.random() < 0.3:  # one paragraph, as many templates write it
        text = text.replace("\n", " ", 3)
    return text


def _encoded(body: str, rnd: random.Random) -> Row:
    """Return the body as it may arrive: plain, quoted-printable, base64 or HTML."""
    draw = rnd.random()
    if draw < 0.12:
        encoded = quopri.encodestring(body.encode("utf-8")).decode("ascii")
        return {"body": encoded, "content_transfer_encoding": "quoted-printable"}
    if draw < 0.18:
        encoded = base64.encodebytes(body.encode("utf-8")).decode("ascii")
        return {"body": encoded, "content_transfer_encoding": "base64"}
    if draw < 0.26:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
        return {"body": f"<html><body>{paragraphs}</body></html>"}
    return {"body": body}


def candidates() -> tuple[Candidate, ...]:
    """Return the mailbox owners the set writes to."""
    return CANDIDATES
