"""One employer, one spelling: the company an email names, checked against what else is known.

The analysis reads the company from one email at a time, and sometimes reads it wrong: run
together from a domain ("Wonkalabs" for Wonka Labs), or a word that is no company at all (the
candidate's first name in "Alex, we'd love to talk", "Take-home" from a subject). Grouping keys
on the company, so each misreading would start an application of its own. Two things settle it
before placement, both read against the companies the user's applications and the batch name:

* mail from a company's own domain (not a free mail provider, not an ATS) names the employer:
  ``jordan.lee@wonkalabs.com`` or ``talent@wonkalabs.com`` writes for the known company whose
  key, run together, is ``wonkalabs``, whatever the analysis read;
* a name that differs from a known one only by its spaces is that one.

Mail stored before a batch spelled its company out keeps the run-together name it was read
with ("Cyberdynesystems" from the sender's domain, stored first because a full sync reads
newest first): ``respell_stored`` gives it the spelled-out name's key, so that placing mail
batch by batch ends where a rebuild does.

A person's correction is never second-guessed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from mailbox_project.ids import UserId
from tracker.facts import EmailFacts
from tracker.keys import company_key, normalise
from tracker.models import JobApplication
from tracker.placement import timeline_entries

# Mailboxes anyone can open: their domain says nothing about an employer.
_FREE_MAIL = frozenset(
    {
        *("gmail", "googlemail", "outlook", "hotmail", "live", "msn", "yahoo", "ymail"),
        *("icloud", "me", "mac", "aol", "proton", "protonmail", "pm", "gmx", "web", "mail"),
        *("yandex", "zoho", "fastmail", "hey", "tutanota", "qq", "163", "126", "naver"),
    }
)


def squashed(key: str) -> str:
    """Return a company key run together: "wonka labs" and "wonkalabs" are one company."""
    return key.replace(" ", "")


def domain_labels(address: str) -> list[str]:
    """Return the labels of an address's domain that may name its owner, none for free mail.

    ``jordan@mail.wonkalabs.co.uk`` gives ``["mail", "wonkalabs"]``: the last label (the
    top-level domain) and short second-level ones (``co``) are left out.
    """
    domain = address.rpartition("@")[2].lower()
    labels = domain.split(".")[:-1]
    owner = list(labels)
    while len(owner) > 1 and len(owner[-1]) <= 3:  # "co" in .co.uk
        owner.pop()
    if not owner or owner[-1] in _FREE_MAIL:
        return []
    return [label for label in owner if len(label) > 3]


class KnownCompanies:
    """The user's known companies by their run-together key, each with one spelling."""

    def __init__(self, names: Iterable[str]) -> None:
        spellings: dict[str, Counter[str]] = {}
        for name in names:
            # "Bluth Company" is known as "bluth" and, for its domain, as "bluthcompany".
            for key in {company_key(name), normalise(name)} - {""}:
                spellings.setdefault(squashed(key), Counter())[name.strip()] += 1
        # The spelling with the most words (the spaced one), then the most frequent.
        self.by_squashed = {
            squash: max(counts, key=lambda n: (len(company_key(n).split()), counts[n], n))
            for squash, counts in spellings.items()
        }

    def employer(self, facts: EmailFacts) -> str:
        """Return the known company whose own domain ``facts`` comes from; or ""."""
        for label in domain_labels(facts.signals.address or facts.signals.recruiter):
            if label in self.by_squashed:
                return self.by_squashed[label]
        return ""

    def settle(self, facts: EmailFacts) -> EmailFacts:
        """Return ``facts`` naming its company as the user's other mail does."""
        if facts.corrected:
            return facts
        known = self.employer(facts) or self.by_squashed.get(squashed(company_key(facts.company)))
        if not known or company_key(known) == company_key(facts.company):
            return facts
        return replace(facts, company=known)


def stored_companies(user_id: UserId) -> list[tuple[str, str]]:
    """Return the (name, key) of the companies the user's applications name (one read for
    ``settle_companies`` and ``respell_stored``)."""
    mine = JobApplication.objects.for_user(user_id).exclude(company_key="")
    return list(mine.values_list("company", "company_key").distinct())


def settle_companies(
    stored: Sequence[tuple[str, str]], batch: Sequence[EmailFacts]
) -> list[EmailFacts]:
    """Return ``batch`` with each email's company spelled as the user's applications
    (``stored_companies``) spell it."""
    if not batch:
        return []
    known = KnownCompanies([*(name for name, _ in stored), *(f.company for f in batch)])
    return [known.settle(facts) for facts in batch]


def respell_stored(
    user_id: UserId, stored: Sequence[tuple[str, str]], batch: Sequence[EmailFacts]
) -> set[str]:
    """Give the user's stored mail read with a run-together name of a company ``batch`` spells
    out ("cyberdynesystems", "Cyberdyne Systems") the spelled-out name; return the company keys
    it had (their applications, among ``stored_companies``, are regrouped with the batch's)."""
    spelled: dict[str, EmailFacts] = {}
    for facts in batch:
        if not facts.corrected and len(normalise(facts.company).split()) > 1:
            for key in {facts.keys[0], normalise(facts.company)} - {""}:
                spelled.setdefault(squashed(key), facts)
    if not spelled:
        return set()
    stale = {
        key: spelled[key]
        for _, key in stored
        if " " not in key and key in spelled and spelled[key].keys[0] not in ("", key)
    }
    for key, facts in stale.items():
        # Not what a person named (corrected, moved): their word stands.
        timeline_entries().update_many(
            {
                "user_id": user_id,
                "company_key": key,
                "corrected": {"$ne": True},
                "moved": {"$ne": True},
            },
            {"$set": {"company_key": facts.keys[0], "company": facts.company}},
        )
    return set(stale)
