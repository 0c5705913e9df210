"""Messages as an mbox that mail programs (and the emulator's ``--load-eml``) read back.

Mailbox stores a message's parsed fields, not its bytes. With Google connected the export
fetches each message's bytes (``format=raw``); otherwise ``rebuild`` writes an RFC 822 message
from the stored fields: headers, the plain text body, and attachments named but not included.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from typing import BinaryIO

from mails.models import Message

# mboxrd: a body line that starts like a separator gets one more ">", undone by readers.
_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)


def _addresses(addresses: Sequence[str], names: Sequence[str]) -> str:
    padded = list(names) + [""] * (len(addresses) - len(names))
    return ", ".join(
        formataddr((name, address))
        for name, address in zip(padded[: len(addresses)], addresses, strict=True)
    )


def rebuild(message: Message) -> bytes:
    """Return an RFC 822 message written from the stored fields (no HTML, no file bytes)."""
    mail = EmailMessage(policy=SMTP)
    if message.from_address:
        mail["From"] = formataddr((message.from_name, message.from_address))
    for header, addresses, names in (
        ("To", message.to_addresses, message.to_names),
        ("Cc", message.cc_addresses, message.cc_names),
    ):
        if addresses:
            mail[header] = _addresses(addresses, names)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.date_header or message.internal_date)
    if message.rfc822_message_id:
        mail["Message-ID"] = message.rfc822_message_id
    if message.list_id:
        mail["List-Id"] = message.list_id
    mail["X-Gmail-Labels"] = ",".join(message.label_ids)
    mail["X-Mailbox-Rebuilt"] = "from stored fields; HTML and attachment bytes not kept"
    body = message.body_text
    if message.attachments:
        names = "\n".join(f"- {item.get('filename', '')}" for item in message.attachments)
        body += f"\n\n[Attachments not included in this export:\n{names}]\n"
    mail.set_content(body or "", charset="utf-8")
    return mail.as_bytes()


def write(out: BinaryIO, data: bytes, sender: str, when: str) -> None:
    """Append one message in mboxrd form (separator line, escaped body, blank line)."""
    data = data.replace(b"\r\n", b"\n")
    out.write(f"From {separator_sender(sender)} {when}\n".encode())
    out.write(_FROM_LINE.sub(rb">\1", data))
    if not data.endswith(b"\n"):
        out.write(b"\n")
    out.write(b"\n")


def separator_sender(address: str) -> str:
    """An mbox separator's address: one word (a space would end the field)."""
    return "".join(address.split()) or "MAILER-DAEMON"
