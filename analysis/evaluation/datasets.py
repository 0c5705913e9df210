"""Load labelled email: CSV files in several vocabularies, our own set, the emulator's mail.

Bodies still in a transfer encoding or written as HTML are decoded by the sync's own MIME
parser (``mails.parsing``) first, as the product decodes before it analyses.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import sys
from collections.abc import Iterable, Sequence
from email.utils import parseaddr
from pathlib import Path

from analysis.classify import EmailInput
from analysis.evaluation.records import (
    _DEV_SHARE,
    FORMATS,
    SPLITS,
    EvaluationError,
    LabelledEmail,
)
from analysis.status import Status
from mails.parsing import parse_rfc822


def detect_format(columns: Iterable[str]) -> str:
    """Return the name of the format whose columns ``columns`` has, most specific first."""
    present = {c.strip().lower() for c in columns}
    candidates = [name for name, (needed, _) in FORMATS.items() if needed <= present]
    if not candidates:
        known = "; ".join(f"{n}: {', '.join(sorted(c))}" for n, (c, _) in FORMATS.items())
        raise EvaluationError(f"unknown CSV format (columns {sorted(present)}); known: {known}")
    return max(candidates, key=lambda name: len(FORMATS[name][0]))


def load_csv(path: Path, fmt: str | None = None) -> tuple[str, list[LabelledEmail]]:
    """Return the format name and the labelled emails of the CSV file at ``path``."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            fmt = fmt or detect_format(columns)
            if fmt not in FORMATS:
                raise EvaluationError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
            rows = [_row(fmt, number, _lower_keys(row)) for number, row in enumerate(reader, 1)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise EvaluationError(f"cannot read {path}: {error}") from error
    return fmt, rows


def _lower_keys(row: dict[str | None, str | list[str] | None]) -> dict[str, str]:
    return {k.strip().lower(): v for k, v in row.items() if k and isinstance(v, str)}


def _row(fmt: str, number: int, row: dict[str, str]) -> LabelledEmail:
    labels = FORMATS[fmt][1]
    label_column = {"jobseeker-analytics": "status_label", "jobhunt": "email_type"}.get(
        fmt, "status" if fmt == "mailbox" else "true_label"
    )
    statuses: tuple[Status, ...] | None = None
    if labels:
        label = row.get(label_column, "").strip().lower()
        if label not in labels:
            raise EvaluationError(f"row {number}: unknown label {label!r} for format {fmt}")
        statuses = labels[label]
    email = email_of(f"{fmt}:{number}", row)
    return LabelledEmail(email, statuses, _optional(row, "company"), _optional(row, "position"))


def parsed_email(message_id: str, raw: bytes, account_name: str = "") -> EmailInput:
    """Return the classifier's input of an RFC 822 message, parsed as the sync parses it."""
    parsed = parse_rfc822(raw)
    return EmailInput(
        message_id=message_id,
        subject=parsed.subject,
        sender_name=parsed.from_name,
        sender_address=parsed.from_address,
        date=parsed.date_header,
        body_text=parsed.body_text,
        to=tuple(parsed.to_addresses),
        list_id=parsed.list_id,
        account_name=account_name,
    )


def email_of(message_id: str, row: dict[str, str]) -> EmailInput:
    """Return the email a labelled row describes, its body decoded as a sync would decode it.

    A ``raw`` column holds a whole RFC 822 message; otherwise the body column is decoded when
    a ``content_transfer_encoding`` column names its encoding or the body plainly is still
    quoted-printable or base64, and read as HTML when it is HTML.
    """
    raw = row.get("raw", "")
    if raw.strip():
        return parsed_email(message_id, raw.encode("utf-8", "surrogateescape"))
    name, address = parseaddr(row.get("sender", ""))
    body = row.get("email_text") or row.get("email_body") or row.get("body", "")
    encoding = (row.get("content_transfer_encoding") or row.get("transfer_encoding") or "").strip()
    return EmailInput(
        message_id=message_id,
        subject=row.get("subject", ""),
        sender_name=name,
        sender_address=address,
        date=_date(row.get("parsed_datetime", "") or row.get("date", "")),
        body_text=decode_body(body, encoding.lower(), row.get("charset", "").strip()),
        to=tuple(a for a in (row.get("to", "").strip(),) if a),
        account_name=row.get("account_name", "").strip(),
    )


def own_set() -> list[LabelledEmail]:
    """Return our own evaluation set (``analysis.evaluation_set``), each row with its part."""
    from analysis.evaluation_set import generator

    result = []
    for number, row in enumerate(generator.rows(), 1):
        email = email_of(f"own:{number}", row)
        status = Status(row["status"])
        result.append(LabelledEmail(email, (status,), row["company"], None, row["part"]))
    return result


# Quoted-printable leaves soft line breaks ("=" at a line's end) and escapes such as "=3D",
# "=20" or a UTF-8 sequence ("=E2=80=99"); a URL's "id=58a0" is none of these.
_QP_SIGNS = re.compile(r"=\r?\n|=(?:3D|20|09)|=[C-F][0-9A-F]=[89AB][0-9A-F]")
_BASE64_BODY = re.compile(r"\A\s*(?:[A-Za-z0-9+/]{40,}\r?\n)+[A-Za-z0-9+/]*={0,2}\s*\Z")
_HTML_BODY = re.compile(r"\A\s*(?:<!doctype html|<html|<body|<div|<table|<p[ >])", re.IGNORECASE)


def transfer_encoding_of(body: str) -> str:
    """Return the transfer encoding a body is plainly still in ('' when it reads as text)."""
    if _BASE64_BODY.match(body):
        return "base64"
    if len(_QP_SIGNS.findall(body)) >= 2:
        return "quoted-printable"
    return ""


def decode_body(body: str, encoding: str = "", charset: str = "") -> str:
    """Return ``body`` as the sync would store it: transfer encoding undone, HTML made text.

    The body is wrapped in a one-part MIME message and read by ``mails.parsing``, so the
    evaluation decodes exactly as the product does. Plain text needing neither is returned
    as it is.
    """
    encoding = encoding or transfer_encoding_of(body)
    html = bool(_HTML_BODY.match(body))
    if encoding in ("", "7bit", "8bit", "binary") and not html:
        return body
    headers = (
        "MIME-Version: 1.0\r\n"
        f"Content-Type: text/{'html' if html else 'plain'}; charset={charset or 'utf-8'}\r\n"
        f"Content-Transfer-Encoding: {encoding or '8bit'}\r\n\r\n"
    )
    return parse_rfc822(headers.encode("ascii") + body.encode("utf-8", "surrogateescape")).body_text


def _optional(row: dict[str, str], column: str) -> str | None:
    value = row.get(column)
    return value.strip() if value is not None else None


def _date(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def emulator_emails(seed: int = 7, count: int = 1000, accounts: int = 1) -> list[LabelledEmail]:
    """Return the emulator's generated mail (``count`` per account) with its true labels.

    The mail goes through the sync's own RFC 822 parser, so the classifier reads exactly what
    it would read after a sync. Messages the generator did not label (the account's own sent
    mail) are left out.
    """
    # The emulator is test tooling; only this evaluation path imports it.
    from google_emulator import generator

    anchor = dt.date(2025, 6, 1)  # fixed, so a seed always yields the same mail
    result = []
    for index in range(accounts):
        spec = generator.account_spec(index, seed)
        for draft in generator.MailboxGenerator(spec, seed, index, anchor).generate(count):
            if draft.truth is None:
                continue
            email = parsed_email(
                f"emulator:{seed}:{index}:{draft.message_id_header}",
                draft.raw,
                account_name=spec.name,  # the profile name the service passes
            )
            truth = draft.truth
            status = Status(truth["status"])
            result.append(
                LabelledEmail(email, (status,), truth["company"] or "", truth["position"] or "")
            )
    return result


def split(rows: Sequence[LabelledEmail], part: str) -> list[LabelledEmail]:
    """Return the ``dev`` or ``holdout`` part of ``rows`` (or ``all``), stable per email text."""
    if part == "all":
        return list(rows)
    if part not in SPLITS:
        raise EvaluationError(f"unknown split {part!r}; choose one of {', '.join(SPLITS)}")
    return [row for row in rows if _part(row) == part]


def _part(row: LabelledEmail) -> str:
    if row.part is not None:
        return row.part
    return "dev" if _bucket(row.email) < _DEV_SHARE else "holdout"


def _bucket(email: EmailInput) -> int:
    text = "\x00".join((email.sender_address, email.subject, email.body_text))
    return hashlib.sha256(text.encode("utf-8", "replace")).digest()[0] % 10
