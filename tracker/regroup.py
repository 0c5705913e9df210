"""Regroup the companies a batch touched from scratch, keeping application ids stable.

Placing mail batch by batch sees replies before the applications they answer (a full sync
reads newest first) and decides on what it has seen so far. After each batch, every email of
the touched companies (and of applications naming no company) is grouped again in time order
by ``tracker.clustering``; each group keeps the application it shares most emails with, so ids,
notes and next steps stay put while emails move. Grouping depends on the emails alone, so
placing mail incrementally ends where ``grouping.rebuild`` does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from bson import ObjectId
from pymongo import UpdateOne

from mailbox_project.ids import UserId
from tracker.cluster import Cluster, Mail
from tracker.clustering import Grouper
from tracker.companies import domain_labels
from tracker.keys import company_key, position_key
from tracker.links import STRONG_PREFIXES
from tracker.models import ApplicationAlias, JobApplication
from tracker.placement import aware, insert_aliases, reapply_gap, timeline_entries

# ATS vendors and job boards, by a label of their mail domains ("us.greenhouse-mail.io").
_VENDORS = (
    *("greenhouse", "lever", "workday", "ashby", "smartrecruiters", "icims", "taleo"),
    *("jobvite", "bamboohr", "workable", "linkedin", "indeed", "glassdoor", "ziprecruiter"),
    *("monster", "dice"),
)
_PROJECTION = {
    **dict.fromkeys(("message_id", "application_id", "date", "status", "link_keys"), 1),
    **dict.fromkeys(("company", "position", "company_key", "position_key", "sender"), 1),
    **dict.fromkeys(("moved", "weak", "channel"), 1),
    "_id": 0,
}


def channel(sender: str, footer_system: str = "") -> str:
    """The ATS, job board or organisation whose mail system sent ``sender``'s email; from a
    personal mailbox (gmail.com...), the ATS its footer names."""
    address = parseaddr(sender)[1].lower()
    domain = address.rpartition("@")[2]
    for vendor in _VENDORS:
        if vendor in domain:
            return vendor
    labels = domain_labels(address)
    return labels[-1] if labels else footer_system


@dataclass(frozen=True)
class Entry:
    """A timeline entry as regrouping reads it."""

    mail: Mail
    application_id: ObjectId | None
    weak: bool
    company: str  # display names
    position: str


def _entry(doc: Mapping[str, Any], app_keys: tuple[str, str]) -> Entry:
    links = [str(key) for key in doc.get("link_keys") or ()]
    company = str(doc.get("company") or "")
    position = str(doc.get("position") or "")
    if "company_key" in doc:
        keys = (str(doc["company_key"]), str(doc.get("position_key") or ""))
    elif company or position:
        keys = (company_key(company), position_key(position))
    else:
        keys = app_keys  # an entry written before entries kept their names
    mail = Mail(
        message_id=str(doc["message_id"]),
        date=aware(doc["date"]),
        status=str(doc.get("status") or ""),
        company=keys[0],
        position=keys[1],
        strong=frozenset(k for k in links if k.startswith(STRONG_PREFIXES)),
        recruiter=next((k[5:] for k in links if k.startswith("addr:")), ""),
        person=next((k[7:] for k in links if k.startswith("person:")), ""),
        channel=str(doc["channel"]) if "channel" in doc else channel(str(doc.get("sender") or "")),
        moved=bool(doc.get("moved")),
    )
    return Entry(mail, doc.get("application_id"), bool(doc.get("weak")), company, position)


def _load(
    user_id: UserId, companies: Collection[str], fresh: Mapping[str, Mapping[str, Any]]
) -> dict[str, Entry]:
    """The entries of the companies' applications and of those naming no company, with the
    batch's ``fresh`` ones (not yet written) on top.

    Plus, one step further, the companies of the applications that the batch's mail and mail
    naming no company link to.
    """
    mine = JobApplication.objects.for_user(user_id)
    apps = _keys(mine.filter(company_key__in=[*companies, ""]))
    entries = _entries(user_id, {"application_id": {"$in": list(apps)}}, apps)
    if fresh:
        # Where each fresh email was until now: its application is kept by overlap.
        before = _entries(user_id, {"message_id": {"$in": list(fresh)}}, {})
        for message_id, doc in fresh.items():
            old = before.get(message_id)
            merged = {**doc, "application_id": old.application_id if old else None}
            entries[message_id] = _entry({**merged, "message_id": message_id}, ("", ""))
    # What the batch's mail and mail naming no company link to may be another company's.
    loose = sorted(
        {
            key
            for message_id, entry in entries.items()
            if not entry.mail.company or message_id in fresh
            for key in entry.mail.strong
            | {f"addr:{entry.mail.recruiter}", f"person:{entry.mail.person}"}
            if key not in ("addr:", "person:")
        }
    )
    if loose:
        query = {"user_id": user_id, "link_keys": {"$in": loose}}
        found = timeline_entries().find(query, {"_id": 0, "application_id": 1})
        linked = {doc["application_id"] for doc in found}
        more = mine.filter(pk__in=list(linked - set(apps))).values_list("company_key", flat=True)
        extra = set(more) - set(companies)
        if extra:
            others = _keys(mine.filter(company_key__in=list(extra)))
            query = {"application_id": {"$in": list(others.keys() - apps.keys())}}
            for message_id, entry in _entries(user_id, query, others).items():
                entries.setdefault(message_id, entry)
    return entries


def grouping_input(user_id: UserId) -> list[Mail]:
    """Every email on the user's timelines as grouping sees it (``tracker.replay`` saves a
    generated mailbox's, to regroup it offline)."""
    mine = JobApplication.objects.for_user(user_id)
    companies = set(mine.values_list("company_key", flat=True))
    return [entry.mail for entry in _load(user_id, companies, {}).values()]


def _keys(applications: Any) -> dict[ObjectId, tuple[str, str]]:
    rows = applications.values_list("pk", "company_key", "position_key")
    return {pk: (company, position) for pk, company, position in rows}


def _entries(
    user_id: UserId, query: Mapping[str, Any], apps: Mapping[ObjectId, tuple[str, str]]
) -> dict[str, Entry]:
    found = timeline_entries().find({"user_id": user_id, **query}, _PROJECTION)
    entries = (_entry(doc, apps.get(doc["application_id"], ("", ""))) for doc in found)
    return {entry.mail.message_id: entry for entry in entries}


def _pins(user_id: UserId) -> tuple[dict[tuple[str, str], ObjectId], set[ObjectId]]:
    """The names that lead to applications a person renamed or merged, and those ids.

    Every alias of such an application counts (the names it had before the rename too): its
    mail is what the person says it is.
    """
    aliases = ApplicationAlias.objects.filter(user_id=user_id)
    by_hand = set(aliases.filter(manual=True).values_list("application_id", flat=True))
    rows = aliases.filter(application_id__in=list(by_hand)).values_list(
        "company_key", "position_key", "application_id"
    )
    return {(company, position): pk for company, position, pk in rows}, by_hand


def _assign(clusters: list[Cluster], entries: Mapping[str, Entry]) -> dict[int, ObjectId]:
    """Give each group the application it shares most emails with (a pin first)."""
    assigned: dict[int, ObjectId] = {}
    taken: set[ObjectId] = set()
    for cluster in clusters:
        if isinstance(cluster.pinned, ObjectId):
            assigned[cluster.index] = cluster.pinned
            taken.add(cluster.pinned)
    overlap: Counter[tuple[int, ObjectId]] = Counter()
    for cluster in clusters:
        for mail in cluster.mails:
            pk = entries[mail.message_id].application_id
            if pk is not None:
                overlap[(cluster.index, pk)] += 1
    ranked = sorted(overlap.items(), key=lambda item: (-item[1], item[0][0], str(item[0][1])))
    for (index, pk), _ in ranked:
        if index not in assigned and pk not in taken:
            assigned[index] = pk
            taken.add(pk)
    for cluster in clusters:
        if cluster.index not in assigned:
            assigned[cluster.index] = ObjectId()
    return assigned


def _names(cluster: Cluster, entries: Mapping[str, Entry]) -> tuple[str, str]:
    """The display names of a group: as its earliest email naming each spells it."""
    company = next(
        (entries[m.message_id].company for m in cluster.mails if m.company == cluster.company),
        "",
    )
    position = next(
        (entries[m.message_id].position for m in cluster.mails if m.position == cluster.position),
        "",
    )
    return (company if cluster.company else ""), (position if cluster.position else "")


def regroup(
    user_id: UserId,
    companies: Collection[str],
    fresh: Mapping[str, Mapping[str, Any]] | None = None,
) -> set[ObjectId]:
    """Regroup the companies' mail, writing the ``fresh`` entries ({message id: fields}) of a
    batch on the way; return the ids of the applications that changed."""
    fresh = fresh or {}
    entries = _load(user_id, companies, fresh)
    if not entries:
        return set()
    aliases, by_hand = _pins(user_id)
    clusters = Grouper(aliases, reapply_gap()).group(e.mail for e in entries.values())
    assigned = _assign(clusters, entries)
    renamed = _name(user_id, clusters, assigned, entries, by_hand)
    touched = set(renamed)
    writes = []
    for cluster in clusters:
        pk = assigned[cluster.index]
        for mail in cluster.mails:
            entry = entries[mail.message_id]
            weak = mail.message_id in cluster.weak
            if mail.message_id in fresh:
                document = {**fresh[mail.message_id], "application_id": pk, "weak": weak}
                writes.append(
                    UpdateOne(
                        {"user_id": user_id, "message_id": mail.message_id},
                        {"$set": document},
                        upsert=True,
                    )
                )
            elif entry.application_id != pk or entry.weak != weak:
                writes.append(
                    UpdateOne(
                        {"user_id": user_id, "message_id": mail.message_id},
                        {"$set": {"application_id": pk, "weak": weak}},
                    )
                )
            else:
                continue
            touched.add(pk)
            if entry.application_id is not None:
                touched.add(entry.application_id)
    if writes:
        timeline_entries().bulk_write(writes, ordered=False)
    # A new or renamed application's keys as an alias where they are free: a rename to
    # another application's names is then refused (merge them instead).
    insert_aliases(
        user_id,
        [
            (c.company, c.position, assigned[c.index])
            for c in clusters
            if c.position and assigned[c.index] in renamed
        ],
    )
    return touched


def _name(
    user_id: UserId,
    clusters: Sequence[Cluster],
    assigned: Mapping[int, ObjectId],
    entries: Mapping[str, Entry],
    by_hand: Collection[ObjectId],
) -> set[ObjectId]:
    """Create the groups' new applications; rename those whose group names another role.

    A person's rename stands. Returns the ids of the applications created or renamed.
    """
    mine = JobApplication.objects.for_user(user_id)
    existing = {app.pk: app for app in mine.filter(pk__in=list(assigned.values()))}
    renamed = set()
    new_apps = []
    for cluster in clusters:
        pk = assigned[cluster.index]
        company, position = _names(cluster, entries)
        names = {
            "company": company,
            "company_key": cluster.company,
            "position": position,
            "position_key": cluster.position,
        }
        app = existing.get(pk)
        if app is None:
            new_apps.append(
                JobApplication(pk=pk, user_id=user_id, status=cluster.mails[0].status, **names)
            )
        elif pk not in by_hand and (app.company_key, app.position_key) != (
            cluster.company,
            cluster.position,
        ):
            mine.filter(pk=pk).update(**names)
            renamed.add(pk)
    if new_apps:
        JobApplication.objects.bulk_create(new_apps)
    return renamed | {app.pk for app in new_apps}
