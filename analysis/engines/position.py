"""Which position (job title) an email is about."""

from __future__ import annotations

import re

from analysis.engines.base import EmailInput, cap, name_cache
from analysis.engines.names import SENTENCE_STARTS, TITLE, compile_table, triggered_table
from analysis.engines.rule_text import Text

# How far into the body a position is looked for: emails name it early, and legal footers
# further down mention roles in passing.
_POSITION_REACH = 1500


_TITLE_NOUNS = re.compile(
    r"\b(?:engineer|engineering|developer|analyst|analytics|scientist|science|manager|designer"
    r"|intern|internship|associate|specialist|consultant|researcher|director|lead|architect"
    r"|administrator|coordinator|representative|officer|assistant|accountant|programmer"
    r"|technician|writer|editor|strategist|owner|recruiter|advisor|adviser|head|vp|president"
    r"|executive|operator|fellow|co-op|trainee|apprentice|graduate|nurse|teacher|agent|clerk"
    r"|driver|sre|devops|partner|principal|staff|controller|auditor|economist|statistician"
    r"|biostatistician|marketer|marketing|sales|support|success|operations|product|program"
    r"|counsel|attorney|paralegal|therapist|pharmacist|physician|cashier|chef|instructor"
    r"|professor|tutor|planner|buyer|producer|artist|modeler|modeller|tester|qa)\b",
    re.IGNORECASE,
)


def names_a_title(text: str) -> bool:
    """Whether ``text`` holds a title's noun ("analyst", "engineer", "intern", ...)."""
    return _TITLE_NOUNS.search(text) is not None


_POSITION_PATTERNS = triggered_table(
    (
        (
            9,
            rf"(?i:for the|for our|for an?|the|our|interest in|for)(?: (?i:open|new|current))?"
            rf" (?P<p>{TITLE}) (?i:role|position|opening|opportunity|job|vacancy|internship"
            r"|req)\b",
        ),
        # "Position: Data Analyst", "Position Applied For:\nData Analyst" (one line here).
        (
            9,
            rf"(?i:position|role|job title|job|title|vacancy)(?: (?i:applied for))? ?: ?"
            rf"(?P<p>{TITLE})",
        ),
        (8, rf"(?i:position|role) (?i:of|as) (?:(?i:an?|our|the) )?(?P<p>{TITLE})"),
        (
            8,
            rf"(?i:you applied for|applied for the|applied to the|your application for the)"
            rf",? (?P<p>{TITLE})",
        ),
        (
            7,
            rf"(?i:application|applying|applied|candidacy|interview|interviews|offer|applications"
            rf"|process|consideration|resume|submission) (?i:for|to)"
            rf" (?:(?i:the|our|an?) )?(?:(?i:position|role) (?i:of) )?(?P<p>{TITLE})",
        ),
        # "Thank you for applying with Acme for Data Insights Analyst in ...".
        (
            7,
            rf"(?i:applying|applied|application) (?i:with|at) [^.,;:!?]{{1,40}}? (?i:for)"
            rf" (?:(?i:the|our|an?) )?(?P<p>{TITLE})",
        ),
        (
            5,
            rf"(?i:join us as|join the team as|selected as our new|selected as our|as our new)"
            rf" (?:(?i:an?|our) )?(?P<p>{TITLE})",
        ),
        (
            6,
            rf"(?i:requisition|req|job|position|opening|role) (?:(?i:id|number|no\.?)?:? ?|- )?"
            rf"[\w-]*\d[\w-]* [-:] (?P<p>"
            rf"{TITLE})",
        ),
        # "... to the following position, Data Science Intern" / "position(s): R0338095 ..."
        (
            9,
            rf"(?i:the following (?:position|role|job|opening))(?:\(s\))?[,:]? (?P<p>{TITLE})",
        ),
        # "Thank you for your interest in Business Analyst (ID: 2938031)": a title, or the
        # company ("interest in Acme"), which the title's noun tells apart.
        (7, rf"(?i:interest in) (?:(?i:the|our) )?(?P<p>{TITLE})"),
    )
)
_SUBJECT_POSITION = compile_table(
    (
        (8, rf"^(?P<p>{TITLE}) (?i:at) [A-Z0-9]"),
        (8, rf"(?::|-|\|) (?P<p>{TITLE}) (?i:at) [A-Z0-9]"),
        (
            7,
            rf"(?:^|: |- |\| |(?i:for|for the|your) )(?P<p>{TITLE})(?: \(|$| (?i:application"
            r"|interview|position|role|offer)\b)",
        ),
        # "Your application for Data Analyst at Acme", "Your resume for Data Analyst was ...";
        # "applying to" a bare name is the company ("Thank you for applying to Acme Analytics").
        (
            7,
            rf"(?i:application|applying|applied|resume|candidacy)"
            rf" (?:(?i:for)(?: (?i:the|our|an?))?|(?i:to) (?i:the|our|an?)) (?P<p>{TITLE})",
        ),
    )
)
# Where a subject's parts start: "ALDI - Thank You for Applying - Supply Chain Analyst - R123"
# names the role in its third part, which a match begun at the first would swallow.
_SUBJECT_PARTS = re.compile(r" [-|:–] ")
# A requisition number after the title: "Data Engineer (R-0012345)", "Analyst - JR123456",
# "Associate AI Scientist 390561", "Data Analyst Requisition ID 158732".
_REQUISITION = re.compile(
    r"\s*(?:\([^()]*\d{3}[^()]*\)|[-–,:]\s*[A-Z]{0,6}-?\d{3,}[\w-]*"
    r"|\s(?i:requisition|req|job)(?: ?(?i:id|no\.?|number|#))? ?[:#]? ?[A-Z]{0,6}-?\d{3,}[\w-]*"
    r"|\s[A-Z]{0,6}-?\d{5,}[A-Z\d-]*)$"
)
# ... or before it: "1007276 - Data Science Intern", "R0338095 Associate Data Engineer",
# "2024-284008 - Data Analyst", Workday's "23WD51234 Data Analyst" (a year alone, "2024 New
# Grad Program", stays).
_LEADING_REQUISITION = re.compile(
    r"^(?:\d{0,4}[A-Z]{1,6}-?\d{4,}|\d{5,}|\d{4}-\d{4,})[\w-]*\s*(?:[-–:|]\s+)?"
)
# ... or inside it, where the title ends: "Field Data Analyst 204417BR Candidate reference
# no. 1234", "Lab Scientist – 40917731 and are reviewing", "Jo Ruiz - 25839528 Field Analyst"
# (what follows is no title; before it, a person's name is no title either: the title-noun
# bonus prefers the part after it). Only after a word: "2024-284008 - Data Analyst" leads.
_INNER_REQUISITION = re.compile(
    r"(?:(?<=[A-Za-z)])\s+(?:(?i:requisition|req|job)(?: ?(?i:id|no\.?|number|#))? ?[:#]? ?)?"
    r"[-–]?\s*|(?<=[a-z]{2})[-–])[A-Z]{0,6}-?\d{5,}[A-Z]{0,4}\b.*$"
)
# A posting's state after the title, as some ATSs print it: "Data Analyst (Open)".
_POSTING_STATE = re.compile(r"\s*\((?i:open|closed|filled|evergreen)\)$")
# Tags an ATS or a recruiter puts before a title: "[PIPELINE] Software Engineer", "[Remote]".
_LEADING_TAGS = re.compile(r"^(?:\[[^\[\]]{1,40}\]\s*)+")
# The separator after a company's name that leads a subject ("Acme - ", "Acme: ", "Acme | ").
_LEADING_SEPARATOR = re.compile(r"\s*[-|:–]\s+")
# A legal entity before or after the title: the posting's employer as the ATS names it, which
# one mail of an application writes and another does not ("Mercedes-Benz Financial Services
# USA LLC - Data Analytics Intern" in a Workday turn-down, "Data Analytics Intern" in its
# confirmation). Dropped when what is left names a title.
_ENTITY = (
    r"[^|:–]{2,80}?\b(?:inc|llc|llp|ltd|limited|plc|corp|corporation|gmbh|ag|n\.a|s\.a|b\.v"
    r"|n\.v|pty|pvt|co)\.?,?"
)
# The first part of a title written in parts, and its separator.
_LEADING_PART = re.compile(r"^([^|:–]{2,60}?)\s+[-|:–]\s+(?=\S)")
# Words of a hiring step or an update, which a team's or a programme's name ("Deals - Data &
# Analytics Intern", "2024 University Grad - Marketing Analyst") holds none of.
_STEP = re.compile(
    r"\b(?:assessment|test|challenge|exercise|screen|screening|interview|invitation|application"
    r"|confirmation|update|offer|reminder|status|next steps?|action)\b",
    re.IGNORECASE,
)
_TRAILING_PART = re.compile(r"\s+[-|:–]\s+([^\s|:–][^|:–]{0,60})$")
_LEADING_ENTITY = re.compile(rf"^{_ENTITY}\s+[-|:–]\s+(?=\S)", re.IGNORECASE)
_TRAILING_ENTITY = re.compile(rf"\s+[-|:–]\s+{_ENTITY}$", re.IGNORECASE)
_POSITION_TRAILING = re.compile(
    r"(?:[\s,(-]+(?:position|role|opening|opportunity|job|vacancy|req(?:uisition)?|number|at|with"
    r"|in|for|and|the|to|of|&|-|/))+\s*$|[\s,.;:!(-]+$",
    re.IGNORECASE,
)
_NOT_POSITION_START = frozenset(
    """
    your the we you our thank thanks application interview offer update action next please this
    that a an it i re fwd congratulations confirmation received welcome regarding following hi
    hello dear invitation references scheduling withdrawal take complete great important
    reminder
    """.split()  # noqa: SIM905 -- a word list reads best as text
)


def position(email: EmailInput, text: Text, company_name: str, reader: frozenset[str]) -> str:
    """Return the position ``email`` is about ('' when it names none); ``reader`` is
    ``people.addressee_keys`` of it."""
    subject = text.subject
    starts = [0, *(part.end() for part in _SUBJECT_PARTS.finditer(subject))]
    matches = [
        (weight, match)
        for start in starts
        for weight, pattern in _SUBJECT_POSITION
        for match in pattern.finditer(subject[start:])
    ]
    matches += [(9, match) for match in _job_cards(company_name, text.flat)]
    matches += [
        (weight, match)
        for weight, triggered in _POSITION_PATTERNS
        for match in triggered.finditer(text.body_scan, _POSITION_REACH)
    ]
    # The reader's full name in it makes it a document's name, not a role: "Please DocuSign:
    # Acme Offer Letter - Alex Morgan".
    full_names = [name for name in reader if " " in name]
    best: tuple[float, str] = (0.0, "")
    for weight, match in matches:
        name = _clean_title(match.group("p"), company_name)
        score = weight + _title_bonus(name, company_name)
        if name and score > best[0] and not any(n in name.casefold() for n in full_names):
            best = (score, name)
    return cap(best[1], 80) if best[0] >= 8 else ""


def _job_cards(company_name: str, flat: str) -> list[re.Match[str]]:
    """The title on a job board's card of the company's job: "Acme\nData Analyst\nAcme ·
    Austin, TX" (LinkedIn's "Your application was sent to Acme", its alerts and views). The
    card spells the company its own way ("Acme Inc.", "Acme - AC") the same above and below
    the title, and the title is the poster's ("BI Data Analytics with Tableau")."""
    head = flat[:_POSITION_REACH]
    if not company_name or " ·" not in head or company_name.casefold() not in head.casefold():
        return []
    name = re.escape(company_name)
    card = re.compile(
        rf"(?P<c>(?i:{name})[^·]{{0,24}}?) (?P<p>(?:(?!(?i:{name}))[^·]){{2,80}}?) (?P=c) ·"
    )
    return list(card.finditer(head))


@name_cache
def _clean_title(value: str, company_name: str) -> str:
    value = value.strip()
    if company_name:
        for joiner in (" at ", " with ", " - "):
            value = value.partition(joiner + company_name)[0]
        # A subject led by the company: "Acme Analytics - Application Confirmation" names no
        # role ("Application" starts none); "Acme - Data Analyst" names one.
        lead = _LEADING_SEPARATOR.match(value, len(company_name))
        if lead and value[: len(company_name)].casefold() == company_name.casefold():
            value = value[lead.end() :]
    value = _without_entity(value)
    words = value.split()
    # A title ends where a sentence starts: "Position: Data Analyst\nWe have received ..."
    end = next((i for i, w in enumerate(words) if i and w.lower() in SENTENCE_STARTS), None)
    value = " ".join(words[:end])
    value = _INNER_REQUISITION.sub("", _POSTING_STATE.sub("", value))
    value = _POSITION_TRAILING.sub("", _REQUISITION.sub("", value)).strip()
    value = _LEADING_REQUISITION.sub("", _LEADING_TAGS.sub("", value))
    words = value.split()
    if not words or words[0].lower() in _NOT_POSITION_START or len(words) > 10:
        return ""
    if company_name and value.casefold() == company_name.casefold():
        return ""
    return value


def _without_entity(value: str) -> str:
    """``value`` without a legal entity leading or ending it, if the rest names a title, and
    without a part that names none when the rest does: a step before the role ("Technical
    Assessment - Data Engineer", "Phone Screen - Data Engineer"; a team's name stays) or what
    happened after it ("Data Analyst - Application Received")."""
    head = _LEADING_PART.match(value)
    if (
        head
        and _STEP.search(head.group(1))
        and not names_a_title(head.group(1))
        and names_a_title(value[head.end() :])
    ):
        value = value[head.end() :]
    # ... or a last part that says what happened ("Data Analyst - Application Received").
    last = _TRAILING_PART.search(value)
    if (
        last
        and last.group(1).split()[0].lower() in _NOT_POSITION_START
        and names_a_title(value[: last.start()])
    ):
        value = value[: last.start()]
    lead = _LEADING_ENTITY.match(value)
    if lead and names_a_title(value[lead.end() :]):
        value = value[lead.end() :]
    tail = _TRAILING_ENTITY.search(value)
    if tail and names_a_title(value[: tail.start()]):
        value = value[: tail.start()]
    return value


@name_cache
def _title_bonus(name: str, company_name: str) -> float:
    """Whether ``name`` reads as a title: a title's noun outside the company's name ("Acme
    Analytics Offer Letter" holds no title's noun of its own)."""
    if not name:
        return -99
    if company_name:
        name = re.sub(re.escape(company_name), " ", name, flags=re.IGNORECASE)
    return 3 if _TITLE_NOUNS.search(name) else -3
