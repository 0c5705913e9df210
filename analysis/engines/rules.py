"""The default engine: deterministic, offline rules over sender, subject and body.

1. Find the cues of each status (strong: states it; weak: leans to it), the signs of a job
   alert or account notice, the job-search context words, and who sent the email.
2. An email with no strong cue needs context (an ATS sender or job words) and weak cues to be
   job-related at all; alerts and notices are not, unless a strong cue says otherwise.
3. The highest-priority status with a strong cue wins (see ``cues.PRIORITY``), else the one
   with the most weak cues. Confidence grows with the evidence and shrinks with rivals.
4. Company, position and a one-line description are extracted for job-related emails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.engines import company, cues, decisions, details, position, vocab
from analysis.engines.base import Analysis, EmailInput, clamp_confidence
from analysis.engines.people import addressee_keys
from analysis.engines.rule_text import Text, prepare
from analysis.engines.triggers import Scan, Triggered, TriggerSet
from analysis.status import Status

# Bump whenever a change to the rules could change any result: cached analyses carry it.
VERSION = "rules-28"

_STRONG = cues.compile_cues(cues.STRONG)
_WEAK = cues.compile_cues(cues.WEAK)
_NOT_APPLICATION = Triggered(cues.NOT_APPLICATION, re.IGNORECASE)
_CONTEXT = Triggered(cues.CONTEXT, re.IGNORECASE)
_OUTREACH = Triggered(cues.OUTREACH, re.IGNORECASE)
_OWN_APPLICATION = Triggered(cues.OWN_APPLICATION, re.IGNORECASE)
# Words that lean to a rejection without stating one: regret, "keep your CV on file".
_LEANING = "|".join((*cues.WEAK[Status.REJECTION], r"(?:unfortunately|regret|sadly|regrettably)\b"))
# The same cues searched together, one pass per text: what ``gather`` uses.
_STRONG_SET = TriggerSet(cues.alternations(cues.STRONG), re.IGNORECASE)
_WEAK_SET = TriggerSet(cues.alternations(cues.WEAK), re.IGNORECASE)
_SIGNALS = TriggerSet(
    (
        ("alert", cues.NOT_APPLICATION),
        ("context", cues.CONTEXT),
        ("outreach", cues.OUTREACH),
        ("own", cues.OWN_APPLICATION),
        ("network", cues.TALENT_NETWORK),
        ("request", cues.GENERIC_REQUEST),
        ("leans", _LEANING),
    ),
    re.IGNORECASE,
)
_HEDGE = re.compile(cues.HEDGES, re.IGNORECASE)
# An assessment asked for (complete it, its link, a test platform), not only named.
_ASSESSMENT_ASKED = Triggered(
    "|".join(f"(?:{p})" for p in cues.STRONG[Status.ASSESSMENT] if p != cues.ASSESSMENT_NAMED),
    re.IGNORECASE,
)
# The confirmation cues without the thanks that open rejections and invitations as well.
_CONFIRMED = Triggered(
    "|".join(f"(?:{p})" for p in cues.STRONG[Status.APPLICATION_CONFIRMATION][1:]), re.IGNORECASE
)
# A request the mail itself calls voluntary: an equal-opportunity or tax-credit questionnaire
# beside a confirmation ("Providing this information is voluntary and not required to
# continue the application process") asks nothing the application waits on.
_VOLUNTARY = Triggered(
    r"voluntar(?:y|ily)|not required to (?:continue|proceed|complete|be considered)"
    r"|(?:is|are) (?:entirely |completely )?optional|optional (?:questionnaire|survey|form)",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.!?;:]")
# The writer's "will" just before an invitation's cue: "we will schedule", "we'll then set up".
_FUTURE_REACH = 30
_WILL_BEFORE = re.compile(r"(?:\bwill|'ll) (?:then |also |soon )?$", re.IGNORECASE)
# A day or time an invitation names.
_WHEN = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight"
    r"|this week|next week|\d{1,2}(?::\d\d)? ?(?:am|pm)\b|\d{1,2}:\d\d|\d{1,2}/\d{1,2}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b)",
    re.IGNORECASE,
)
_CLAUSE_REACH = 150  # how far back a hedge can reach within its sentence


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the rules found in one email."""

    strong: dict[Status, float]  # status → weight of its strong cues (subject counts more)
    sources: dict[Status, int]  # status → how many independent places state it
    weak: dict[Status, int]  # status → number of places with weak cues
    alert: bool  # reads like a job alert, digest or account notice
    outreach: bool  # a recruiter's cold outreach (that never mentions the person's application)
    own_application: bool  # speaks of the person's application ("your application")
    bulk: bool  # sent to a list or with an unsubscribe link: newsletters, marketing
    context: bool  # job-search words appear
    ats: bool  # sent by an applicant-tracking system or recruiting platform
    personal_sender: bool  # sent from a free-mail address
    # Words that lean to a rejection (regret, "keep your CV on file") that no decision backs:
    # a confirmation or invitation read beside them may be a rejection missed.
    leans_rejection: bool = False
    # The confirmation is more than the "thank you for applying" that opens every job email.
    confirmed_outright: bool = False
    asks: bool = False  # the body asks the reader a question
    voluntary: bool = False  # the body calls what it asks voluntary or optional


def analyse(email: EmailInput) -> Analysis:
    """Return the rules' analysis of ``email``."""
    text = prepare(email)
    evidence = gather(email, text)
    status, confidence = decide(evidence)
    employer = title = ""
    if status is not Status.NOT_JOB_RELATED:
        # The reader's names: never the company, nor in a role (a document named for them).
        reader = addressee_keys(email, text)
        employer = company.company(email, text, reader)
        title = position.position(email, text, employer, reader)
    sentence = details.describe(status, employer, title, text, evidence.alert)
    return Analysis(
        status, employer, title, sentence, clamp_confidence(confidence), engine_version=VERSION
    )


def gather(email: EmailInput, text: Text) -> Evidence:
    """Return the evidence of ``email``'s prepared text and sender."""
    # A reply's subject describes the message it answers, so only a fresh subject counts.
    fresh = not text.is_reply and bool(text.subject)
    subject, body = text.subject_scan, text.body_scan
    in_subject = _STRONG_SET.found(subject, _stated) if fresh else set()
    in_body = _STRONG_SET.found(body, _stated)
    strong = {s: 1.5 * (s in in_subject) + 1.0 * (s in in_body) for s in in_subject | in_body}
    sources = {s: (s in in_subject) + (s in in_body) for s in strong}
    signals = _SIGNALS.found(subject) | _SIGNALS.found(body)
    if "context" in signals and "request" in signals:
        request = Status.INFORMATION_REQUEST
        strong[request] = strong.get(request, 0.0) + 1.0
        sources[request] = sources.get(request, 0) + 1
    domain = vocab.domain_of(email.sender_address)
    local = email.sender_address.partition("@")[0].lower()
    ats = vocab.is_ats_domain(domain) or local == "workday"
    decided = decisions.read(body)
    for status, sentences in (
        (Status.REJECTION, decided.rejections),
        (Status.WITHDRAWAL, decided.withdrawals),
    ):
        if sentences:
            strong[status] = strong.get(status, 0.0) + 0.5 + 0.5 * min(sentences, 2)
            sources[status] = sources.get(status, 0) + min(sentences, 2)
    if _only_named_beside_interview(strong, subject, body):
        strong.pop(Status.ASSESSMENT)
        sources.pop(Status.ASSESSMENT, None)
    weak: dict[Status, int] = {}
    if not strong:  # weak cues only decide when no strong cue does
        weak_subject = _WEAK_SET.found(subject) if fresh else set()
        weak_body = _WEAK_SET.found(body)
        weak = {s: (s in weak_subject) + (s in weak_body) for s in weak_subject | weak_body}
    return Evidence(
        strong=strong,
        sources=sources,
        weak=weak,
        # A talent-network footer makes no alert of mail about the person's application.
        alert="alert" in signals or ("network" in signals and "own" not in signals),
        outreach="outreach" in signals,
        own_application="own" in signals,
        # Unsubscribe links sit in footers: look in the sign-off too, past the head's end.
        bulk=bool(email.list_id)
        or "unsubscribe" in body.words
        or "unsubscribe" in text.tail.lower(),
        context="context" in signals,
        ats=ats,
        personal_sender=vocab.is_free_mail_domain(domain),
        leans_rejection=Status.REJECTION not in strong and "leans" in signals,
        confirmed_outright=Status.APPLICATION_CONFIRMATION in in_subject
        or (Status.APPLICATION_CONFIRMATION in in_body and _CONFIRMED.exists(body)),
        asks="?" in text.flat,
        voluntary=_VOLUNTARY.exists(body),
    )


def _only_named_beside_interview(strong: dict[Status, float], subject: Scan, body: Scan) -> bool:
    """Whether the email invites to an interview and names an assessment only as part of it
    (nothing asks the reader to take one): the interview is the news."""
    return (
        Status.ASSESSMENT in strong
        and Status.INTERVIEW_INVITATION in strong
        and not _ASSESSMENT_ASKED.exists(subject)
        and not _ASSESSMENT_ASKED.exists(body)
    )


def _stated(status: Status, match: re.Match[str]) -> bool:
    """Return whether a cue is stated outright (not "if you are not selected ...")."""
    if status is Status.APPLICATION_CONFIRMATION:
        return True  # confirmations are hedged by nature ("we will review")
    if status is Status.INTERVIEW_INVITATION and _future_step(match):
        return False
    if status in _ACTS_ON_READER:
        return decisions.addressed_to_reader(match.string, match.start())
    if status is Status.REJECTION and decisions.about_a_group(match.string, match.start()):
        return False
    return not _hedged(match.string, match.start())


# Cues that offer or ask the reader something: the sentence must be about the reader.
_ACTS_ON_READER = frozenset(
    (Status.OFFER, Status.INTERVIEW_INVITATION, Status.ASSESSMENT, Status.INFORMATION_REQUEST)
)


def _future_step(match: re.Match[str]) -> bool:
    """Whether an invitation's cue is a step the writer says will come ("our team will review
    your application and we will schedule a call"), with no day or time of its own: how the
    process goes, not an invitation ("we will schedule a call for Tuesday at 3pm" is one)."""
    text = match.string
    before = text[max(0, match.start() - _FUTURE_REACH) : match.start()]
    if not _WILL_BEFORE.search(before):
        return False
    end = text.find(".", match.end())
    return not _WHEN.search(text, match.start(), end if end != -1 else len(text))


def _hedged(text: str, at: int) -> bool:
    start = max(0, at - _CLAUSE_REACH)
    clause = text[start:at]
    ends = [m.end() for m in _CLAUSE_END.finditer(clause)]
    return _HEDGE.search(clause, ends[-1] if ends else 0) is not None


def decide(evidence: Evidence) -> tuple[Status, float]:
    """Return the status the evidence supports and the confidence in it."""
    if evidence.personal_sender and not evidence.context:
        return Status.NOT_JOB_RELATED, 0.95
    if evidence.own_application or evidence.ats:
        unrelated = False
    else:
        # Cold outreach and bulk mail are about jobs in general, not the person's application.
        unrelated = evidence.outreach or evidence.bulk
    if unrelated and not cues.DECISIVE.intersection(evidence.strong):
        return Status.NOT_JOB_RELATED, 0.9 if evidence.bulk else 0.8
    strong = evidence.strong
    # Stated, but in mail with no job-search words: an HR system's task for an employee reads
    # the same ("please complete the form").
    uncertain = (
        []
        if evidence.context
        else [s for s in cues.PRIORITY if s in cues.NEEDS_CONTEXT and s in strong]
    )
    if uncertain:
        strong = {s: w for s, w in strong.items() if s not in cues.NEEDS_CONTEXT}
    if strong:
        status = _strongest(strong)
        if status is Status.ACTION_REQUIRED and evidence.voluntary and evidence.confirmed_outright:
            # "ACTION NEEDED: We've received your application", the action a voluntary form.
            status = Status.APPLICATION_CONFIRMATION
        return status, _strong_confidence(status, evidence)
    if evidence.alert:
        return Status.NOT_JOB_RELATED, 0.9
    # Weak cues alone ("interview", "next steps") count only in mail that is surely about the
    # person's application: from an ATS, or speaking of it.
    if evidence.weak and (evidence.own_application or evidence.ats):
        status = max(cues.PRIORITY, key=lambda s: (evidence.weak.get(s, 0), -_rank(s)))
        confidence = 0.45 + 0.05 * min(evidence.weak[status], 2) + 0.05 * evidence.ats
        return status, confidence - _LEAN_PENALTY * (
            evidence.leans_rejection and status is not Status.REJECTION
        )
    if evidence.ats or (evidence.own_application and evidence.context):
        if uncertain:
            # From an ATS that asks for an action: what it asks, if less surely.
            return uncertain[0], _UNCERTAIN_ACTION
        # About the person's application, with no cue of what happened: most likely its
        # acknowledgement, and surely one to review.
        return Status.APPLICATION_CONFIRMATION, 0.35
    # Job words but no cue of any status: likely job mail the rules cannot read.
    return Status.NOT_JOB_RELATED, 0.45 if evidence.context else 0.95


def _strongest(strong: dict[Status, float]) -> Status:
    status = next(s for s in cues.PRIORITY if s in strong)
    confirmed = strong.get(Status.APPLICATION_CONFIRMATION, 0.0)
    # A confirmation in subject and body outweighs a step that only the body mentions ("the
    # process includes an assessment"); a decision (rejection, offer, withdrawal) never yields.
    if status not in cues.DECISIVE and strong[status] + 1.0 < confirmed:
        return Status.APPLICATION_CONFIRMATION
    return status


def _rank(status: Status) -> int:
    return cues.PRIORITY.index(status)


# How much each piece of evidence moves the confidence in a status stated by strong cues.
_BASE = 0.9  # one place states it
_PER_SOURCE = 0.05  # each further place (subject, body phrase, decided sentences) agreeing
_CONTEXT_BONUS = 0.04  # from an ATS, or in job-search words
_RIVAL_PENALTY = 0.2  # another status stated too (the polite confirmation wording aside)
_ALERT_PENALTY = 0.15  # reads like a job alert as well
_LEAN_PENALTY = 0.25  # regret or "keep your CV on file" beside a non-rejection
_THANKS_ONLY_PENALTY = 0.3  # a confirmation resting on "thank you for applying" alone
_ASKS_PENALTY = 0.15  # a "confirmation" that asks a question
_UNCERTAIN_ACTION = 0.5  # an action asked for by an ATS's mail with no job-search words


def _strong_confidence(status: Status, evidence: Evidence) -> float:
    sources = evidence.sources.get(status, 1)
    rivals = [s for s in evidence.strong if s not in (status, Status.APPLICATION_CONFIRMATION)]
    confidence = _BASE + _PER_SOURCE * min(max(sources - 1, 0), 2)
    confidence += _CONTEXT_BONUS * (evidence.ats or evidence.context)
    confidence -= _RIVAL_PENALTY * len(rivals)
    if evidence.alert:
        confidence -= _ALERT_PENALTY
    if evidence.leans_rejection and status is not Status.REJECTION:
        confidence -= _LEAN_PENALTY
    if status is Status.APPLICATION_CONFIRMATION:
        # Only the polite thanks, or a question to the reader: perhaps a request or a
        # decision the rules did not read.
        confidence -= _THANKS_ONLY_PENALTY * (not evidence.confirmed_outright)
        confidence -= _ASKS_PENALTY * evidence.asks
    return min(confidence, 0.98)
