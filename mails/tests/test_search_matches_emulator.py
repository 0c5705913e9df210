"""The app's search and the emulator's own ``q`` evaluation agree on the same mailbox.

The emulator stands in for Gmail in every sync test; if its ``messages.list?q=`` read a
query differently from Mailbox's parser (OR's precedence above all), a test could pass
against one reading and the product ship the other. Here the emulator's mailbox is copied
by the real sync, then each query runs through ``mails.search.search`` and through the
emulator's messages.list (the real Google client library, over HTTP), and the sets of
message ids must be equal.
"""

from __future__ import annotations

from typing import Any

import pytest

from mails.gmail import GmailClient
from mails.search.service import search
from mails.tests.conftest import SyncedMailbox

pytestmark = pytest.mark.django_db(transaction=True)

# Words, labels, negation, OR, explicit AND, braces and groups: the syntax both sides share.
# Operators whose matching rules differ by design (from: is a substring in the emulator,
# words and addresses in the app) stay out; the semantics tests cover them.
QUERIES = [
    "application",
    "application interview OR globex",
    "(application interview) OR globex",
    "interview OR application -is:important",
    "is:important interview OR application OR thank",
    "category:updates application OR interview -globex",
    "in:inbox issue OR thank is:important",
    "application AND received OR dinner",
    "(application received) OR dinner",
    "-(interview OR application) in:inbox",
    "{interview thank} is:important OR category:social",
    "is:important OR category:social {interview thank}",
    "application OR interview OR issue -category:promotions in:inbox",
    # the shape real trackers send: the exclusions apply to every alternative
    "after:2020/01/01 (application received) OR (interview schedule) AND -category:promotions"
    " -is:starred",
    "application AROUND 3 received",
    "interview AROUND 0 schedule OR thank AROUND 1 you",
]
# Pairs that read differently under the two precedences: the mailbox must tell them apart,
# or the agreement above would not show that both sides use Gmail's.
DISTINCT = [
    ("application interview OR globex", "(application interview) OR globex"),
    ("application AND received OR dinner", "(application received) OR dinner"),
    (
        "{interview thank} is:important OR category:social",
        "({interview thank} is:important) OR category:social",
    ),
]


def app_ids(user: Any, query: str) -> set[str]:
    found: set[str] = set()
    cursor = None
    while True:
        page = search(user, query, cursor=cursor, page_size=50)
        found.update(m.gmail_id for m in page.messages)
        cursor = page.next_cursor
        if cursor is None:
            return found


def emulator_ids(client: GmailClient, query: str) -> set[str]:
    found: set[str] = set()
    token = None
    messages = client._service.users().messages()
    while True:
        body = messages.list(userId="me", q=query, maxResults=500, pageToken=token).execute()
        found.update(item["id"] for item in body.get("messages", []))
        token = body.get("nextPageToken")
        if not token:
            return found


def test_the_app_and_the_emulator_find_the_same_messages(
    synced_mailbox: SyncedMailbox,
) -> None:
    user = synced_mailbox.user
    client = GmailClient(user)
    differences = {}
    for query in QUERIES:
        mine, theirs = app_ids(user, query), emulator_ids(client, query)
        if mine != theirs:
            differences[query] = (sorted(mine - theirs), sorted(theirs - mine))
    assert not differences, differences
    empty = [q for q in QUERIES if not app_ids(user, q)]
    assert not empty, empty  # every query selects something
    alike = [
        pair
        for pair in DISTINCT
        if emulator_ids(client, pair[0]) == emulator_ids(client, pair[1])
        or app_ids(user, pair[0]) == app_ids(user, pair[1])
    ]
    assert not alike, alike
