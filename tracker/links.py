"""What ties an email to the application it answers, besides its names.

Read from the stored message (``mails.store.documents``): its Gmail thread, its own Message-ID
and those it answers (References, In-Reply-To), requisition / job ids (also the id segment of a
portal link), candidate-portal links, the recruiter's own address and name, and whether the
person sent it. The keys (``thread:``, ``msgid:``, ``req:``, ``portal:``, ``addr:``,
``person:``) are stored on the timeline entry
(``ApplicationEmail.link_keys``) so that later mail finds the application by them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from analysis.results import parse_date
from mailbox_project.ids import UserId
from mails import store
from tracker.cluster import ATS
from tracker.keys import normalise

# Requisition / job ids: "R-0009950", "JR008478", "REQ-48213", "Req #48213", "Job ID: 12345",
# "(0123-45678)". A token needs four digits, so years and durations are not ids.
# Every hyphenated group belongs to the id: "REQ-2026-0042" and "REQ-2026-0043" are two.
_REQ_TOKEN = re.compile(r"\b(?:R|JR|REQ|JOB|JID|REF)[-_ ]?\d{4,}(?:-\d+)*\b")
_REQ_LABELLED = re.compile(
    r"\b(?:req(?:uisition)?\.?|job\s*(?:id|number|no\.?|#|code|ref(?:erence)?)|posting\s*(?:id|#)"
    r"|reference|position\s*(?:id|number|#)|(?:job\s*)?opening\s*(?:id|#)"
    r"|vacancy\s*(?:id|ref(?:erence)?|number|#))"
    r"\s*(?:#|no\.?|id|number)?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{3,24})",
    re.IGNORECASE,
)
_REQ_BRACKETED = re.compile(r"[(\[]\s*(\d{3,}-\d{3,}(?:-\d{1,3})*)\s*[)\]]")
_URL = re.compile(r"https?://([A-Za-z0-9.-]+)(/[^\s<>\"')\]]*)?")
# Addresses that speak for a system or a team, not a person: never a recruiter to follow.
# A whole word of the local part ("hr" in "acme.hr", "jobs" in "jobs-noreply") ...
_SYSTEM_LOCAL_WORDS = frozenset(
    {
        *("hr", "jobs", "job", "apply", "info", "team", "hello", "mail", "email", "admin"),
        *("account", "accounts", "service", "services", "people", "office", "contact"),
    }
)
# ... or these anywhere in it ("AMD_Careers_noreply", "GSRecruiting", "SystemMessage",
# "talentacquisition", "ejif.fa.sender", "reply_ok", "Workday@...", "dse_na3").
_SYSTEM_LOCAL_PARTS = (
    *("reply", "notif", "notify", "system", "sender", "mailer", "workday", "recruit", "career"),
    *("talent", "hiring", "candidate", "application", "automat", "alert", "support", "bounce"),
    *("postmaster", "dse_", "staffing"),
)
# Senders of applicant tracking, e-signature and job-board systems (by domain).
_SYSTEM_DOMAINS = (
    *("greenhouse", "lever.co", "myworkday", "workday", "ashbyhq", "smartrecruiters", "icims"),
    *("linkedin", "docusign", "indeed", "glassdoor", "taleo", "jobvite", "bamboohr"),
    *("successfactors", "oraclecloud", "brassring", "csod", "ultipro", "newtonsoftware"),
    *("mynexthire", "rippling", "breezy", "recruitee", "teamtailor", "personio", "jazzhr"),
    *("applytojob", "paylocity", "paycom", "dayforce", "avature", "phenom", "eightfold"),
    *("hirevue", "workable", "ziprecruiter", "dice.com", "monster", "adobesign", "hellosign"),
)
# A domain label of a company's hiring mail ("hr.acme.com", "ats.rippling.com").
_SYSTEM_LABELS = frozenset({"hr", "ats", "jobs", "careers", "talent", "recruiting", "jobalerts"})


def requisitions(text: str) -> set[str]:
    """Return the requisition / job ids in ``text``, normalised (upper case, no separators)."""
    found = set(_REQ_TOKEN.findall(text)) | set(_REQ_BRACKETED.findall(text))
    found |= {m for m in _REQ_LABELLED.findall(text) if sum(c.isdigit() for c in m) >= 4}
    return {re.sub(r"[^A-Z0-9]", "", token.upper()) for token in found}


def portal_links(text: str) -> set[str]:
    """Return candidate-portal links in ``text``: URLs whose path names one application.

    A path segment holding four digits (a job or application id) makes a link specific;
    company-wide links (a careers page, a scheduling page) are not.
    """
    found = set()
    for host, path in _URL.findall(text):
        segments = [s for s in (path or "").split("?")[0].split("/") if s]
        if any(sum(c.isdigit() for c in s) >= 4 for s in segments):
            found.add(f"{host.lower()}/{'/'.join(segments).lower()}")
    return found


# A path segment that is an id and nothing else ("1757-42109", "r-0002420", "JR002289"):
# the requisition an ATS link carries, as the subject or body may write it.
# The tracking system a message's footer names ("Powered by Greenhouse", "Sent via Lever",
# "your SmartRecruiters Candidate Portal"): a recruiter writing from a personal mailbox through
# the ATS still says which system runs the application.
_ATS_NAMES = "|".join(sorted(ATS))
_FOOTER_SYSTEM = re.compile(
    rf"\b(?:powered by|sent via|sent with)\s+({_ATS_NAMES})\b"
    rf"|\b({_ATS_NAMES})\s+candidate portal\b",
    re.IGNORECASE,
)
_ID_SEGMENT = re.compile(r"^[a-z]{0,4}[-_]?\d[\d-]{3,24}$", re.IGNORECASE)


def portal_requisitions(portals: Iterable[str]) -> set[str]:
    """Return the requisition ids portal links carry as a path segment of their own."""
    found = set()
    for link in portals:
        for segment in link.split("/")[1:]:
            if _ID_SEGMENT.match(segment) and sum(c.isdigit() for c in segment) >= 4:
                found.add(re.sub(r"[^A-Z0-9]", "", segment.upper()))
    return found


def recruiter_address(address: str) -> str:
    """Return ``address`` if a person writes from it (not a system, a team or a company's own
    box), else ""."""
    address = address.strip().lower()
    local, _, domain = address.rpartition("@")
    if not local or _system_local(local, domain) or any(d in domain for d in _SYSTEM_DOMAINS):
        return ""
    if _SYSTEM_LABELS.intersection(domain.split(".")):
        return ""
    return address


def _system_local(local: str, domain: str) -> bool:
    words = set(re.split(r"[^a-z]+", local)) - {""}
    labels = {label for label in re.split(r"[^a-z0-9]+", domain) if len(label) >= 4}
    return (
        bool(words & _SYSTEM_LOCAL_WORDS)
        or any(part in local for part in _SYSTEM_LOCAL_PARTS)
        # The company's own box: "tetratech@hr.tetratech.com", "acme@acme.com".
        or any(word in labels for word in words)
    )


def footer_system(text: str) -> str:
    """Return the applicant tracking system that ``text``'s footer names, lower case ("")."""
    found = _FOOTER_SYSTEM.search(text)
    return (found.group(1) or found.group(2)).lower() if found else ""


def person_name(display_name: str) -> str:
    """Return a recruiter's display name as a key ("Priya Raman (Acme Staffing)": "priya raman").

    The same person writes from their employer's address and, now and then, from a personal
    mailbox whose address varies: their name is what the two share. "" unless it looks like a
    person's name (two to four words of letters).
    """
    words = normalise(display_name.split("(")[0]).split()
    if not 2 <= len(words) <= 4 or not all(word.isalpha() for word in words):
        return ""
    if _TEAM_WORDS.intersection(words) or ATS.intersection(words):
        return ""  # "Uline HR Workday", "Human Resources", "Skyworks Recruitment"
    return " ".join(words)


# Words of a team's or a system's display name, never of a person's.
_TEAM_WORDS = frozenset(
    {
        *("recruiting", "recruitment", "recruiter", "recruiters", "careers", "career", "jobs"),
        *("job", "hiring", "team", "talent", "acquisition", "people", "hr", "human", "resources"),
        *("notifications", "notification", "noreply", "reply", "support", "info", "staffing"),
        *("portal", "system", "systems", "workday", "talentacquisition"),
    }
)
# "Priya Raman via Docusign", "Priya Raman (via Google Docs)": a service sending in a person's
# name (an e-signature, a shared document, a calendar) from its own address.
_SENT_VIA = re.compile(r"^(.+?)\s+(?:\(via\s[^)]+\)|via\s.+)$", re.IGNORECASE)


def sender_person(display_name: str, address: str) -> str:
    """Return the name of the person who wrote ("" for a system's own mail): the display name
    of a person's own address; the person a service sends for; a person's name on the
    company's shared mailbox ("Priya Raman <talent@acme.com>": recruiters forward from it)."""
    if recruiter_address(address):
        return person_name(display_name)
    via = _SENT_VIA.match(display_name.strip())
    if via:
        return person_name(via.group(1))
    domain = address.rpartition("@")[2].lower()
    if not domain or any(d in domain for d in _SYSTEM_DOMAINS):
        return ""
    name = person_name(display_name)
    # "Acme Robotics <talent@acmerobotics.com>": the company, not a person (a team's words
    # are no person's name already: "Acme Careers").
    joined = name.replace(" ", "")
    labels = [re.sub(r"[^a-z0-9]", "", label) for label in domain.split(".")[:-1]]
    if any(len(label) >= 3 and (label in joined or joined in label) for label in labels):
        return ""
    return name


# The link keys that name one application (``Signals.strong``): every other reader of stored
# keys tells them from the weaker recruiter keys by these prefixes.
STRONG_PREFIXES = ("thread:", "msgid:", "req:", "portal:")


@dataclass(frozen=True)
class Signals:
    """What the stored message says beyond its analysis: its thread, ids, links, sender."""

    thread_id: str = ""
    # Its own Message-ID and those it answers: a reply finds the mail it answers by them even
    # where Gmail put it in another thread (Gmail splits a thread whose subject changes).
    message_ids: frozenset[str] = frozenset()
    requisitions: frozenset[str] = frozenset()
    portals: frozenset[str] = frozenset()
    recruiter: str = ""
    # The sender's address, whoever it is (a company's own careers box names the company).
    address: str = ""
    sender_name: str = ""
    # The recruiter's name (``person_name``), when a person wrote it.
    person: str = ""
    # The applicant tracking system its footer names ("" none).
    footer_system: str = ""
    # The person's own mail (a reply, a withdrawal they wrote) is not an event of the
    # application: only what the employer sends is tracked.
    sent: bool = False
    # When Gmail received it (``internal_date``): the time the message page shows, so the
    # timeline never disagrees with it (a sender's ``Date:`` header can be minutes off).
    received: datetime | None = None

    @property
    def strong(self) -> list[str]:
        """Link keys that name one application, strongest first."""
        keys = [f"thread:{self.thread_id}"] if self.thread_id else []
        keys += sorted(f"msgid:{m}" for m in self.message_ids)
        keys += sorted(f"req:{r}" for r in self.requisitions)
        keys += sorted(f"portal:{p}" for p in self.portals)
        return keys

    @property
    def keys(self) -> list[str]:
        """Every link key stored on the timeline entry (``link_keys``)."""
        keys = self.strong + ([f"addr:{self.recruiter}"] if self.recruiter else [])
        return keys + ([f"person:{self.person}"] if self.person else [])


_SIGNAL_FIELDS = (
    "thread_id",
    "from_address",
    "from_name",
    "subject",
    "body_text",
    "label_ids",
    "internal_date",
    "rfc822_message_id",
    "references",
)


def read_signals(user_id: UserId, message_ids: Sequence[str]) -> dict[str, Signals]:
    """Return the link signals of the stored messages (missing ones have none)."""
    found = {}
    for document in store.documents(user_id, list(message_ids), _SIGNAL_FIELDS):
        text = f"{document.get('subject') or ''}\n{document.get('body_text') or ''}"
        portals = portal_links(text)
        address = str(document.get("from_address") or "").strip().lower()
        recruiter = recruiter_address(address)
        sender_name = str(document.get("from_name") or "")
        found[str(document["gmail_id"])] = Signals(
            thread_id=str(document.get("thread_id") or ""),
            message_ids=_message_ids(document),
            requisitions=frozenset(requisitions(text) | portal_requisitions(portals)),
            portals=frozenset(portals),
            recruiter=recruiter,
            address=address,
            sender_name=sender_name,
            person=sender_person(sender_name, address),
            footer_system=footer_system(text),
            sent="SENT" in (document.get("label_ids") or ()),
            received=parse_date(document.get("internal_date")),
        )
    return found


def _message_ids(document: store.Document) -> frozenset[str]:
    """Return the message's own Message-ID and those it answers (lower case: ids are compared)."""
    own = str(document.get("rfc822_message_id") or "")
    answered = [str(i) for i in document.get("references") or () if isinstance(i, str)]
    return frozenset(i.lower() for i in (own, *answered) if len(i) > 2)
