"""The default engine: deterministic, offline rules over sender, subject and body."""

from __future__ import annotations

import re

from analysis.engines.base import Analysis, EmailInput, Status

VERSION = "rules-0"

_PHRASES: dict[Status, re.Pattern[str]] = {
    Status.REJECTION: re.compile(
        r"not (?:be )?moving forward|other candidates|regret to inform|not to (?:advance|proceed)",
        re.I,
    ),
    Status.OFFER: re.compile(r"offer letter|pleased to offer|extend an offer", re.I),
    Status.INTERVIEW_INVITATION: re.compile(r"interview|phone screen", re.I),
    Status.ASSESSMENT: re.compile(r"assessment|coding challenge|take-home", re.I),
    Status.WITHDRAWAL: re.compile(r"withdrawn|withdrawal", re.I),
    Status.INFORMATION_REQUEST: re.compile(r"your availability|references", re.I),
    Status.ACTION_REQUIRED: re.compile(r"action required|complete your", re.I),
    Status.APPLICATION_CONFIRMATION: re.compile(
        r"thank you for applying|application (?:was )?received|received your application", re.I
    ),
}


def analyse(email: EmailInput) -> Analysis:
    """Return the rules' analysis of ``email``."""
    text = f"{email.subject}\n{email.body_text[:4000]}"
    for status, pattern in _PHRASES.items():
        if pattern.search(text):
            return Analysis(status, email.sender_name, "", f"{status.value}.", 0.5)
    return Analysis(Status.NOT_JOB_RELATED, "", "", "Not about a job application.", 0.5)
