"""The tracker's dashboard figures, each computed by a MongoDB aggregation pipeline.

One ``aggregate`` call on ``job_applications``: a shared prefix groups each of the user's
applications with its timeline (``job_application_emails``) and derives per-application dates;
a ``$facet`` then computes each figure with its own pipeline:

* **funnel** — applications that reached applied (all), interview (an interview invitation or
  an offer on the timeline, or that status set by hand), offer;
* **response** — applications with an employer response (any status but the confirmation and
  withdrawal) at or after the first confirmation, or with such a status set by hand (an offer
  a person recorded was an answer, though no email says so), out of all applications;
* **response_days** — per company, the median days from the first confirmation to the first
  response, over applications that have both;
* **weekly** — applications per ISO week (Monday, UTC) of the first confirmation, or of the
  first email when there is no confirmation (a hand-made application without mail: the day
  applied set by hand, else the day it was made).

MongoDB 6 has no ``$median`` (7.0 has): the median is taken from ``$sortArray``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from analysis.status import Status
from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from tracker.models import RESPONSE_STATUSES, UNKNOWN_COMPANY, ApplicationEmail, JobApplication

MS_PER_DAY = 24 * 3600 * 1000
# When an application started, for the weekly counts and the date range: applied (by its
# timeline, else the day set by hand), else its first email, else when it was made by hand.
STARTED = {"$ifNull": ["$applied_at", "$stored_applied_at", "$first_email_at", "$created_at"]}


@dataclass(frozen=True)
class Funnel:
    applied: int
    interview: int
    offer: int


@dataclass(frozen=True)
class CompanyDays:
    company: str
    median_days: float
    applications: int


@dataclass(frozen=True)
class Week:
    start: date  # the Monday
    count: int

    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Figures:
    funnel: Funnel
    total: int
    responded: int
    response_days: list[CompanyDays]
    weekly: list[Week]

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.total if self.total else None


def _dates_of(statuses_cond: dict[str, Any]) -> dict[str, Any]:
    """An expression: the dates of the timeline entries that satisfy ``statuses_cond``."""
    matching = {"$filter": {"input": "$emails", "cond": statuses_cond}}
    return {"$map": {"input": matching, "in": "$$this.date"}}


def per_application(user_id: UserId) -> list[dict[str, Any]]:
    """Return the shared prefix: one document per application with its derived dates.

    The user's applications and their timeline entries are streamed together (``$unionWith``)
    and grouped by application: one pass over each collection, where a ``$lookup`` would run
    one query per application.
    """
    timeline = {
        "$unionWith": {
            "coll": ApplicationEmail._meta.db_table,
            "pipeline": [
                {"$match": {"user_id": user_id}},
                {
                    "$project": {
                        "_id": 0,
                        "application": "$application_id",
                        "email": {"status": "$status", "date": "$date"},
                    }
                },
            ],
        }
    }
    applied_after = {
        "$or": [{"$eq": ["$applied_at", None]}, {"$gte": ["$$this.date", "$applied_at"]}]
    }
    is_response = {"$in": ["$$this.status", sorted(RESPONSE_STATUSES)]}
    first_response = {"$min": _dates_of({"$and": [is_response, applied_after]})}
    return [
        {"$match": {"user_id": user_id}},
        {
            "$project": {
                "_id": 0,
                "application": "$_id",
                "company": 1,
                "company_key": 1,
                "status": 1,
                "status_override": 1,
                # For the date range: a day applied set by hand, and when it was made.
                "stored_applied_at": "$applied_at",
                "created_at": 1,
            }
        },
        timeline,
        {
            "$group": {
                "_id": "$application",
                # Only the application's own document has these fields; $max skips the rest.
                "company": {"$max": "$company"},
                "company_key": {"$max": "$company_key"},
                "status": {"$max": "$status"},
                "status_override": {"$max": "$status_override"},
                "stored_applied_at": {"$max": "$stored_applied_at"},
                "created_at": {"$max": "$created_at"},
                "emails": {"$push": "$email"},
            }
        },
        # Timeline entries whose application is gone (a crash mid-change) count for nothing.
        {"$match": {"status": {"$ne": None}}},
        {
            "$addFields": {
                "applied_at": {
                    "$min": _dates_of({"$eq": ["$$this.status", Status.APPLICATION_CONFIRMATION]})
                },
                "first_email_at": {"$min": "$emails.date"},
                # The timeline's statuses and the current one (which a person may have set).
                "statuses": {"$setUnion": ["$emails.status", ["$status"]]},
            }
        },
        {"$addFields": {"first_response_at": first_response}},
    ]


def funnel_pipeline() -> list[dict[str, Any]]:
    reached_interview = {
        "$gt": [
            {
                "$size": {
                    "$setIntersection": ["$statuses", [Status.INTERVIEW_INVITATION, Status.OFFER]]
                }
            },
            0,
        ]
    }
    return [
        {
            "$group": {
                "_id": None,
                "applied": {"$sum": 1},
                "interview": {"$sum": {"$cond": [reached_interview, 1, 0]}},
                "offer": {"$sum": {"$cond": [{"$in": [Status.OFFER, "$statuses"]}, 1, 0]}},
            }
        }
    ]


def response_pipeline() -> list[dict[str, Any]]:
    answered_in_mail = {"$ne": [{"$ifNull": ["$first_response_at", None]}, None]}
    # A person's correction holds only until newer mail arrives, so while it is set it is
    # the application's status: the funnel counts it, and so does the response rate.
    answered_by_hand = {"$in": ["$status_override", sorted(RESPONSE_STATUSES)]}
    responded = {"$cond": [{"$or": [answered_in_mail, answered_by_hand]}, 1, 0]}
    return [{"$group": {"_id": None, "total": {"$sum": 1}, "responded": {"$sum": responded}}}]


def _median(sorted_field: str, size_field: str) -> dict[str, Any]:
    half = {"$toInt": {"$floor": {"$divide": [size_field, 2]}}}
    middle = {"$arrayElemAt": [sorted_field, half]}
    below = {"$arrayElemAt": [sorted_field, {"$subtract": [half, 1]}]}
    return {"$cond": [{"$eq": [{"$mod": [size_field, 2]}, 1]}, middle, {"$avg": [below, middle]}]}


def response_days_pipeline() -> list[dict[str, Any]]:
    waited = {"$subtract": ["$first_response_at", "$applied_at"]}
    return [
        {"$match": {"applied_at": {"$ne": None}, "first_response_at": {"$ne": None}}},
        {
            "$group": {
                "_id": "$company_key",
                "company": {"$min": "$company"},
                "days": {"$push": {"$divide": [waited, MS_PER_DAY]}},
            }
        },
        {
            "$project": {
                "company": 1,
                "n": {"$size": "$days"},
                "sorted": {"$sortArray": {"input": "$days", "sortBy": 1}},
            }
        },
        {"$project": {"company": 1, "n": 1, "median": _median("$sorted", "$n")}},
        {"$sort": {"median": 1, "_id": 1}},
    ]


def weekly_pipeline() -> list[dict[str, Any]]:
    started = STARTED
    week = {"$dateTrunc": {"date": "$started", "unit": "week", "startOfWeek": "monday"}}
    return [
        {"$project": {"started": started}},
        {"$match": {"started": {"$ne": None}}},
        {"$group": {"_id": week, "count": {"$sum": 1}}},
        {"$sort": {"_id": 1}},
    ]


def started_between(since: datetime | None, until: datetime | None) -> list[dict[str, Any]]:
    """A stage keeping applications that started in [since, until): applied (by the timeline,
    else by hand), else their first email, else when they were made (as ``overview``)."""
    started = STARTED
    conditions: list[dict[str, Any]] = []
    if since is not None:
        conditions.append({"$gte": [started, since]})
    if until is not None:
        conditions.append({"$lt": [started, until]})
    return [{"$match": {"$expr": {"$and": conditions}}}] if conditions else []


def compute(
    user_id: UserId, *, since: datetime | None = None, until: datetime | None = None
) -> Figures:
    """Return the user's dashboard figures (one aggregation, one round trip).

    ``since``/``until`` keep the applications that started in that range (the date-range
    filter); an application with no date is then left out.
    """
    pipeline = [
        *per_application(user_id),
        *started_between(since, until),
        {
            "$facet": {
                "funnel": funnel_pipeline(),
                "response": response_pipeline(),
                "response_days": response_days_pipeline(),
                "weekly": weekly_pipeline(),
            }
        },
    ]
    collection = get_database()[JobApplication._meta.db_table]
    (facets,) = collection.aggregate(pipeline)
    return _figures(facets)


def _figures(facets: dict[str, Any]) -> Figures:
    funnel = (facets["funnel"] or [{}])[0]
    response = (facets["response"] or [{}])[0]
    return Figures(
        funnel=Funnel(
            applied=funnel.get("applied", 0),
            interview=funnel.get("interview", 0),
            offer=funnel.get("offer", 0),
        ),
        total=response.get("total", 0),
        responded=response.get("responded", 0),
        response_days=[
            CompanyDays(
                company=row["company"] or UNKNOWN_COMPANY,
                median_days=float(row["median"]),
                applications=row["n"],
            )
            for row in facets["response_days"]
        ],
        weekly=[Week(start=_day(row["_id"]), count=row["count"]) for row in facets["weekly"]],
    )


def _day(value: datetime) -> date:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).date()
