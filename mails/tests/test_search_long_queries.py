"""Long queries, and queries Mailbox must refuse: a 400 that says why, never a 500.

Real trackers send queries of thousands of characters. They parse and compile in linear time
(no recursion per OR), a query past ``SEARCH_MAX_QUERY_CHARS`` is a 400 that names the limit,
and a disjunction of hundreds of terms is still answered from the term index: each branch an
index scan, no collection scan. Operators Gmail has on state its API does not expose
(``is:snoozed``, star colours) are a 400 that says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests

from accounts import api_tokens
from mailbox_project.mongo import get_database
from mailbox_project.tests.test_log_redaction import Gunicorn
from mailbox_project.tests.test_log_redaction import gunicorn as gunicorn
from mailbox_project.tests.test_log_redaction import live_server_port as live_server_port
from mails.search import compile_query, parse
from mails.search.plan import plan
from mails.search.service import search
from mails.search.testing import Spec

pytestmark = pytest.mark.django_db
# gunicorn and live_server_port above: the real-gunicorn fixtures of the log test.

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
BRANCHES = 400


@pytest.fixture
def search_corpus_specs() -> list[Spec]:
    """1,500 messages, 30 of them from the senders the long queries name (10 also "hired").

    The named senders are rare, so reading the mailbox in date order and filtering would
    examine hundreds of documents: the planner must prefer the term index for each branch.
    """
    return [
        Spec(
            subject="status update" + (" hired" if n % 150 == 0 else ""),
            from_name="Sender" if n % 50 == 0 else "Bulk",
            from_address=f"sender{n % 60:05}@example.com" if n % 50 == 0 else "bulk@example.org",
            internal_date=START + dt.timedelta(minutes=n),
            labels=["INBOX"],
        )
        for n in range(1500)
    ]


def many_senders(count: int) -> str:
    return " OR ".join(f"from:sender{i:05}@example.com" for i in range(count))


def stages(node: dict[str, Any]) -> list[str]:
    """The stage names of a winning plan, depth first."""
    found = [str(node.get("stage"))]
    for key in ("inputStage", "queryPlan"):
        if isinstance(node.get(key), dict):
            found += stages(node[key])
    for child in node.get("inputStages", []):
        found += stages(child)
    return found


def indexes(node: dict[str, Any]) -> set[str]:
    """The names of the indexes a winning plan scans."""
    found = {str(node["indexName"])} if node.get("stage") == "IXSCAN" else set()
    for key in ("inputStage", "queryPlan"):
        if isinstance(node.get(key), dict):
            found |= indexes(node[key])
    for child in node.get("inputStages", []):
        found |= indexes(child)
    return found


@pytest.mark.parametrize(
    "query",
    [
        many_senders(BRANCHES),
        f"hired ({many_senders(BRANCHES)})",
        f"{many_senders(BRANCHES)} -subject:nothing",
    ],
    ids=["bare-or", "term-and-or", "or-and-not"],
)
def test_hundreds_of_or_branches_are_index_scans(search_corpus, query) -> None:
    collection = get_database()["messages"]
    how = plan(compile_query(parse(query), search_corpus))
    cursor = collection.find(how.filter).sort([("internal_date", -1), ("_id", -1)]).limit(51)
    explained = (cursor.hint(how.index) if how.index else cursor).explain()
    winning = explained["queryPlanner"]["winningPlan"]
    names = stages(winning)
    assert "COLLSCAN" not in names, names
    assert indexes(winning) == {"user_term_newest"}, indexes(winning)
    # Only the matching messages' documents are read, not the 1,500 of the mailbox.
    assert explained["executionStats"]["totalDocsExamined"] <= 60
    assert search(search_corpus, query).messages


def test_a_query_at_the_limit_is_answered_and_one_past_it_is_a_400(
    client, search_corpus, settings
) -> None:
    client.force_login(search_corpus)
    query = many_senders(BRANCHES)
    query += " -subject:x" * ((settings.SEARCH_MAX_QUERY_CHARS - len(query)) // 11)
    assert len(query) > settings.SEARCH_MAX_QUERY_CHARS - 11
    answered = client.get("/api/mails", {"q": query})
    assert answered.status_code == 200
    assert answered.json()["results"]
    refused = client.get("/api/mails", {"q": query + " " * 11 + "x"})
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "bad_query"
    assert f"the limit is {settings.SEARCH_MAX_QUERY_CHARS} characters" in error["message"]


def test_an_operator_the_gmail_api_cannot_see_is_a_400_saying_why(client, owner) -> None:
    client.force_login(owner)
    refused = client.get("/api/mails", {"q": "offer is:snoozed"})
    assert refused.status_code == 400
    message = refused.json()["error"]["message"]
    assert "is:snoozed cannot be searched here" in message
    assert "Gmail API, which does not expose snoozed mail" in message


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_16000_character_query_passes_through_gunicorn(
    gunicorn: Gunicorn,
    owner,
) -> None:
    # gunicorn refuses request lines over 4,094 bytes by default, before Django sees them: a
    # long query must reach the app, which then applies SEARCH_MAX_QUERY_CHARS itself.
    issued = api_tokens.create(owner, "long queries", days=1)
    bearer = {"Authorization": f"Bearer {issued.access_token}"}
    query = many_senders(BRANCHES)
    query += " -subject:x" * ((16_000 - len(query)) // 11)
    url = f"{gunicorn.url}/api/mails"
    answered = requests.get(url, params={"q": query}, headers=bearer, timeout=60)
    assert answered.status_code == 200, answered.text[:300]
    refused = requests.get(url, params={"q": query + " x" * 10}, headers=bearer, timeout=60)
    assert refused.status_code == 400
    assert "the limit is 16000 characters" in refused.json()["error"]["message"]
