"""Generated messages with real mail's oddities parse to the right fields, in both formats,
and agree with the policy.default reference wherever that reference reads them right."""

from __future__ import annotations

import pytest

from mails.parsing import ParsedMessage, parse_full_message, parse_raw_message
from mails.tests.corpus_reference import compare, differences, reference, words
from mails.tests.realmail import RealMail, real_mail
from mails.tests.test_parsing import gmail_raw

CASES = real_mail()


def _check(mail: RealMail, parsed: ParsedMessage) -> None:
    assert parsed.subject == mail.subject
    assert parsed.from_address == mail.sender
    assert tuple(parsed.to_addresses + parsed.cc_addresses) == mail.recipients
    assert mail.body_contains in parsed.body_text
    assert "?" not in parsed.subject
    files = tuple((a["filename"], a["size"]) for a in parsed.attachments if a["filename"])
    assert files == mail.attachments
    for note in mail.notes_contain:
        assert note in parsed.parse_error


@pytest.mark.parametrize("mail", CASES, ids=[m.name for m in CASES])
def test_generated_real_mail_parses_from_raw(mail: RealMail) -> None:
    _check(mail, parse_raw_message(gmail_raw(mail.raw)))


@pytest.mark.parametrize("mail", CASES, ids=[m.name for m in CASES])
def test_generated_real_mail_agrees_with_the_reference(mail: RealMail) -> None:
    parsed = parse_raw_message(gmail_raw(mail.raw))
    agreed = compare(reference(mail.raw), parsed)
    if mail.reference_agrees:
        assert all(agreed.values()), differences(reference(mail.raw), parsed)
    else:
        assert not all(agreed.values()), "the reference reads it right now: set reference_agrees"


@pytest.mark.parametrize("mail", CASES, ids=[m.name for m in CASES])
def test_generated_real_mail_parses_from_the_emulators_full_payload(mail: RealMail) -> None:
    mime = pytest.importorskip("google_emulator.mime", reason="google_emulator is absent")
    payload = mime.parse_message(mail.raw).payload
    full = parse_full_message({"id": "generated", "payload": payload})
    raw = parse_raw_message(gmail_raw(mail.raw))
    assert full.subject == raw.subject
    assert full.from_address == raw.from_address
    assert words(full.body_text) == words(raw.body_text)
