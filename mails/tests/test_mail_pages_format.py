"""How the mail pages write dates and which labels get a chip."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from mails.labels import SYSTEM_NAMES
from mails.templatetags.mail_tags import label_chips, mail_date

NOW = datetime(2025, 6, 15, 16, 30, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_dates_read_like_gmail() -> None:
    assert mail_date(datetime(2025, 6, 15, 0, 5, tzinfo=UTC)) == "00:05"
    assert mail_date(datetime(2025, 6, 14, 23, 59, tzinfo=UTC)) == "Jun 14"
    assert mail_date(datetime(2025, 3, 3, 9, 0, tzinfo=UTC)) == "Mar 3"
    assert mail_date(datetime(2024, 12, 31, 23, 0, tzinfo=UTC)) == "2024-12-31"
    assert mail_date(None) == ""


def test_chips_skip_categories_and_states_shown_otherwise() -> None:
    names = {**SYSTEM_NAMES, "Label_7": "Job hunt"}
    label_ids = ["UNREAD", "INBOX", "CATEGORY_UPDATES", "IMPORTANT", "STARRED", "Label_7", "SENT"]
    assert label_chips(label_ids, names) == ["Inbox", "Job hunt", "Sent"]


def test_a_label_without_a_known_name_shows_its_id() -> None:
    assert label_chips(["Label_99"], SYSTEM_NAMES) == ["Label_99"]
