"""Which emails are one application: a company's mail grouped from scratch, oldest first.

A pure function of the emails (``tracker.cluster.Mail``) and the person's aliases, so that
placing mail batch by batch (newest first, as a full sync reads it) ends where a rebuild does:
the tracker regroups every company a batch touches (``tracker.regroup``). In time order, each
email joins the application it answers:

1. its names, when the person moved it there (a correction naming another company or role);
2. a strong link to earlier mail: the same thread, Message-ID (one it answers), requisition id
   or candidate-portal link (not one only mail naming no company carried, against the
   company this mail names);
3. a person's rename or merge (an alias of an application they renamed or merged);
4. the same recruiter (by address; by name within the company, only an application active
   lately; never an ended one by name, nor by address while another of the company is open —
   but an offer's paperwork reaches the application offered); unsure when it names no role
   (a recruiter handles several of the company's applications);
5. a confirmation starts an application, unless the same role was confirmed at most two days
   before (a relayed application, a form sent twice) and not through another ATS, nor after
   the application was turned down (``cluster.same_application``);
6. an email naming its role joins the role's application near in time (of two, the newer
   when the role was applied to again after the older went quiet, ``QUIET``; one closed only by
   an unsure turn-down is still open to mail naming its company and role); one naming only the
   company joins the company's application still open, not superseded so, not run by another
   ATS, not past the step it brings (an offer: one that has interviewed), not handled by
   another recruiter than its writer, run by its ATS (while active within ``QUIET``: a
   months-quiet application is no likelier for its ATS's mail than one applied to through a
   job board lately), for an ATS's test, form or turn-down naming no role one nobody answered
   yet, applied to within ``FIRST_ANSWER_WINDOW`` (for its interview, one answered; for a
   person's interview, one answered or applied to more than ``UNREAD_WINDOW`` before), last
   active before it (``weak``: unsure); mail
   naming neither joins such mail's group only when one of its writers wrote it, else the open
   application active lately that its ATS runs; a group begun by mail naming nothing joins the
   role it comes to name, or the company's application it answers when it names the company
   alone.

What nothing links starts an application of its own. Once all are placed, unsure mail moves to
the application its thread's next email names, else its recruiter's (not one begun after it,
nor after its thread began; mail naming no company, sure or not, to its thread's next email
naming a company), or else where its thread's last sure email before it is (never by mail naming
no company to another company than the one it names), or else to the one
open application run by the ATS that sent it when its own sure mail came through another, in
passes until none moves. Then unsure mail naming no role leaves an application that another
person than its writer turned out to handle for the company's other one open then that nobody
else handles. Then an unsure rejection leaves an application turned down on its own
(or going on after it) for the company's one that was open then: an application is turned down
once (of one naming no company, for the open one its ATS ran lately). Last, unsure mail naming
no role that this left after an application's sure end goes to the company's one open for it
then.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from analysis.status import Status
from tracker.cluster import (
    ATS,
    BEFORE_CONFIRMATION,
    NAMELESS_WINDOW,
    Cluster,
    Mail,
    same_application,
)
from tracker.links import STRONG_PREFIXES
from tracker.stages import REOPENING

# Mail after a rejection that says the application was still going: the employer asking for
# more, an offer, or the candidate withdrawing from it.
_GOES_ON = REOPENING | {Status.OFFER, Status.WITHDRAWAL}
# What an ATS sends an application nobody has answered yet: a test, a form to complete, a
# turn-down at screening (after interviews, people write) ...
_FIRST_ANSWERS = frozenset({Status.ASSESSMENT, Status.ACTION_REQUIRED, Status.REJECTION})
# ... and what it sends one already answered: an interview follows a screen or a test.
_LATER_ANSWERS = frozenset({Status.INTERVIEW_INVITATION})
# A first answer comes within weeks of applying; an application waiting longer has gone quiet,
# and an ATS's first answer naming no role is no likelier its than that of the company's
# application that moved lately (a turn-down after interviews comes through the ATS too).
FIRST_ANSWER_WINDOW = timedelta(days=60)
# An application this long without mail has gone quiet: its role applied to again after that
# is a new application its later mail goes to (days after an interview, it is still going).
QUIET = timedelta(days=30)
# An application sent days ago has not been read yet: a recruiter's interview invitation naming
# no role is for one the company answered already, or applied to longer ago.
UNREAD_WINDOW = timedelta(days=3)
# Passes of moving unsure mail after its thread's or writer's later mail (each is one scan).
_FOLLOW_PASSES = 4


class Grouper:
    """Groups mail in time order (see the module's docstring)."""

    def __init__(self, aliases: Mapping[tuple[str, str], object], gap: timedelta) -> None:
        self.aliases = aliases
        self.gap = gap
        self.clusters: list[Cluster] = []
        # link key -> the groups of the mail that carried it, the latest last.
        self.by_link: dict[str, list[Cluster]] = {}
        self.pinned: dict[object, Cluster] = {}
        self.created = 0
        # Strong links last carried by unsure mail (placed by its company or writer alone).
        self.weak_keys: set[str] = set()
        # Strong links last carried by mail naming no company.
        self.nameless_keys: set[str] = set()

    def group(self, mails: Iterable[Mail]) -> list[Cluster]:
        self._place_all(mails)
        # A move makes its mail sure, which can anchor other unsure mail: until none moves.
        for _ in range(_FOLLOW_PASSES):
            if not self._follow_recruiters():
                break
        self._other_writers()
        self._second_closings()
        self._after_closings()
        return self.clusters

    def _other_writers(self) -> None:
        """Move unsure mail naming no role out of an application another person turned out to
        handle (its sure mail), to the company's other application open then that nobody else
        handles (of several, ``_latest``'s): a recruiter new to the candidate writes about
        their own application, which the placement, in time order, could not yet tell."""
        moves: list[tuple[Mail, Cluster, Cluster]] = []
        for cluster in self.clusters:
            for mail in cluster.mails:
                if mail.message_id not in cluster.weak or mail.position or not mail.company:
                    continue
                if cluster.other_recruiter(mail):
                    others = self._unhandled(cluster, mail)
                    target = others[0] if len(others) == 1 else self._latest(others, mail)
                    if target is not None:
                        moves.append((mail, cluster, target))
        for mail, source, target in moves:
            self._move(mail, source, target)

    def _siblings(self, cluster: Cluster, mail: Mail) -> list[Cluster]:
        """The company's other applications ``mail`` could be about: begun and open then, not
        run by another ATS."""
        return [
            c
            for c in self.clusters
            if c is not cluster
            and c.company == mail.company
            and c.first <= mail.date
            and self._near(c, mail.date)
            and c.open_for(mail)
            and not c.other_system(mail)
        ]

    def _unhandled(self, cluster: Cluster, mail: Mail) -> list[Cluster]:
        """Those of ``_siblings`` no other person than its writer handles, come far enough."""
        return [
            c
            for c in self._siblings(cluster, mail)
            if not c.other_recruiter(mail) and c.ready_for(mail)
        ]

    def _second_closings(self) -> None:
        """Move an unsure rejection out of an application turned down on its own, or going on
        after it, to the company's application it answered instead: one is turned down once."""
        moves: list[tuple[Mail, Cluster, Cluster]] = []
        for cluster in self.clusters:
            for mail in cluster.mails:
                if mail.message_id in cluster.weak and self._ended_otherwise(cluster, mail):
                    target = self._latest(self._open_for(cluster, mail), mail)
                    if target is not None:
                        moves.append((mail, cluster, target))
        for mail, source, target in moves:
            self._move(mail, source, target)

    def _after_closings(self) -> None:
        """Move unsure mail naming no role out of an application surely ended before it came
        to the company's one open for it then (of several, ``_latest``'s): placed while the
        application was open, it was left after a turn-down that ``_second_closings`` moved
        there (an interview naming no role went to the one the turn-down had not closed yet)."""
        moves: list[tuple[Mail, Cluster, Cluster]] = []
        for cluster in self.clusters:
            if not cluster.closed_surely():
                continue
            for mail in cluster.mails:
                if mail.message_id not in cluster.weak or mail.position:
                    continue
                if cluster.open_for(mail):
                    continue
                target = self._latest(self._siblings(cluster, mail), mail)
                if target is not None:
                    moves.append((mail, cluster, target))
        for mail, source, target in moves:
            self._move(mail, source, target)

    @staticmethod
    def _ended_otherwise(cluster: Cluster, mail: Mail) -> bool:
        """Whether ``cluster``'s sure mail turns it down as rejection ``mail`` would, or goes on
        after it."""
        return mail.status == Status.REJECTION and any(
            other.status == mail.status or (other.date > mail.date and other.status in _GOES_ON)
            for other in cluster.mails
            if other.message_id not in cluster.weak
        )

    def _open_for(self, cluster: Cluster, mail: Mail) -> list[Cluster]:
        """Those of ``_siblings`` rejection ``mail`` could have ended — of the open applications
        its ATS ran lately (``_run_lately``), when it names no company — not ended that way by
        mail of their own."""
        others = (
            self._siblings(cluster, mail)
            if mail.company
            else [c for c in self._run_lately(mail) if c is not cluster and c.first <= mail.date]
        )
        return [
            c
            for c in others
            if not any(m.status == mail.status and m.message_id not in c.weak for m in c.mails)
        ]

    def _place_all(self, mails: Iterable[Mail]) -> None:
        for mail in sorted(mails, key=lambda m: (m.date, m.message_id)):
            cluster, weak = self._choose(mail)
            if cluster is None:
                cluster = self._new(mail)
            nameless = not cluster.company
            cluster.add(mail, weak)
            if nameless:
                cluster = self._join_named(cluster)
            self._absorb_nameless(cluster, mail)
            if weak:
                self.weak_keys.update(mail.strong)
            else:
                self.weak_keys.difference_update(mail.strong)
            if mail.company:
                self.nameless_keys.difference_update(mail.strong)
            else:
                self.nameless_keys.update(mail.strong)
            for key in self._keys(mail):
                linked = self.by_link.setdefault(key, [])
                if cluster in linked:
                    linked.remove(cluster)
                linked.append(cluster)

    def _follow_recruiters(self) -> bool:
        """Move mail placed by its company alone to the application that the next email of its
        writer (same company) or of its thread names, within ``NAMELESS_WINDOW``: a recruiter
        new to the candidate writes about the application they handle, which their later mail
        (or the thread's) says."""
        anchors: dict[str, list[tuple[Mail, Cluster]]] = {}
        # Mail naming its company, sure or not, by thread and id: where mail naming none goes.
        named: dict[str, list[tuple[Mail, Cluster]]] = {}
        for cluster in self.clusters:
            for mail in cluster.mails:
                if mail.message_id not in cluster.weak:
                    for key in self._anchors(mail):
                        anchors.setdefault(key, []).append((mail, cluster))
                elif mail.company:
                    for key in mail.strong:
                        named.setdefault(key, []).append((mail, cluster))
        began = self._began()
        systems = self._thread_systems()
        moves: list[tuple[Mail, Cluster, Cluster]] = []
        for cluster in self.clusters:
            for mail in cluster.mails:
                sure = mail.message_id not in cluster.weak
                if sure and (mail.company or mail.moved):
                    continue
                thread_systems = set().union(*(systems.get(key, ()) for key in mail.strong))
                # A writer's application begun after the mail's thread began is not the
                # thread's: the recruiter also handles the one the thread is about.
                start = min((began[key] for key in mail.strong), default=mail.date)
                # Sure mail naming no company (placed by its role) follows only its thread's
                # later mail that names a company: "Re: …" from the company's own address.
                # Unsure mail follows its thread's (or a shared id's) later mail before its
                # writer's: the thread is one application, a recruiter handles several.
                later = [
                    (not key.startswith(STRONG_PREFIXES), other.date, target.index, target)
                    for key in (sorted(mail.strong) if sure else self._anchors(mail))
                    for other, target in (
                        [*anchors.get(key, ()), *named.get(key, ())]
                        if not mail.company
                        else anchors.get(key, ())
                    )
                    if timedelta(0) < other.date - mail.date <= NAMELESS_WINDOW
                    and (key.startswith(STRONG_PREFIXES) or target.company == mail.company)
                    # A name shared by writers at two organisations is two people.
                    and not (key.startswith("name:") and mail.other_person(other))
                    # A recruiter handles several applications; the one another ATS runs than
                    # the one this mail's thread came through is not this thread's.
                    and (key.startswith(STRONG_PREFIXES) or not target.run_by_other(thread_systems))
                    and not target.confirmed_after(
                        (mail.date if key.startswith(STRONG_PREFIXES) else start)
                        + BEFORE_CONFIRMATION
                    )
                    and not (sure and (not other.company or target is cluster))
                ]
                if later:
                    target = min(later, key=lambda item: item[:3])[3]
                elif sure:
                    continue
                else:
                    target = (
                        self._thread_of(mail, anchors) or self._run_by(mail, cluster) or cluster
                    )
                if target is not cluster:
                    moves.append((mail, cluster, target))
        for mail, source, target in moves:
            self._move(mail, source, target)
        return bool(moves)

    def _thread_systems(self) -> dict[str, set[str]]:
        """The applicant tracking systems that sent mail carrying each strong link."""
        systems: dict[str, set[str]] = {}
        for cluster in self.clusters:
            for mail in cluster.mails:
                if mail.channel in ATS:
                    for key in mail.strong:
                        systems.setdefault(key, set()).add(mail.channel)
        return systems

    def _began(self) -> dict[str, datetime]:
        """The date of the first mail carrying each strong link (a thread's first mail)."""
        began: dict[str, datetime] = {}
        for cluster in self.clusters:
            for mail in cluster.mails:
                for key in mail.strong:
                    if key not in began or mail.date < began[key]:
                        began[key] = mail.date
        return began

    @staticmethod
    def _thread_of(mail: Mail, anchors: Mapping[str, list[tuple[Mail, Cluster]]]) -> Cluster | None:
        """The application of the latest sure mail before ``mail`` in its thread (or that it
        answers): unsure mail followed its thread, wherever that turned out to belong — but
        not by mail naming no company to another company than ``mail`` names."""
        earlier = [
            (other.date, target.index, target)
            for key in mail.strong
            for other, target in anchors.get(key, ())
            if other.date <= mail.date and not _carried_against(other, target, mail)
        ]
        return max(earlier, key=lambda item: item[:2])[2] if earlier else None

    def _run_by(self, mail: Mail, cluster: Cluster) -> Cluster | None:
        """The one other open application of the company run by the ATS that sent ``mail``,
        when its own group's sure mail came through another ATS."""
        others = {
            m.channel
            for m in cluster.mails
            if m.message_id not in cluster.weak and m.channel in ATS
        }
        if mail.channel not in ATS or not others or mail.channel in others:
            return None
        run = [
            c
            for c in self.clusters
            if c is not cluster
            and c.company == mail.company
            and mail.channel in c.systems()
            and c.first <= mail.date
            and self._near(c, mail.date)
            and c.open_at(mail.date)
        ]
        return run[0] if len(run) == 1 else None

    @staticmethod
    def _anchors(mail: Mail) -> list[str]:
        keys = [*mail.strong, *([f"addr:{mail.recruiter}"] if mail.recruiter else [])]
        # The same recruiter from another mailbox (within the company, checked by the caller).
        return keys + ([f"name:{mail.person}"] if mail.person else [])

    def _move(self, mail: Mail, source: Cluster, target: Cluster) -> None:
        self._replay(source, [m for m in source.mails if m is not mail])
        self._replay(target, [*target.mails, mail], strong={mail.message_id})
        if not source.mails:
            self.clusters.remove(source)

    @staticmethod
    def _replay(cluster: Cluster, mails: list[Mail], strong: Collection[str] = ()) -> None:
        """Rebuild ``cluster``'s state from ``mails``; those in ``strong`` are no longer weak."""
        weak = cluster.weak - set(strong)
        fresh = Cluster(cluster.index, cluster.company, cluster.position, pinned=cluster.pinned)
        for mail in sorted(mails, key=lambda m: (m.date, m.message_id)):
            fresh.add(mail, mail.message_id in weak)
        cluster.__dict__.update(fresh.__dict__)

    def _join_named(self, cluster: Cluster) -> Cluster:
        """Return the application that ``cluster`` is, now that its mail names a company: a
        group begun by mail naming neither (a recruiter's personal mailbox), with no
        confirmation of its own, that names an application's role is that application; one
        that names the company alone answers the company's application as its first mail would
        have had it named the company (``_answered``), not a "(position unknown)" one."""
        if cluster.confirmations or not cluster.company:
            return cluster
        start = cluster.mails[0]
        same = [
            c
            for c in self.clusters
            if c.company == cluster.company
            and (c.position == cluster.position if cluster.position else bool(c.position))
            and c is not cluster
            and c.first <= start.date
            and self._near(c, start.date)
        ]
        target = self._latest(same, start)
        if target is None or cluster.pinned is not None:
            return cluster
        self._merge(target, cluster)
        return target

    def _absorb_nameless(self, cluster: Cluster, mail: Mail) -> None:
        """Merge into ``cluster`` the recent group of mail naming neither company nor role
        that the same person wrote: this email names what that one did not."""
        if not (mail.person and mail.company):
            return
        for other in list(self.by_link.get(f"name:{mail.person}", ())):
            if (
                other is not cluster
                and not other.company
                and not other.position
                and other.pinned is None
                and timedelta(0) <= mail.date - other.last <= NAMELESS_WINDOW
            ):
                self._merge(cluster, other)

    def _merge(self, cluster: Cluster, other: Cluster) -> None:
        cluster.weak |= other.weak
        self._replay(cluster, [*cluster.mails, *other.mails])
        self.clusters.remove(other)
        for linked in self.by_link.values():
            if other in linked:
                linked.remove(other)
                if cluster not in linked:
                    linked.append(cluster)

    @staticmethod
    def _keys(mail: Mail) -> list[str]:
        keys = sorted(mail.strong)
        keys += [f"addr:{mail.recruiter}"] if mail.recruiter else []
        if mail.person:
            keys += [f"person:{mail.company}:{mail.person}", f"name:{mail.person}"]
        return keys

    def _new(self, mail: Mail) -> Cluster:
        # Indexes are never reused: a merged group leaves the list.
        self.created += 1
        cluster = Cluster(self.created, mail.company, mail.position)
        pin = self.aliases.get((mail.company, mail.position))
        if pin is not None and pin not in self.pinned:
            cluster.pinned = pin
            self.pinned[pin] = cluster
        self.clusters.append(cluster)
        return cluster

    def _choose(self, mail: Mail) -> tuple[Cluster | None, bool]:
        pin = self.aliases.get((mail.company, mail.position))
        if mail.moved:
            return (self.pinned.get(pin) if pin is not None else self._by_names(mail)), False
        for key in sorted(mail.strong):
            for linked in reversed(self.by_link.get(key, ())):
                # A thread or an id decides whatever company the analysis read; only another
                # named role is another application. Following mail that was itself placed
                # by its company alone, it is no surer than that mail; carried only by mail
                # naming no company (placed by its role), it does not decide against the
                # company this mail names (that mail follows it later: ``_follow_recruiters``).
                if (
                    linked.fits_role(mail)
                    and self._near(linked, mail.date)
                    and not (key in self.nameless_keys and _other_company(linked, mail))
                ):
                    return linked, not mail.position and key in self.weak_keys
        if pin is not None:
            return self.pinned.get(pin), False
        chosen = self._by_recruiter(mail)
        if chosen is not None:
            # Naming no role, it is only as sure as the recruiter handles one application: it
            # follows its thread's later mail (``_follow_recruiters``).
            return chosen, not mail.position
        chosen = self._by_names(mail)
        return chosen, chosen is not None and not mail.position

    def _near(self, cluster: Cluster, when: datetime) -> bool:
        return when - cluster.last <= self.gap

    def _by_recruiter(self, mail: Mail) -> Cluster | None:
        keys = [f"addr:{mail.recruiter}"] if mail.recruiter else []
        if mail.person:
            # A name is shared by more people than an address: within the company, unless
            # the email names none (a personal mailbox often does not say where one works).
            keys.append(
                f"person:{mail.company}:{mail.person}" if mail.company else f"name:{mail.person}"
            )
        for key in keys:
            for linked in reversed(self.by_link.get(key, ())):
                if (
                    linked.fits(mail)
                    and self._near(linked, mail.date)
                    # A name alone, or mail naming no company, is weak evidence: lately only.
                    and (
                        (mail.company and key.startswith("addr:"))
                        or mail.date - linked.last <= NAMELESS_WINDOW
                    )
                    # A name alone does not reopen an application that ended, nor does an
                    # address while another of the company's is open: a recruiter handles
                    # several, and writes on about the one still going.
                    and (
                        linked.open_for(mail)
                        or (key.startswith("addr:") and not self._ended_besides(linked, mail))
                    )
                    and not self._reapplied(linked, mail)
                    and mail.status != Status.APPLICATION_CONFIRMATION
                ):
                    return linked
        return None

    def _ended_besides(self, cluster: Cluster, mail: Mail) -> bool:
        """Whether ``cluster`` ended — by sure mail, or by unsure mail and quiet since for
        ``QUIET`` — and another application of ``mail``'s company is open when it comes."""
        ended = cluster.closed_surely() or (
            cluster.closed_at is not None and mail.date - cluster.last > QUIET
        )
        return ended and any(
            c is not cluster
            and c.company == mail.company
            and c.first <= mail.date
            and self._near(c, mail.date)
            and c.open_at(mail.date)
            for c in self.clusters
        )

    def _superseded(self, cluster: Cluster, mail: Mail) -> bool:
        """Whether ``cluster``'s role was applied to again before ``mail`` came, after
        ``cluster`` went quiet (``QUIET`` without mail; see ``_reapplied``)."""
        return bool(cluster.position) and self._reapplied(
            cluster, mail, before=mail.date, quiet=QUIET
        )

    def _reapplied(
        self,
        cluster: Cluster,
        mail: Mail,
        before: datetime | None = None,
        quiet: timedelta = timedelta(0),
    ) -> bool:
        """Whether the role was confirmed again more than ``quiet`` after ``cluster``'s last
        mail: later mail is the new one's.

        Not while ``cluster`` is still open and active lately and the new one never heard from
        ``mail``'s channel or ``mail``'s writer in mail placed surely (unsure mail there may be
        ``cluster``'s): an agency's recruiter writes about the application the agency made,
        beside the one the candidate made directly, and a recruiter about the application they
        handle, beside a second one to the role through the same ATS."""
        live = cluster.open_at(mail.date) and mail.date - cluster.last <= NAMELESS_WINDOW
        return any(
            other is not cluster
            and (other.company, other.position) == (cluster.company, cluster.position)
            and other.confirmations
            and other.first - cluster.last > quiet
            and (before is None or other.first <= before)
            and not (live and self._new_to(other, mail))
            for other in self.clusters
        )

    @staticmethod
    def _new_to(cluster: Cluster, mail: Mail) -> bool:
        """Whether ``cluster`` never surely heard from ``mail``'s channel or its writer."""
        return mail.channel not in cluster.channels(sure=True) or bool(
            mail.person and not cluster.heard_from(mail.person)
        )

    def _by_names(self, mail: Mail) -> Cluster | None:
        if mail.status == Status.APPLICATION_CONFIRMATION:
            # A confirmation starts an application, named or not; later mail names its role.
            return self._confirmed(mail) if mail.position else None
        if mail.position:
            return self._same_role(mail)
        return self._answered(mail)

    def _candidates(self, mail: Mail, position: str | None) -> list[Cluster]:
        return [
            c
            for c in self.clusters
            if c.company == mail.company
            and (position is None or c.position == position)
            and self._near(c, mail.date)
        ]

    def _confirmed(self, mail: Mail) -> Cluster | None:
        same = [
            c
            for c in self._candidates(mail, mail.position)
            if same_application(c, mail) and not c.other_requisition(mail)
        ]
        if not same and mail.company:
            # Mail naming no role that came days before at most: this confirmation names it.
            same = [
                c
                for c in self._candidates(mail, "")
                if not c.confirmations and c.first >= mail.date - BEFORE_CONFIRMATION
            ]
        return self._latest(same, mail)

    def _same_role(self, mail: Mail) -> Cluster | None:
        if not mail.company:
            # The analysis found no company (a recruiter writing from a personal mailbox):
            # the role's application active lately, whichever company it is at.
            recent = [
                c
                for c in self.clusters
                if c.position == mail.position and mail.date - c.last <= NAMELESS_WINDOW
            ]
            return self._latest(recent, mail)
        same = [c for c in self._candidates(mail, mail.position) if not c.other_requisition(mail)]
        chosen = self._latest(same, mail)
        if chosen is None and mail.company:
            chosen = self._latest(self._candidates(mail, ""), mail)
        return chosen

    def _answered(self, mail: Mail) -> Cluster | None:
        near = self._candidates(mail, None)
        if mail.company:
            named = [c for c in near if c.position] or near
        else:
            # Mail naming neither company nor role joins a group of such mail only when one
            # of its writers wrote it: being nameless alike says nothing else.
            named = [
                c
                for c in near
                if not c.position and mail.person and any(m.person == mail.person for m in c.mails)
            ] or self._run_lately(mail)
        return self._latest(named, mail)

    def _run_lately(self, mail: Mail) -> list[Cluster]:
        """The open applications the ATS that sent ``mail`` runs, active lately: mail naming
        neither company nor role (a recruiter's personal mailbox, "Sent via Lever") answers
        one of them rather than starting an application of its own."""
        if mail.channel not in ATS:
            return []
        return [
            c
            for c in self.clusters
            if c.company
            and mail.channel in c.systems()
            and c.open_for(mail)
            and mail.date - c.last <= NAMELESS_WINDOW
        ]

    @staticmethod
    def _moving(cluster: Cluster, mail: Mail) -> bool:
        """Whether ``cluster`` has moved within ``QUIET`` before ``mail``: an application quiet
        for months is no likelier to hear from its ATS again than a sibling applied to lately
        through a job board, whose ATS is not known yet — whatever the mail brings, a rejection
        too."""
        return mail.date - cluster.active_before(mail.date) <= QUIET

    def _latest(self, clusters: Sequence[Cluster], mail: Mail) -> Cluster | None:
        """The open one (to mail naming company and role, also one an unsure turn-down closed),
        not superseded by a new application to its role, not run by another
        ATS, not past the step ``mail`` brings, come as far as it follows from, not handled by
        another writer than its own, run by the ATS that sent it (and active within ``QUIET``),
        at the stage an ATS's answer naming no role comes at, last active before it; None on a
        tie (two roles applied to at once: nothing says which one it answers)."""

        def rank(
            c: Cluster,
        ) -> tuple[bool, bool, bool, bool, bool, bool, bool, bool, datetime, datetime]:
            systems = c.systems()
            return (
                # Mail naming its company and role is surer than an unsure turn-down that closed it.
                c.open_for(mail) or bool(mail.company and mail.position and not c.closed_surely()),
                # The role applied to again after this application went quiet: the new one.
                not self._superseded(c, mail),
                # Mail from one ATS is not an application another ATS runs.
                not c.other_system(mail),
                # A process moves forward: no assessment after the interviews.
                not c.past(mail),
                c.ready_for(mail),
                not c.other_recruiter(mail),
                # An application's mail keeps coming through the system that sent it before,
                # while it is moving.
                mail.channel in ATS and mail.channel in systems and self._moving(c, mail),
                # An ATS's answer naming no role: at the stage it comes at (a test, a form or
                # a turn-down to one not answered yet, an interview to one answered).
                _at_its_stage(c, mail),
                c.active_before(mail.date),
                c.first,
            )

        ranked = sorted(clusters, key=lambda c: (rank(c), -c.index), reverse=True)
        if not ranked or (len(ranked) > 1 and rank(ranked[0]) == rank(ranked[1])):
            return None
        return ranked[0]


def _at_its_stage(cluster: Cluster, mail: Mail) -> bool:
    """Whether ``cluster`` is at the stage an ATS's ``mail`` naming no role comes at: nobody
    answered yet, within ``FIRST_ANSWER_WINDOW`` of applying, for ``_FIRST_ANSWERS``; answered
    for ``_LATER_ANSWERS`` (others: any). A person's interview invitation naming no role: one
    answered already or applied to more than ``UNREAD_WINDOW`` before it."""
    if mail.position:
        return True
    if mail.channel not in ATS:
        if mail.status == Status.INTERVIEW_INVITATION:
            return cluster.answered_before(mail.date) or mail.date - cluster.first > UNREAD_WINDOW
        return True
    if mail.status in _FIRST_ANSWERS:
        waiting = mail.date - cluster.first <= FIRST_ANSWER_WINDOW
        return waiting and not cluster.answered_before(mail.date)
    if mail.status in _LATER_ANSWERS:
        return cluster.answered_before(mail.date)
    return True


def _other_company(cluster: Cluster, mail: Mail) -> bool:
    return bool(mail.company and cluster.company and mail.company != cluster.company)


def _carried_against(other: Mail, cluster: Cluster, mail: Mail) -> bool:
    """Whether ``other``, naming no company, would take ``mail`` by their shared thread or id
    to ``cluster`` against the company ``mail`` names: a recruiter's personal mail went where
    its writer's name led, which the company named later in the thread overrules (as in
    ``Grouper._choose``)."""
    return not other.company and _other_company(cluster, mail)
