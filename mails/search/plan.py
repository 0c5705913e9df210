"""Choose how MongoDB runs a compiled filter: its required terms, and which index.

A filter with required terms (equalities on ``search_terms`` in its top conjunction) is
hinted to the term index: the planner's trial of five candidate plans cost more than the
query itself (24 ms → 6 ms on the same query). With several terms, ``scan`` reads the first
chunk of each term's postings and lets the sparsest lead: those chunks also say how rare
each term is, so nothing is counted beforehand (two counts were two round trips, ~4 ms of
a 21 ms two-word query at 10,000 messages).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mails.search.compiler import Filter

TERM_INDEX = "user_term_newest"
# All of a user's mail newest first: what a query of common words alone walks, checking each
# message's ``common_marks`` (such words are in most mail: a page comes after a few dozen).
NEWEST_INDEX = "user_newest_id"
# Postings are read for the first few required terms of a long conjunction; the others are
# checked on the fetched documents.
MAX_TERMS = 6


@dataclass(frozen=True)
class Plan:
    """The filter to run, the index to hint, and its required terms (at most ``MAX_TERMS``),
    in query order."""

    filter: Filter
    index: str | None = None
    terms: list[str] = field(default_factory=list)
    # With no required term, the top conjunction's ``common_marks`` clause, if any: the
    # messages to walk newest first (``NEWEST_INDEX``).
    marks: Filter | None = None


def plan(query_filter: Filter) -> Plan:
    """Return how to run ``query_filter``: hinted to the term index when it has a required
    term, to the newest-first index when it has required common words only. Planning reads
    nothing."""
    clauses = _conjuncts(query_filter)
    terms = list(dict.fromkeys(term for clause in clauses if (term := _term(clause))))
    if terms:
        return Plan({"$and": clauses}, TERM_INDEX, terms[:MAX_TERMS])
    marks = next((clause for clause in clauses if set(clause) == {"common_marks"}), None)
    if marks is not None and not any(_ranges_size(clause) for clause in clauses):
        return Plan({"$and": clauses}, NEWEST_INDEX, marks=marks)
    return Plan(query_filter)


def _ranges_size(clause: Filter) -> bool:
    # larger:/smaller: have an index of their own, which the planner may rightly prefer.
    return set(clause) == {"size_estimate"}


def walks(plan: Plan) -> bool:
    """True when a page of ``plan`` is one bounded index walk: at most one term, and nothing
    else to check but the user, the hidden labels and a date range. Such a page costs no
    more to find than to read again by id, so caching it only adds Redis round trips."""
    if len(plan.terms) > 1:
        return False
    return all(_walked(clause) for clause in _conjuncts(without_terms(plan.filter, plan.terms)))


def _walked(clause: Filter) -> bool:
    """A clause an index walk in date order answers without scanning past the page: the
    user, the trash and spam exclusion (on each fetched document) or a date bound."""
    if set(clause) == {"user_id"}:
        return True
    if set(clause) == {"label_ids"}:
        value = clause["label_ids"]
        return isinstance(value, dict) and set(value) == {"$nin"}
    return set(clause) == {"internal_date"}


def without_terms(query_filter: Filter, terms: Iterable[str]) -> Filter:
    """``query_filter`` without the equalities on ``terms`` (known to hold: no need to scan
    each fetched document's hundreds of terms for them)."""
    known = set(terms)
    return {"$and": [c for c in _conjuncts(query_filter) if _term(c) not in known]}


def _conjuncts(query_filter: Filter) -> list[Filter]:
    """Return the clauses of a conjunction, nested $and flattened and empty clauses dropped."""
    if set(query_filter) == {"$and"}:
        return [c for clause in query_filter["$and"] for c in _conjuncts(clause)]
    return [query_filter] if query_filter else []


def _term(clause: Filter) -> str | None:
    """Return the term of a clause that is one equality on ``search_terms``."""
    if set(clause) != {"search_terms"}:
        return None
    value = clause["search_terms"]
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"$in"} and len(value["$in"]) == 1:
        term = value["$in"][0]
        return term if isinstance(term, str) else None
    return None
