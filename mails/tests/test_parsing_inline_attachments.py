"""Named parts come by ``attachmentId`` or, when small, inline in ``body.data``: the same files.

Gmail's MessagePartBody: "attachmentId — when present, contains the ID of an external
attachment that can be retrieved in a separate messages.attachments.get request. When not
present, the entire content of the message part body is contained in the data field";
``size`` is the number of bytes of the part's data. Both forms are built here from the
emulator's payload, part by part; the sync test takes whatever the emulator serves.
"""

from __future__ import annotations

import base64
import copy
from email.message import EmailMessage
from typing import Any

import pytest

from mails.models import Message
from mails.parsing import parse_full_message, parse_raw_message
from mails.tests.test_parsing import emulator_full, gmail_raw

INLINE_LIMIT = 4096  # the small named parts this is about

FILES = [
    # (name, bytes, maintype, subtype, disposition)
    ("tiny.txt", b"tiny text file\n" * 6, "text", "plain", "attachment"),
    ("logo.png", b"\x89PNG" + bytes(296), "image", "png", "inline"),
    ("r\u00e9sum\u00e9 2026.pdf", b"%PDF" + b"x" * 4092, "application", "pdf", "attachment"),
    ("report.pdf", b"%PDF" + b"y" * 9000, "application", "pdf", "attachment"),
]


def message_bytes() -> bytes:
    message = EmailMessage()
    message["From"] = "Ana Lima <ana@lima.example>"
    message["To"] = "alex.morgan@example.com"
    message["Subject"] = "Files"
    message.set_content("The files are attached.")
    for name, data, maintype, subtype, disposition in FILES:
        message.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=name, disposition=disposition
        )
    return message.as_bytes()


def expected() -> list[dict[str, Any]]:
    return [
        {"filename": name, "size": len(data), "mime_type": f"{maintype}/{subtype}"}
        for name, data, maintype, subtype, _ in FILES
    ]


def _named_parts(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node] if node.get("filename") else []
    for child in node.get("parts") or []:
        found.extend(_named_parts(child))
    return found


def served_as(response: dict[str, Any], *, inline: bool) -> dict[str, Any]:
    """Return ``response`` with its named parts served one way: up to INLINE_LIMIT bytes in
    ``data`` (``inline``), or every one by ``attachmentId``, whichever way it came."""
    served = copy.deepcopy(response)
    by_name = {name: data for name, data, *_ in FILES}
    for part in _named_parts(served["payload"]):
        data = by_name[part["filename"]]
        if inline and len(data) <= INLINE_LIMIT:
            part["body"] = {"size": len(data), "data": base64.urlsafe_b64encode(data).decode()}
        else:
            part["body"] = {"attachmentId": f"ANGj{part['partId']}", "size": len(data)}
    return served


def test_both_forms_and_raw_store_the_same_files() -> None:
    raw = message_bytes()
    by_id = served_as(emulator_full(raw), inline=False)
    inline = served_as(by_id, inline=True)
    assert [("data" in p["body"]) for p in _named_parts(inline["payload"])] == [
        True, True, True, False
    ]  # fmt: skip
    assert not any("data" in p["body"] for p in _named_parts(by_id["payload"]))
    from_raw = parse_raw_message(gmail_raw(raw))
    from_ids = parse_full_message(by_id)
    from_inline = parse_full_message(inline)
    assert from_raw.attachments == expected()
    assert from_ids.attachments == expected()
    assert from_inline.attachments == expected()
    assert from_raw.body_text == from_ids.body_text == from_inline.body_text
    assert from_inline.parse_error == ""


@pytest.mark.parametrize(
    ("body", "size"),
    [
        ({"data": "aGVsbG8"}, 5),  # no size: the inline bytes say it
        ({"size": 0, "data": "aGVsbG8"}, 5),  # a writer's zero next to the bytes
        ({"size": "5", "data": "aGVsbG8"}, 5),  # a stringified int32
        ({"size": 7000, "attachmentId": "ANGj-x"}, 7000),  # by id: only the size is here
        ({"size": 0, "attachmentId": "ANGj-x"}, 0),  # an empty file is an empty file
        ({}, 0),
    ],
)
def test_a_named_parts_size_in_every_form(body: dict[str, Any], size: int) -> None:
    payload = {
        "mimeType": "multipart/mixed",
        "headers": [{"name": "Subject", "value": "x"}],
        "body": {"size": 0},
        "parts": [
            {"partId": "0", "mimeType": "text/plain", "filename": "", "body": {"data": "SGk"}},
            {
                "partId": "1",
                "mimeType": "application/octet-stream",
                "filename": "a.bin",
                "headers": [
                    {"name": "Content-Disposition", "value": 'attachment; filename="a.bin"'}
                ],
                "body": body,
            },
        ],
    }
    parsed = parse_full_message({"id": "m1", "payload": payload})
    assert parsed.attachments == [
        {"filename": "a.bin", "size": size, "mime_type": "application/octet-stream"}
    ]
    assert parsed.body_text == "Hi"


def test_a_name_only_in_the_headers_still_names_an_inline_part() -> None:
    part = {
        "partId": "1",
        "mimeType": "text/csv",
        "filename": "",
        "headers": [
            {"name": "Content-Type", "value": 'text/csv; name="=?utf-8?q?d=C3=A9penses.csv?="'},
            {"name": "Content-Disposition", "value": "attachment"},
        ],
        "body": {"size": 4, "data": "YSxiCg"},
    }
    payload = {
        "mimeType": "multipart/mixed",
        "headers": [],
        "parts": [{"partId": "0", "mimeType": "text/plain", "body": {"data": "SGk"}}, part],
    }
    parsed = parse_full_message({"id": "m1", "payload": payload})
    assert parsed.attachments == [{"filename": "dépenses.csv", "size": 4, "mime_type": "text/csv"}]


@pytest.mark.django_db(transaction=True)
def test_files_synced_from_gmail_are_stored_with_names_and_sizes(mailbox) -> None:
    gmail_id = mailbox.google.emulator.deliver(
        mailbox.user.email, message_bytes(), labels=["INBOX"]
    )
    mailbox.sync()
    stored = Message.objects.get(user=mailbox.user, gmail_id=gmail_id)
    assert stored.attachments == expected()
