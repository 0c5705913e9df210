"""Where an application came from: LinkedIn, a company's own site, a referral, an agency.

A source set by hand wins; otherwise it is read from the application's mail: the senders'
addresses and display names, the subjects. Only words that say where the candidacy came from
count, never the mere mention of a job board in a signature.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr

from analysis.engines.vocab import is_ats_domain, is_job_board_domain
from tracker.models import SOURCE_LABELS

# Applicant-tracking systems (mail from them means the person applied on the company's site)
# and job boards are the analysis's vocabulary (``analysis.engines.vocab``): one list of
# vendors' sending domains for both.
# Display names and domains of staffing agencies: "Jane Doe (Bluestone Staffing)".
_AGENCY = re.compile(
    r"\b(staffing|recruit(?:ment|ing|ers?)\s+(?:agency|partners)|search partners|talent partners"
    r"|headhunt\w*|executive search|hirewell|on behalf of)\b",
    re.IGNORECASE,
)
_REFERRAL = re.compile(r"\b(referr(?:al|ed)|employee referral)\b", re.IGNORECASE)


@dataclass(frozen=True)
class MailTrace:
    """What of one timeline email tells the source: its sender and subject."""

    sender: str
    subject: str


def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2].lower()


def detect(mail: Iterable[MailTrace]) -> str:
    """Return the source the mail shows ("" when it shows none), first clue by priority.

    A referral or an agency says more than the channel the mail went through, so they are
    looked for first; then LinkedIn, job boards and applicant-tracking systems.
    """
    traces = list(mail)
    for trace in traces:
        if _REFERRAL.search(trace.subject):
            return "referral"
    for trace in traces:
        if _AGENCY.search(trace.sender) or _AGENCY.search(_domain(trace.sender)):
            return "agency"
    domains = [_domain(trace.sender) for trace in traces]
    if any(d == "linkedin.com" or d.endswith(".linkedin.com") for d in domains):
        return "linkedin"
    if any(is_job_board_domain(d) for d in domains):
        return "job_board"
    if any(is_ats_domain(d) for d in domains):
        return "company_site"
    return ""


def effective(by_hand: str, detected: str) -> str:
    """The source an application counts under: the person's, else the mail's, else other."""
    return by_hand or detected or "other"


def label(source: str) -> str:
    return SOURCE_LABELS.get(source, "Unknown")
