"""Property test: whatever a client sends as q, cursor or page_size, the answer is 200 or 400.

Never a 500: every 400 carries the error shape with a message. Runs against the real search
on a synced mailbox, so a query that parses is also compiled and run on MongoDB.
"""

# The shared fixtures are imported from test_mail_pages; pytest injects them by parameter name.
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db(transaction=True)

# Pieces of Gmail's syntax, so random queries reach the parser's corners, not only bare words.
SYNTAX = st.sampled_from([
    "from:", "to:", "subject:", "after:", "before:", "newer_than:", "older_than:", "is:",
    "has:", "label:", "in:", "filename:", "larger:", "category:", "unread", "attachment",
    "2024/01/31", "2024/13/45", "7d", "99999999y", "OR", "AND", "-", '"', "(", ")", "{", "}",
    " ", ":", "\\", "$where", "{$gt: ''}", ".*", "\x00", "é", "ß", "İ", "@", "ana@lima.example",
])  # fmt: skip
QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(SYNTAX, st.text(max_size=6)), max_size=12).map("".join),
)
ANYTHING = st.one_of(st.none(), st.text(max_size=30), st.integers(-(10**20), 10**20).map(str))


@pytest.fixture
def client_with_synced_mail(signed_in, mailbox):
    """The owner's signed-in client, after one delivered message was synced."""
    mailbox.add(subject="Ana's offer", body="from lima with attachment", labels=["INBOX"])
    mailbox.sync()
    return signed_in


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(q=QUERIES, cursor=ANYTHING, page_size=ANYTHING)
def test_any_request_is_answered_200_or_400(client_with_synced_mail, q, cursor, page_size) -> None:
    params = {"q": q}
    if cursor is not None:
        params["cursor"] = cursor
    if page_size is not None:
        params["page_size"] = page_size
    response = client_with_synced_mail.get("/api/mails", params)
    assert response.status_code in {200, 400}, (response.status_code, params)
    data = response.json()
    if response.status_code == 400:
        assert set(data) == {"error"}
        assert data["error"]["code"] in {"bad_query", "bad_cursor", "bad_page_size"}
        assert data["error"]["message"]
    else:
        assert isinstance(data["results"], list)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(q=QUERIES)
def test_the_html_page_answers_any_query_with_200_or_400(client_with_synced_mail, q) -> None:
    response = client_with_synced_mail.get("/mails", {"q": q})
    assert response.status_code in {200, 400}, (response.status_code, q)
