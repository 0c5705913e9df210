"""Names in an email that are people, never the employer: the reader and whoever signs.

The reader is known from the greeting, the recipient's address and the Google profile name
(``EmailInput.account_name``); a signer is the person's name after a closing ("Kind regards,
Rachel Green"), unless it names an organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analysis.engines.base import EmailInput, name_cache
from analysis.engines.rule_text import Text

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


@name_cache
def squash(value: str) -> str:
    """Return ``value`` lower-cased with only its ASCII letters and digits ("Smith & Co")."""
    return _NOT_ALNUM.sub("", value.lower())


def matches_slug(name: str, slugs: Iterable[str]) -> bool:
    squashed = squash(name)
    return any(
        slug and (squashed == slug or (len(slug) >= 4 and squashed.startswith(slug)))
        for slug in slugs
    )


# "Hi Alex Morgan," / "Dear Alex," at the start of the body names the addressee.
_GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear)\s+([^\W\d_][^,:!\n]{0,60}?)\s*[,:!]", re.I)


def addressee_keys(email: EmailInput, text: Text) -> frozenset[str]:
    """Return the folded names of the person the email is written to.

    Subjects like "Offer Letter - Alex Morgan" put the candidate's name where a company could
    stand; the greeting and the recipient's address say whose name that is.
    """
    names = set()
    greeting = _GREETING.match(text.flat)
    if greeting:
        names.add(greeting.group(1))
    for address in email.to:
        local = address.partition("@")[0]
        names.add(re.sub(r"[._-]+", " ", local))
    names.add(email.account_name)
    # Each word of a name too: "Alex, we'd love to talk" greets "Hi Alex Morgan,"'s reader.
    names.update(word for name in list(names) for word in name.split())
    return frozenset(" ".join(name.casefold().split()) for name in names if name.strip())


def names_one_of(name: str, people: frozenset[str]) -> bool:
    """Return whether ``name`` is one of ``people``, whole or made only of their names' words."""
    folded = " ".join(name.casefold().split())
    return folded in people or all(word in people for word in folded.split())


# "Kind regards, Rachel Green": the name after a closing is a person's.
_SIGNED = re.compile(
    r"(?:regards|best|thanks|cheers|sincerely|wishes|thank you)[,!.]?\s+"
    # ... and nothing capitalised after it: "Palo Alto Networks Hiring Team" is no person.
    r"([A-Z][^\W\d_]+(?:[ -][A-Z][^\W\d_]+){1,2})\b(?![ ]*(?:&|and|of)\b)(?![ ]+[A-Z0-9])"
)
# Words that make a signed name an organisation's ("Acme Labs", "Globex Recruiting").
_ORGANISATION_WORDS = frozenset(
    """
    inc ltd llc corp co group labs lab systems technologies technology solutions consulting
    partners bank university college council health capital media software studio games
    recruiting recruitment careers hr team talent people services industries international
    global foods energy insurance logistics robotics analytics research company department
    networks network digital data
    """.split()  # noqa: SIM905 -- a word list reads best as text
)


CLOSING_LINE = re.compile(
    r"(?i:(?:kind |best |warm |with best )?(?:regards|wishes)|best|thanks|cheers|sincerely"
    r"|thank you|yours sincerely|all the best)[,!.]?"
)


def organisation(line: str, slugs: tuple[str, ...]) -> bool:
    """Return whether a sign-off line names an organisation, not a person."""
    words = line.casefold().split()
    return not _ORGANISATION_WORDS.isdisjoint(words) or matches_slug(line, slugs)


def signers(text: Text, slugs: tuple[str, ...] = ()) -> frozenset[str]:
    """Return the folded names of the people who sign ``text`` (never its company)."""
    names = set()
    for match in _SIGNED.finditer(text.tail):
        name = match.group(1)
        words = name.casefold().split()
        if _ORGANISATION_WORDS.isdisjoint(words) and not matches_slug(name, slugs):
            names.add(" ".join(words))
    return frozenset(names)
