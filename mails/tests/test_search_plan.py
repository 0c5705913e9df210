"""The query plan: the rarest term leads the index scan, whatever order the query had."""

from __future__ import annotations

import datetime as dt

import pytest

from mailbox_project.mongo import get_database
from mails.search import compile_query, parse
from mails.search.plan import TERM_INDEX, plan
from mails.search.service import search
from mails.search.testing import Spec, insert

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def mailbox(owner):
    specs = [
        Spec(
            subject="common words" + (" rare" if n % 20 == 0 else ""),
            from_name="Ana",
            from_address="ana@example.com",
            internal_date=START + dt.timedelta(minutes=n),
            labels=["INBOX"],
        )
        for n in range(200)
    ]
    insert(owner.pk, specs)
    return owner


def scanned(owner, query: str) -> tuple[int, list]:
    collection = get_database()["messages"]
    planned, index = plan(compile_query(parse(query), owner), owner.pk, collection)
    cursor = collection.find(planned).sort([("internal_date", -1), ("_id", -1)]).limit(51)
    stats = (cursor.hint(index) if index else cursor).explain()["executionStats"]
    return stats["totalKeysExamined"], planned.get("$and", [planned])


@pytest.mark.parametrize("query", ["common rare", "rare common", '"words rare"', "in:inbox rare"])
def test_the_rarest_term_leads(mailbox, query) -> None:
    keys, clauses = scanned(mailbox, query)
    assert clauses[0] == {"search_terms": "rare"}
    assert keys <= 10  # the 10 messages with "rare", not the 200 with "common"
    assert len(search(mailbox, query).messages) == 10


def test_a_filter_without_terms_is_left_to_the_planner(mailbox) -> None:
    collection = get_database()["messages"]
    query_filter = compile_query(parse("larger:10 in:anywhere"), mailbox)
    assert plan(query_filter, mailbox.pk, collection) == (query_filter, None)


def test_a_single_term_is_hinted_without_counting(mailbox) -> None:
    class NoCounting:
        def count_documents(self, *args, **kwargs):
            raise AssertionError("one term needs no count")

    query_filter = compile_query(parse("rare -common OR x"), mailbox)
    assert plan(query_filter, mailbox.pk, NoCounting())[1] is None
    query_filter = compile_query(parse("rare -common"), mailbox)
    assert plan(query_filter, mailbox.pk, NoCounting())[1] == TERM_INDEX
