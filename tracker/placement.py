"""Placement: which application each email of a batch answers, creating what is missing.

In order: the email's thread, a requisition id, a candidate-portal link (the strong links); a
person's rename or merge (a manual alias); the recruiter's own address; then company +
position near in time (not across a different requisition); an email with a company but no
position joins the company's application it answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from django.conf import settings
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from analysis.status import Status
from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from tracker.facts import EmailFacts
from tracker.models import ApplicationAlias, ApplicationEmail, JobApplication

# Confirmations of one role this far apart are two applications (closer: one application
# confirmed twice, by a job board and the employer's ATS).
DUPLICATE_CONFIRMATION = timedelta(days=31)
# An employer's email this long before an application's confirmation belongs to another one.
BEFORE_CONFIRMATION = timedelta(days=2)
_CLOSING = frozenset({Status.REJECTION, Status.WITHDRAWAL})


@dataclass
class _Application:
    """An application as placement sees it: its keys, time span and requisitions."""

    pk: ObjectId
    company_key: str
    position_key: str
    first: datetime | None = None
    last: datetime | None = None
    requisitions: set[str] = field(default_factory=set)
    # Its confirmations (message ids) and the first one's date: an ATS confirms an
    # application once, and what the employer sends comes after it.
    confirmations: dict[str, datetime] = field(default_factory=dict)
    confirmed_at: datetime | None = None
    # When it was rejected or withdrawn, first: mail naming no role after that answers an
    # application still open, when the company has one.
    closed_at: datetime | None = None

    def extend(self, facts: EmailFacts) -> None:
        self.first = facts.date if self.first is None else min(self.first, facts.date)
        self.last = facts.date if self.last is None else max(self.last, facts.date)
        self.requisitions |= facts.signals.requisitions
        if facts.status == Status.APPLICATION_CONFIRMATION:
            self.confirm(facts.message_id, facts.date)
        self.close(facts.status, facts.date)

    def close(self, status: str, when: datetime) -> None:
        if status in _CLOSING:
            self.closed_at = when if self.closed_at is None else min(self.closed_at, when)

    def open_at(self, when: datetime) -> bool:
        """Whether it was not yet rejected or withdrawn at ``when``."""
        return self.closed_at is None or when <= self.closed_at

    def confirm(self, message_id: str, when: datetime) -> None:
        self.confirmations[message_id] = when
        self.confirmed_at = when if self.confirmed_at is None else min(self.confirmed_at, when)

    def begun_after(self, facts: EmailFacts) -> bool:
        """Whether the application was confirmed days after this (non-confirmation) email."""
        if self.confirmed_at is None or facts.status == Status.APPLICATION_CONFIRMATION:
            return False
        return facts.date < self.confirmed_at - BEFORE_CONFIRMATION

    def confirmed_by_another(self, facts: EmailFacts) -> bool:
        """Whether ``facts`` is a confirmation a month or more from one the application has.

        A job board and the employer's ATS may both confirm one application within days.
        """
        if facts.status != Status.APPLICATION_CONFIRMATION:
            return False
        others = [when for mid, when in self.confirmations.items() if mid != facts.message_id]
        return any(abs(facts.date - when) >= DUPLICATE_CONFIRMATION for when in others)

    def distance(self, when: datetime) -> timedelta:
        """How far ``when`` lies outside the application's span (zero inside it)."""
        if self.first is None or self.last is None:
            return timedelta(0)
        return max(self.first - when, when - self.last, timedelta(0))


def reapply_gap() -> timedelta:
    """Mail this far from an application's span is a new application of the same role."""
    return timedelta(days=getattr(settings, "TRACKER_REAPPLY_GAP_DAYS", 180))


class Resolver:
    """Finds (or creates) the application each email of a batch answers.

    In order: the email's thread, a requisition id, a candidate-portal link (the strong
    links); a person's rename or merge (a manual alias); the recruiter's own address; then
    company + position near in time (not across a different requisition); an email with a
    company but no position joins the company's application it answers. What is read is read
    once per batch, when ``resolve`` starts.
    """

    def __init__(self, user_id: UserId, companies: Iterable[str]) -> None:
        self.user_id = user_id
        self.companies = set(companies)
        self.apps: dict[ObjectId, _Application] = {}
        # link key -> {message id: its application}: an email never links to itself.
        self.by_link: dict[str, dict[str, ObjectId]] = {}
        self.by_alias: dict[tuple[str, str], ObjectId] = {}
        self.manual: set[tuple[str, str]] = set()
        # Applications a person renamed or merged: their emails are what the person says.
        self.by_hand: set[ObjectId] = set()
        # Display names (company, position) of the applications this batch creates, and the
        # fields it fills in on existing ones whose company or position was unknown.
        self.names: dict[ObjectId, tuple[str, str]] = {}
        self.completed: dict[ObjectId, dict[str, str]] = {}
        # Emails placed only because they answer a company's application (no position, no
        # link): placed again when an application they may answer better appears.
        self.weak: set[str] = set()
        # The loaded timeline entries that were placed weakly: their links prove nothing.
        self.weak_before: set[str] = set()
        self.gap = reapply_gap()

    # -- reading ----------------------------------------------------------------------------

    def _load(self, batch: Sequence[EmailFacts]) -> None:
        links = sorted({key for f in batch for key in f.signals.keys})
        linked: set[ObjectId] = set()
        if links:
            query = {"user_id": self.user_id, "link_keys": {"$in": links}}
            projection = {"_id": 0, "application_id": 1}
            for doc in timeline_entries().find(query, projection):
                linked.add(doc["application_id"])
        aliases = ApplicationAlias.objects.filter(
            user_id=self.user_id, company_key__in=self.companies
        ).values_list("company_key", "position_key", "application_id", "manual")
        for company, position, application_id, manual in aliases:
            self.by_alias[(company, position)] = application_id
            if manual:
                self.manual.add((company, position))
                self.by_hand.add(application_id)
            linked.add(application_id)
        mine = JobApplication.objects.for_user(self.user_id)
        # An application whose company is unknown may be the one an email of the batch names.
        orphans = {f.keys[1] for f in batch if f.keys[1]}
        rows = (
            mine.filter(company_key__in=self.companies)
            | mine.filter(pk__in=linked)
            | mine.filter(company_key="", position_key__in=orphans)
        )
        for pk, company, position in rows.values_list("pk", "company_key", "position_key"):
            self.apps[pk] = _Application(pk, company, position)
        self._load_timelines()

    def _load_timelines(self) -> None:
        query = {"user_id": self.user_id, "application_id": {"$in": list(self.apps)}}
        projection = {"_id": 0, "application_id": 1, "message_id": 1, "date": 1, "link_keys": 1}
        projection.update(status=1, weak=1)
        for doc in timeline_entries().find(query, projection):
            app = self.apps.get(doc["application_id"])
            if app is None:
                continue
            if doc.get("weak"):
                self.weak_before.add(doc["message_id"])
            when = aware(doc["date"])
            app.first = when if app.first is None else min(app.first, when)
            app.last = when if app.last is None else max(app.last, when)
            if doc.get("status") == Status.APPLICATION_CONFIRMATION:
                app.confirm(doc["message_id"], when)
            app.close(str(doc.get("status") or ""), when)
            for key in doc.get("link_keys") or ():
                self.by_link.setdefault(key, {})[doc["message_id"]] = app.pk
                if key.startswith("req:"):
                    app.requisitions.add(key[4:])

    # -- choosing ---------------------------------------------------------------------------

    def _linked(self, key: str, facts: EmailFacts) -> set[ObjectId]:
        """The applications of the other emails that share ``key`` with this one."""
        found = self.by_link.get(key, {})
        return {pk for message_id, pk in found.items() if message_id != facts.message_id}

    def _nearest(self, pks: Iterable[ObjectId], when: datetime) -> ObjectId | None:
        near = [self.apps[pk] for pk in pks if pk in self.apps]
        near = [app for app in near if app.distance(when) <= self.gap]
        if not near:
            return None
        return min(near, key=lambda app: (app.distance(when), str(app.pk))).pk

    def _choose(self, facts: EmailFacts) -> ObjectId | None:
        company, position = facts.keys
        links = [] if facts.moved else facts.signals.strong
        for key in links:
            # An email naming its role does not follow a link to another named role.
            linked = [pk for pk in self._linked(key, facts) if self._same_or_unnamed(pk, position)]
            chosen = self._nearest(linked, facts.date)
            if chosen is not None:
                return self._linked_to(chosen, facts)
        if facts.keys in self.manual:
            return self.by_alias[facts.keys]
        recruiter = facts.signals.recruiter
        if recruiter and not facts.moved:
            compatible = [
                pk
                for pk in self._linked(f"addr:{recruiter}", facts)
                if self._compatible(self.apps.get(pk), company, position)
                and not self._superseded(self.apps[pk], facts.date)
                and not self.apps[pk].begun_after(facts)
            ]
            chosen = self._nearest(compatible, facts.date)
            if chosen is not None:
                return self._linked_to(chosen, facts)
            chosen = self._same_person(facts)
            if chosen is not None:
                return self._linked_to(chosen, facts)
        if position:
            return self._same_role(facts)
        if facts.status == Status.APPLICATION_CONFIRMATION:
            return self._confirmed(company, facts)
        # Placed by its company alone (its own "(position unknown)" application when none
        # answers yet): placed again once the application it answers appears.
        self.weak.add(facts.message_id)
        return self._answered(company, facts.date)

    def _linked_to(self, pk: ObjectId, facts: EmailFacts) -> ObjectId:
        """Join ``pk``, found by a link; it takes the names it lacked from ``facts``.

        Without that, an application begun by a reply naming no role stays unnamed although
        its thread names the role, and a confirmation of another role takes it over.
        """
        app = self.apps[pk]
        if pk not in self.by_hand and (
            (facts.keys[0] and not app.company_key) or (facts.keys[1] and not app.position_key)
        ):
            self._complete(app, facts)
        elif not facts.keys[1] and not app.position_key:
            self.weak.add(facts.message_id)  # still nothing names the role
        return pk

    def _confirmed(self, company: str, facts: EmailFacts) -> ObjectId | None:
        """The application a confirmation naming no role starts: the company's unconfirmed one
        begun soonest after it (its later emails may have been placed first)."""
        after = [
            app
            for app in self.apps.values()
            if company
            and app.company_key == company
            and not app.confirmed_by_another(facts)
            and app.first is not None
            and facts.date <= app.first <= facts.date + self.gap
        ]
        return min(after, key=lambda app: (app.first, str(app.pk))).pk if after else None

    @staticmethod
    def _begun_before(app: _Application, facts: EmailFacts) -> bool:
        """Whether ``app`` began days before ``facts``, a confirmation: it answers another one.

        What the employer sends follows the confirmation; mail days older belongs elsewhere.
        """
        if facts.status != Status.APPLICATION_CONFIRMATION or app.first is None:
            return False
        return app.first < facts.date - BEFORE_CONFIRMATION

    @staticmethod
    def _another_application(app: _Application, facts: EmailFacts) -> bool:
        """Whether ``facts`` starts another application than ``app`` of the same role: a
        second confirmation, or an employer's email older than the application."""
        return app.confirmed_by_another(facts) or app.begun_after(facts)

    def _same_person(self, facts: EmailFacts) -> ObjectId | None:
        """The application the same recruiter (by name) wrote about, from another address.

        A name is shared by more people than an address: it must agree on the company too,
        unless the email names none (a personal mailbox often does not say where its owner
        works).
        """
        company, position = facts.keys
        person = facts.signals.person
        if not person or facts.moved:
            return None
        compatible = [
            pk
            for pk in self._linked(f"person:{person}", facts)
            if self._compatible(self.apps.get(pk), company, position)
            and (not company or self.apps[pk].company_key == company)
            and not self._superseded(self.apps[pk], facts.date)
            and not self.apps[pk].begun_after(facts)
        ]
        return self._nearest(compatible, facts.date)

    def _superseded(self, app: _Application, when: datetime) -> bool:
        """Whether the role was applied to again between ``app``'s last email and ``when``.

        A recruiter handles a reposted role too: their mail after the new confirmation is
        about the new application, not the old one they also wrote about.
        """
        if not app.position_key or app.last is None:
            return False
        return any(
            other.pk != app.pk
            and (other.company_key, other.position_key) == (app.company_key, app.position_key)
            and other.confirmed_at is not None
            and app.last < other.confirmed_at <= when
            for other in self.apps.values()
        )

    def _same_or_unnamed(self, pk: ObjectId, position: str) -> bool:
        app = self.apps.get(pk)
        return app is not None and (not position or app.position_key in ("", position))

    @staticmethod
    def _other_requisition(app: _Application | None, reqs: frozenset[str]) -> bool:
        return app is not None and bool(reqs and app.requisitions) and not reqs & app.requisitions

    @staticmethod
    def _compatible(app: _Application | None, company: str, position: str) -> bool:
        if app is None:
            return False
        return (not position or not app.position_key or app.position_key == position) and (
            not company or app.company_key == company or not position
        )

    def _same_role(self, facts: EmailFacts) -> ObjectId | None:
        """The near application of the same company and position, else an unnamed one."""
        company, position = facts.keys
        reqs = facts.signals.requisitions
        same = {
            pk for pk, app in self.apps.items() if (app.company_key, app.position_key) == facts.keys
        }
        if facts.keys in self.by_alias:
            same.add(self.by_alias[facts.keys])
        # Another requisition of the same role is another application (a repost), and so is
        # a second confirmation: applying again to the same role.
        same = {
            pk
            for pk in same
            if pk in self.apps
            and not self._other_requisition(self.apps[pk], reqs)
            and (pk in self.by_hand or not self._another_application(self.apps[pk], facts))
        }
        chosen = self._nearest(same, facts.date)
        if chosen is not None or not company:
            return chosen
        # An application whose position or company was unknown takes the name it missed.
        unnamed = [
            pk
            for pk, app in self.apps.items()
            if (app.company_key, app.position_key) in ((company, ""), ("", position))
            and not app.confirmed_by_another(facts)
            and not self._begun_before(app, facts)
        ]
        chosen = self._nearest(unnamed, facts.date)
        if chosen is not None:
            self._complete(self.apps[chosen], facts)
        return chosen

    def _complete(self, app: _Application, facts: EmailFacts) -> None:
        """Give ``app`` the company or position it lacked, from ``facts``."""
        changes = self.completed.setdefault(app.pk, {})
        if not app.company_key and facts.keys[0]:
            app.company_key = facts.keys[0]
            changes.update(company=facts.company, company_key=app.company_key)
        if not app.position_key and facts.keys[1]:
            app.position_key = facts.keys[1]
            changes.update(position=facts.position, position_key=app.position_key)
        if app.pk in self.names:  # created by this batch: named at its insertion
            self.names[app.pk] = (
                str(changes.get("company", self.names[app.pk][0])),
                str(changes.get("position", self.names[app.pk][1])),
            )

    def _answered(self, company: str, when: datetime) -> ObjectId | None:
        """The company's application an email without position answers, if one is clear.

        The near application most recently active before the email; none when two tie.
        """
        # It answers an application begun before it: a later one's first email may only be
        # placed afterwards (a full sync reads newest first), and then it names the role.
        near = [
            app
            for app in self.apps.values()
            if app.company_key == company
            # Without a company: only the bucket of mail naming neither, never a named role.
            and (company or not app.position_key)
            and app.distance(when) <= self.gap
            and (app.first is None or app.first <= when)
        ]
        # A named application before a "(position unknown)" one: that is where mail naming no
        # role waits for the application it answers.
        named = [app for app in near if app.position_key or not company]
        # An application already rejected or withdrawn is not the one it answers, if another
        # is still open (a question after a rejection reaches it by its thread).
        named = [app for app in named if app.open_at(when)] or named
        # The application begun most recently before it (several roles at one company).
        latest = sorted(named or near, key=lambda app: app.first or when, reverse=True)
        if not latest or (len(latest) > 1 and latest[0].first == latest[1].first):
            return None
        return latest[0].pk

    # -- placing ----------------------------------------------------------------------------

    def resolve(self, batch: Sequence[EmailFacts]) -> dict[str, ObjectId]:
        """Return {message id: application id} for ``batch``, creating what is missing.

        Emails naming a role go first, newest first; each one's links then lead the next. New
        applications are inserted together at the end, named after their earliest email.
        """
        self._load(batch)
        found: dict[str, ObjectId] = {}
        created: dict[ObjectId, EmailFacts] = {}
        # Emails naming their role first (so that an email without one sees the batch's
        # applications), confirmations first among them (each starts an application the
        # others may answer), each group newest first: an application missing its role takes
        # it from the latest confirmation before its emails, not from an older one.
        newest_first = sorted(batch, key=lambda f: (-f.date.timestamp(), f.message_id))
        for facts in sorted(newest_first, key=_placing_order):
            chosen = self._choose(facts)
            if chosen is None:
                chosen = ObjectId()
                self.apps[chosen] = _Application(chosen, *facts.keys)
                created[chosen] = facts
            if chosen in created and self._names_it(chosen, created[chosen], facts):
                # A new application is named after its earliest email of its own keys.
                created[chosen] = facts
                self.names[chosen] = (facts.company if facts.keys[0] else "", facts.position)
            app = self.apps[chosen]
            app.extend(facts)
            for key in facts.signals.keys:
                self.by_link.setdefault(key, {})[facts.message_id] = chosen
            found[facts.message_id] = chosen
        created, found = self._renumber(created, found)
        self._create(created)
        self._rename(created)
        return found

    def _renumber(
        self, created: dict[ObjectId, EmailFacts], found: dict[str, ObjectId]
    ) -> tuple[dict[ObjectId, EmailFacts], dict[str, ObjectId]]:
        """Give the new applications ids in the order of their first emails' dates.

        Emails are placed newest first, but ids (the list's last tie-break) should follow
        the order in which the person applied, as they did when placement went oldest first.
        """
        order = sorted(created.items(), key=lambda item: (item[1].date, item[1].message_id))
        new = {old: ObjectId() for old, _ in order}
        for old, pk in new.items():
            app = self.apps.pop(old)
            app.pk = pk
            self.apps[pk] = app
            if old in self.names:
                self.names[pk] = self.names.pop(old)
            if old in self.completed:
                self.completed[pk] = self.completed.pop(old)
        for placed in self.by_link.values():
            for message_id, pk in placed.items():
                placed[message_id] = new.get(pk, pk)
        renumbered = {new[old]: facts for old, facts in created.items()}
        return renumbered, {mid: new.get(pk, pk) for mid, pk in found.items()}

    def _names_it(self, pk: ObjectId, current: EmailFacts, facts: EmailFacts) -> bool:
        """Whether ``facts`` names new application ``pk`` rather than ``current`` does."""
        app = self.apps[pk]
        same = facts.keys == (app.company_key, app.position_key)
        return facts is current or (same and facts.date < current.date)

    def reconsider(self, placed: Mapping[str, ObjectId]) -> dict[str, ObjectId]:
        """Return {message id: better application} for earlier weakly placed emails.

        A full sync reads newest first: a reply naming no role is placed before the
        confirmation of the application it answers. Once the batch added applications of the
        company, such earlier emails answer the one begun most recently before them.
        """
        companies = {app.pk: app.company_key for app in self.apps.values() if app.company_key}
        query = {
            "user_id": self.user_id,
            "application_id": {"$in": list(companies)},
            "weak": True,
            "message_id": {"$nin": list(placed)},
        }
        moves = {}
        projection = {"_id": 0, "message_id": 1, "application_id": 1, "date": 1, "link_keys": 1}
        for doc in timeline_entries().find(query, projection):
            company = companies.get(doc["application_id"], "")
            when = aware(doc["date"])
            better = self._recruiter_wrote(doc, company, when) or self._answered(company, when)
            if better is not None and better != doc["application_id"]:
                moves[doc["message_id"]] = better
        return moves

    def duplicates(self) -> dict[ObjectId, ObjectId]:
        """Return {application: the application of the same role it continues}.

        Placing newest first, a role's later mail may start an application before the
        confirmation it follows is read: an unconfirmed application of a role whose mail
        follows (within the gap) a confirmed one of the same role, with no other requisition,
        is that one. A person's renames and merges stand.
        """
        merges = {}
        for app in self.apps.values():
            if app.confirmations or app.first is None or app.pk in self.by_hand:
                continue
            if not (app.company_key and app.position_key):
                continue
            continued = [
                other
                for other in self.apps.values()
                if self._continues(other, app) and other.pk not in self.by_hand
            ]
            if continued:
                latest = max(continued, key=lambda other: (other.confirmed_at, str(other.pk)))
                merges[app.pk] = latest.pk
        return merges

    def _continues(self, other: _Application, app: _Application) -> bool:
        """Whether confirmed ``other`` is the application unconfirmed ``app``'s mail follows."""
        if other.pk == app.pk or other.confirmed_at is None or app.first is None:
            return False
        same = (other.company_key, other.position_key) == (app.company_key, app.position_key)
        last = other.last or other.confirmed_at
        return (
            same
            and other.confirmed_at - BEFORE_CONFIRMATION <= app.first
            and app.first - last <= self.gap
            and not self._other_requisition(other, frozenset(app.requisitions))
        )

    def _recruiter_wrote(
        self, doc: Mapping[str, Any], company: str, when: datetime
    ) -> ObjectId | None:
        """The named application of the company the same recruiter wrote about (by address or
        name) in mail placed by more than its company, if any: a weakly placed email's sender
        may have shown up in a later batch."""
        keys = [k for k in doc.get("link_keys") or () if k.startswith(("addr:", "person:"))]
        found = {
            pk
            for key in keys
            for message_id, pk in self.by_link.get(key, {}).items()
            if message_id != doc["message_id"]
            and message_id not in self.weak
            and message_id not in self.weak_before
        }
        named = [
            pk
            for pk in found
            if pk in self.apps
            and self.apps[pk].company_key == company
            and self.apps[pk].position_key
            and not self._superseded(self.apps[pk], when)
        ]
        return self._nearest(named, when)

    def _create(self, created: Mapping[ObjectId, EmailFacts]) -> None:
        if not created:
            return
        applications = [
            JobApplication(
                pk=pk,
                user_id=self.user_id,
                company=self.names[pk][0],
                company_key=self.apps[pk].company_key,
                position=self.names[pk][1],
                position_key=self.apps[pk].position_key,
                status=facts.status,
            )
            for pk, facts in created.items()
        ]
        JobApplication.objects.bulk_create(applications)
        # Each application's own keys as an alias, where the keys are still free (another
        # application of the same role, applied to again later, already holds them).
        insert_aliases(
            self.user_id, [(app.company_key, app.position_key, app.pk) for app in applications]
        )

    def _rename(self, created: Mapping[ObjectId, EmailFacts]) -> None:
        for pk, changes in self.completed.items():
            if pk in created or not changes:
                continue
            app = self.apps[pk]
            JobApplication.objects.filter(pk=pk).update(**changes)
            insert_aliases(self.user_id, [(app.company_key, app.position_key, pk)])


def _placing_order(facts: EmailFacts) -> tuple[bool, bool, bool]:
    # An email naming no company last: only the links of the others can place it (the same
    # recruiter's name, say), so they go first.
    company, position = facts.keys
    return not company, not position, facts.status != Status.APPLICATION_CONFIRMATION


def insert_aliases(user_id: UserId, keys: Sequence[tuple[str, str, ObjectId]]) -> None:
    documents = [
        {
            "user_id": user_id,
            "company_key": c,
            "position_key": p,
            "application_id": pk,
            "manual": False,
        }
        for c, p, pk in keys
    ]
    if not documents:
        return
    try:
        get_database()[ApplicationAlias._meta.db_table].insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        if any(error.get("code") != 11000 for error in exc.details.get("writeErrors", [])):
            raise


def timeline_entries() -> Collection[dict[str, Any]]:
    return get_database()[ApplicationEmail._meta.db_table]


def aware(value: datetime) -> datetime:
    # pymongo hands back naive UTC datetimes unless the client is tz-aware.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
