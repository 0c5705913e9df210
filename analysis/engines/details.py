"""The one short sentence a person reads about an analysed email."""

from __future__ import annotations

import re

from analysis.engines.base import MAX_DETAILS_CHARS, cap
from analysis.engines.rule_text import Text
from analysis.engines.triggers import Triggered
from analysis.status import Status

_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_CLOCK = r"\d{1,2}(?::\d{2})? ?(?:am|pm|a\.m\.|p\.m\.)(?: [a-z]{2,4}\b)?"
_WHEN = Triggered(
    rf"(?:(?:next|this) (?:week|{_DAY})(?: (?:morning|afternoon|evening))?(?: at {_CLOCK})?"
    rf"|{_DAY}(?:,? {_MONTH} \d{{1,2}}(?:st|nd|rd|th)?)?(?: (?:morning|afternoon"
    rf"|evening))?(?: at {_CLOCK})?"
    rf"|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?(?: at {_CLOCK})?"
    rf"|tomorrow(?: (?:morning|afternoon|evening))?(?: at {_CLOCK})?)",
    re.IGNORECASE,
)
_DEADLINE = Triggered(
    rf"(?:by|before|until|deadline:?|within) ((?:{_DAY},? )?{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?"
    rf"(?:,? \d{{4}})?|\d+ (?:hours|days|business days)|{_DAY}|the end of (?:the|this) week)",
    re.IGNORECASE,
)
_INTERVIEW_KINDS = (
    (
        "phone screen",
        r"phone screen|phone call|phone interview|screening call|intro(?:ductory)?"
        r" call",
    ),
    ("virtual onsite", r"virtual onsite"),
    ("onsite interview", r"onsite|on-site"),
    ("panel interview", r"panel interview"),
    ("final-round interview", r"final(?:[- ]round)? interview"),
    ("technical interview", r"technical interview|coding interview"),
    ("case study presentation", r"case study"),
    ("video interview", r"video (?:call|interview)|zoom|google meet|teams call"),
    ("interview", r"interview"),
    ("call", r"\bcall\b|\bchat\b"),
)
_KINDS = tuple((label, Triggered(pattern, re.IGNORECASE)) for label, pattern in _INTERVIEW_KINDS)
# The time is fixed already, not a proposal.
_SETTLED = Triggered(r"(?:scheduled|confirmed|booked)\b", re.IGNORECASE)
_PLATFORMS = Triggered(
    r"\b(HackerRank|CodeSignal|Codility|TestGorilla|HireVue|Karat|CoderPad|Pymetrics|SHL)\b",
    re.IGNORECASE,
)
_ASKS = (
    ("your availability", r"availab|time ?slots|times that work|when (?:are|would) you"),
    ("references", r"references"),
    ("your salary expectations", r"salary|compensation expectations"),
    ("your earliest start date", r"start date|notice period"),
    ("whether you can work on site", r"office|onsite|on-site|relocat|commut"),
)
_ASK_PATTERNS = tuple((label, Triggered(p, re.IGNORECASE)) for label, p in _ASKS)
_TASKS = (
    ("authorize a background check", r"background"),
    (
        "finish the application",
        r"not (?:yet )?complete|incomplete|finish|remaining questions"
        r"|complete your (?:job )?application",
    ),
    ("sign the pre-employment forms", r"pre-employment|onboarding|sign"),
    ("upload documents", r"upload|transcript|self-identification"),
    ("verify your details", r"verify|confirm your"),
    ("complete the candidate profile", r"profile"),
)
_TASK_PATTERNS = tuple((label, Triggered(p, re.IGNORECASE)) for label, p in _TASKS)


def _about(position: str, company: str) -> str:
    if position and company:
        return f"{position} at {company}"
    return position or company


def describe(status: Status, company: str, position: str, text: Text, alert: bool) -> str:
    """Return one plain sentence that says what happened."""
    return cap(_sentence(status, company, position, text, alert), MAX_DETAILS_CHARS)


def _sentence(status: Status, company: str, position: str, text: Text, alert: bool) -> str:
    about = _about(position, company)
    match status:
        case Status.APPLICATION_CONFIRMATION:
            return f"Application for {about} received." if about else "Application received."
        case Status.REJECTION:
            return f"Rejected after applying for {about}." if about else "Application rejected."
        case Status.INTERVIEW_INVITATION:
            return _interview(about, text)
        case Status.ASSESSMENT:
            return _assessment(about, text)
        case Status.OFFER:
            return f"Job offer for {about}." if about else "Job offer received."
        case Status.INFORMATION_REQUEST:
            return _request(company, position, text)
        case Status.ACTION_REQUIRED:
            return _action(about, text)
        case Status.WITHDRAWAL:
            return f"Application for {about} withdrawn." if about else "Application withdrawn."
    if alert:
        return "Job alert or job-site notice, not an application."
    return "Not about a job application."


def _find(pattern: Triggered, text: Text) -> re.Match[str] | None:
    return pattern.search(text.body_scan) or pattern.search(text.subject_scan)


def _first_label(table: tuple[tuple[str, Triggered], ...], text: Text, default: str) -> str:
    return next(
        (
            label
            for label, pattern in table
            if pattern.exists(text.subject_scan) or pattern.exists(text.body_scan)
        ),
        default,
    )


def _interview(about: str, text: Text) -> str:
    kind = _first_label(_KINDS, text, "interview")
    match = _find(_WHEN, text)
    when = " ".join(match.group().split()) if match else ""
    head = f"Interview invitation for {about}" if about else "Interview invitation"
    if when:
        settled = _SETTLED.exists(text.body_scan) or _SETTLED.exists(text.subject_scan)
        return f"{head}: {kind} {'scheduled' if settled else 'proposed'} for {when}."
    return f"{head}: {kind}."


def _due(text: Text) -> str:
    deadline = _DEADLINE.search(text.body_scan)
    return f" by {deadline.group(1)}" if deadline else ""


def _assessment(about: str, text: Text) -> str:
    platform = _find(_PLATFORMS, text)
    what = f"the {platform.group(1)} assessment" if platform else "an assessment"
    head = f"Assessment for {about}" if about else "Assessment requested"
    return f"{head}: complete {what}{_due(text)}."


def _request(company: str, position: str, text: Text) -> str:
    asked = _first_label(_ASK_PATTERNS, text, "more information")
    who = company or "The recruiter"
    about = f" about {position}" if position else ""
    return f"{who} asks for {asked}{about}."


def _action(about: str, text: Text) -> str:
    task = _first_label(_TASK_PATTERNS, text, "complete a task in the candidate portal")
    head = f"Action required for {about}" if about else "Action required"
    return f"{head}: {task}{_due(text)}."
