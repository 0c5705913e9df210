"""Gmail's responses become typed records at the seam, validated once; a malformed body is
``MalformedResponse`` (transient: nothing was written from it, so it is retried)."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.errors import TransientError
from mails.gmail import (
    GmailLabel,
    HistoryPage,
    LabelChange,
    ListPage,
    MalformedResponse,
    Profile,
    Watch,
)


def test_documented_responses_become_records_with_ints_from_text() -> None:
    profile = Profile.from_api(
        {"emailAddress": "a@x.test", "messagesTotal": 3, "historyId": "1234"}
    )
    assert profile == Profile("a@x.test", 3, 1234)
    page = ListPage.from_api({"messages": [{"id": "m1", "threadId": "t1"}], "nextPageToken": "n"})
    assert page == ListPage([("m1", "t1")], "n", 0)
    assert ListPage.from_api({"resultSizeEstimate": 0}) == ListPage([], None, 0)
    history = HistoryPage.from_api(
        {
            "history": [
                {
                    "id": "9",
                    "messagesAdded": [{"message": {"id": "m2", "threadId": "t"}}],
                    "labelsRemoved": [{"message": {"id": "m1"}, "labelIds": ["UNREAD"]}],
                },
                {"id": "10", "messagesDeleted": [{"message": {"id": "m2"}}]},
            ],
            "historyId": "11",
        }
    )
    assert history.history_id == 11
    assert history.next_page_token is None
    assert [r.added for r in history.records] == [("m2",), ()]
    assert history.records[0].label_changes == (LabelChange("m1", "remove", ("UNREAD",)),)
    assert history.records[1].deleted == ("m2",)
    labels = GmailLabel.list_from_api(
        {"labels": [{"id": "INBOX", "type": "system"}, {"name": "x"}]}
    )
    assert labels == [GmailLabel("INBOX", "INBOX", True)]
    watch = Watch.from_api({"historyId": "5", "expiration": "1700000000000"})
    assert watch.expiration == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("record", "body"),
    [
        (Profile, {"emailAddress": "a@x.test"}),  # no historyId
        (Profile, {"emailAddress": "a@x.test", "historyId": "soon"}),
        (Profile, ["not", "an", "object"]),
        (ListPage, {"messages": [{"threadId": "t"}]}),  # a message without id
        (ListPage, {"messages": "m1"}),
        (HistoryPage, {"history": [{"messagesAdded": [{"message": {}}]}]}),
        (HistoryPage, {"history": [{"labelsAdded": [{"message": {"id": "m"}}]}]}),
        (HistoryPage, {"history": [{"labelsAdded": [{"message": {"id": "m"}, "labelIds": [1]}]}]}),
        (HistoryPage, {"historyId": True}),
        (Watch, {"historyId": "5"}),
    ],
)
def test_a_malformed_response_is_a_transient_domain_error(record, body) -> None:
    with pytest.raises(MalformedResponse) as caught:
        record.from_api(body)
    assert isinstance(caught.value, TransientError)
