"""What grouping works on: one job email (``Mail``) and one application being grouped
(``Cluster``), with the rules that compare them (``tracker.clustering`` groups with them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from analysis.status import Status
from tracker.stages import REOPENABLE, REOPENING, STAGE_OF_STATUS, Stage

# Confirmations of one role within this of each other confirm one submission: a job board's or
# an agency's application confirmed again by the employer's system, or a form sent twice.
# Later, even through the same system, the candidate applied again (another posting of the
# title): two confirmations days apart are two applications.
RELAYED = timedelta(days=2)
# An employer's email this long before an application's confirmation belongs to another one.
BEFORE_CONFIRMATION = timedelta(days=2)
# After these, mail naming no role answers another application of the company, if one is open.
_CLOSING = frozenset({Status.REJECTION, Status.WITHDRAWAL, Status.OFFER})
# What follows an offer within the offered application, and how soon: its paperwork (forms to
# sign, the letter again) comes in the weeks before the start, not months after the offer.
_OFFER_PAPERWORK = frozenset({Status.OFFER, Status.ACTION_REQUIRED})
PAPERWORK_WINDOW = timedelta(days=60)
# Mail naming no company reaches an application by its role or its writer's name only this
# soon after the application's last mail: a name or a title alone is weak evidence.
NAMELESS_WINDOW = timedelta(days=45)
# Senders that relay an application to the employer: their confirmation and the employer's
# are one application.
JOB_BOARDS = frozenset({"linkedin", "indeed", "glassdoor", "ziprecruiter", "monster", "dice"})
# Applicant tracking systems: an employer runs one, so mail of one application comes through
# one of them.
ATS = frozenset(
    {
        *("greenhouse", "lever", "workday", "ashby", "smartrecruiters", "icims", "taleo"),
        *("jobvite", "bamboohr", "workable"),
    }
)
_NEVER = datetime.min.replace(tzinfo=UTC)
# Statuses that move an application forward to their stage, and only at that point.
_STEPS: dict[str, Stage] = {
    Status.ASSESSMENT: Stage.SCREENING,
    Status.INTERVIEW_INVITATION: Stage.INTERVIEW,
}


@dataclass(frozen=True)
class Mail:
    """One job email as grouping needs it."""

    message_id: str
    date: datetime
    status: str
    company: str  # company key ("" unknown)
    position: str  # position key ("" unknown)
    # thread:, msgid:, req:, portal: keys (``links.STRONG_PREFIXES``): each names one application.
    strong: frozenset[str] = frozenset()
    recruiter: str = ""  # a person's own address
    person: str = ""  # that person's name
    channel: str = ""  # the ATS, job board or domain it came through
    moved: bool = False  # the person named its company or role: names decide

    def organisation(self) -> str:
        """The organisation whose domain the writer's own address is at ("" from a personal
        mailbox, an ATS or a job board)."""
        if not self.recruiter or self.channel in ATS or self.channel in JOB_BOARDS:
            return ""
        return self.channel

    def other_person(self, other: Mail) -> bool:
        """Whether ``other``, by a writer of the same name, is by somebody else: their own
        addresses are at two organisations (an agency's Daniel Kim, the employer's)."""
        mine, theirs = self.organisation(), other.organisation()
        return bool(mine and theirs and mine != theirs)


@dataclass
class Cluster:
    """One application being grouped."""

    index: int
    company: str
    position: str
    mails: list[Mail] = field(default_factory=list)
    pinned: object | None = None  # the application a manual alias leads to
    confirmations: list[Mail] = field(default_factory=list)
    closed_at: datetime | None = None
    closed_by: str = ""  # the status that closed it
    requisitions: set[str] = field(default_factory=set)
    # Mail placed by more than its company alone, by date.
    activity: list[datetime] = field(default_factory=list)
    weak: set[str] = field(default_factory=set)
    furthest: Stage = Stage.APPLIED  # of its mail's statuses

    @property
    def first(self) -> datetime:
        return self.mails[0].date

    @property
    def last(self) -> datetime:
        return self.mails[-1].date

    def add(self, mail: Mail, weak: bool) -> None:
        self.mails.append(mail)
        self.requisitions |= {key[4:] for key in mail.strong if key.startswith("req:")}
        if mail.status == Status.APPLICATION_CONFIRMATION:
            self.confirmations.append(mail)
        self.furthest = max(self.furthest, STAGE_OF_STATUS.get(mail.status, Stage.APPLIED))
        if mail.status in _CLOSING and self.closed_at is None:
            self.closed_at = mail.date
            self.closed_by = mail.status
        elif mail.status in REOPENING and not weak and self.closed_by in REOPENABLE:
            # The employer asks for more (sure mail): it went on after all, or the rejection
            # that closed it was another application's.
            self.closed_at, self.closed_by = None, ""
        if weak:
            self.weak.add(mail.message_id)
        else:
            self.activity.append(mail.date)
        if not self.company and mail.company:
            self.company = mail.company
        if not self.position and mail.position:
            self.position = mail.position

    def confirmed_after(self, when: datetime) -> bool:
        """Whether the application was first confirmed after ``when`` (begun later)."""
        return bool(self.confirmations) and self.confirmations[0].date > when

    def open_at(self, when: datetime) -> bool:
        return self.closed_at is None or when <= self.closed_at

    def open_for(self, mail: Mail) -> bool:
        """Whether the application is open to ``mail``: an offer's own paperwork (the letter
        again, forms to sign) still belongs to the application offered."""
        return self.open_at(mail.date) or (
            self.closed_by == Status.OFFER
            and mail.status in _OFFER_PAPERWORK
            and mail.date - self.last <= PAPERWORK_WINDOW
        )

    def closed_surely(self) -> bool:
        """Whether mail placed by more than its company alone ended the application."""
        return self.closed_at is not None and any(
            mail.date == self.closed_at and mail.message_id not in self.weak for mail in self.mails
        )

    def active_before(self, when: datetime) -> datetime:
        return self.activity[-1] if self.activity and self.activity[-1] <= when else _NEVER

    def answered_before(self, when: datetime) -> bool:
        """Whether the employer had written more than a confirmation before ``when``."""
        return any(
            m.date < when and m.status != Status.APPLICATION_CONFIRMATION for m in self.mails
        )

    def heard_from(self, person: str) -> bool:
        """Whether ``person`` wrote mail placed surely in the application."""
        return any(m.person == person and m.message_id not in self.weak for m in self.mails)

    def channels(self, sure: bool = False) -> set[str]:
        """The channels its mail came through (``sure``: of mail placed by more than its
        company alone)."""
        return {
            mail.channel
            for mail in self.mails
            if mail.channel and not (sure and mail.message_id in self.weak)
        }

    def systems(self) -> set[str]:
        """The applicant tracking systems its mail came through."""
        return {mail.channel for mail in self.mails if mail.channel in ATS}

    def other_system(self, mail: Mail) -> bool:
        """Whether another applicant tracking system than the one that sent ``mail`` runs it."""
        systems = self.systems()
        return mail.channel in ATS and bool(systems) and mail.channel not in systems

    def run_by_other(self, systems: set[str]) -> bool:
        """Whether the application is run by an ATS, none of ``systems`` (a thread's)."""
        own = self.systems()
        return bool(systems and own) and not systems & own

    def other_requisition(self, mail: Mail) -> bool:
        reqs = {key[4:] for key in mail.strong if key.startswith("req:")}
        return bool(reqs and self.requisitions) and not reqs & self.requisitions

    def past(self, mail: Mail) -> bool:
        """Whether the application has gone beyond the step ``mail`` takes it to: an
        assessment is not for one already interviewing, an interview not for one offered.
        (Requests for information or action come at any stage: references, forms.)"""
        stage = _STEPS.get(mail.status)
        return stage is not None and self.furthest > stage

    def other_recruiter(self, mail: Mail) -> bool:
        """Whether other people than ``mail``'s writer have written about the application."""
        people = {m.person for m in self.mails if m.person and m.message_id not in self.weak}
        return bool(mail.person and people and mail.person not in people)

    def ready_for(self, mail: Mail) -> bool:
        """Whether the application has come as far as ``mail`` follows from: an offer comes
        after interviews."""
        return mail.status != Status.OFFER or self.furthest >= Stage.INTERVIEW

    def fits_role(self, mail: Mail) -> bool:
        return not mail.position or not self.position or mail.position == self.position

    def fits(self, mail: Mail) -> bool:
        """Whether ``mail``'s names do not contradict the application's."""
        return (not mail.position or not self.position or mail.position == self.position) and (
            not mail.company or not self.company or mail.company == self.company
        )


def same_application(cluster: Cluster, mail: Mail) -> bool:
    """Whether confirmation ``mail`` confirms ``cluster`` again rather than a new application."""
    if not cluster.open_at(mail.date) and (
        (cluster.confirmations and cluster.closed_by != Status.OFFER)
        or mail.channel not in cluster.channels()
    ):
        # Confirmed, then turned down or withdrawn, then confirmed again: applied again; or,
        # closed and confirmed through a new channel, say directly after an agency's attempt
        # was turned down. (A rejection just before the confirmation it answers closes
        # nothing here; a confirmation after an offer is the offer's paperwork.)
        return False
    if not cluster.confirmations:
        return cluster.first >= mail.date - BEFORE_CONFIRMATION
    if all(mail.date - c.date > RELAYED for c in cluster.confirmations):
        # A relayed application is confirmed by the next system within a day or two; days
        # later it is another application to the same role (an agency's beside the
        # candidate's own, or another posting of the title through the same system).
        return False
    # A job board or a recruiter relays an application to the employer's ATS, which confirms
    # it again; a confirmation through another ATS than the application's is another one.
    systems = cluster.systems()
    return not (mail.channel in ATS and systems and mail.channel not in systems)
