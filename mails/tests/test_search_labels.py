"""Labels: names from labels.list for pages and label:, refreshed only when needed; admin."""

from __future__ import annotations

import pytest

from mails import labels
from mails.gmail import GmailLabel
from mails.models import Label

pytestmark = pytest.mark.django_db


class Listing:
    """labels.list as Gmail answers it, through the seam's record."""

    def __init__(self, entries) -> None:
        self.entries = entries
        self.calls = 0

    def list_labels(self):
        self.calls += 1
        return GmailLabel.list_from_api({"labels": self.entries})


def test_labels_are_stored_named_and_refreshed_only_when_unknown(owner, other_user) -> None:
    listing = Listing(
        [
            {"id": "INBOX", "name": "INBOX", "type": "system"},
            {"id": "Label_1", "name": "Work/Projects", "type": "user"},
            {"id": "Label_2", "name": "Reçus", "type": "user"},
        ]
    )
    assert labels.refresh(owner.pk, listing)
    assert not labels.refresh(owner.pk, listing)  # nothing changed
    names = labels.names_for(owner.pk)
    assert names["INBOX"] == "Inbox"
    assert names["Label_1"] == "Work/Projects"
    assert names["CATEGORY_SOCIAL"] == "Social"
    query_names = labels.query_names(owner.pk)
    assert query_names["work-projects"] == ("Label_1",)
    assert query_names["recus"] == ("Label_2",)
    assert query_names["inbox"] == ("INBOX",)
    assert "Label_1" not in labels.names_for(other_user.pk)
    assert not labels.refresh_if_unknown(owner.pk, ["INBOX", "Label_1", "STARRED"], listing)
    assert listing.calls == 2
    listing.entries = [*listing.entries[:2], {"id": "Label_3", "name": "New", "type": "user"}]
    assert labels.refresh_if_unknown(owner.pk, ["Label_3"], listing)
    assert set(Label.objects.filter(user=owner).values_list("label_id", flat=True)) == {
        "INBOX",
        "Label_1",
        "Label_3",
    }


def test_staff_see_labels_in_the_admin_but_cannot_edit_them(client, staff, owner) -> None:
    Label.objects.create(user=owner, label_id="Label_9", name="Garden")
    client.force_login(staff)
    page = client.get("/admin/mails/label/")
    assert page.status_code == 200
    assert b"Garden" in page.content
    assert client.get("/admin/mails/label/add/").status_code == 403


def test_non_staff_cannot_see_labels_in_the_admin(client, owner) -> None:
    client.force_login(owner)
    assert client.get("/admin/mails/label/").status_code == 302
