"""The classifier's public interface: types, result document and version."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

from analysis.classify import Analysis, EmailInput, classifier_version, classify
from analysis.results import AnalysisResult
from analysis.status import Status


def _email(**overrides: object) -> EmailInput:
    values: dict[str, object] = {
        "message_id": "18abc",
        "subject": "Thank you for applying to Globex",
        "sender_name": "Globex Recruiting",
        "sender_address": "no-reply@greenhouse.io",
        "date": dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC),
        "body_text": "Thank you for applying for the Data Engineer position at Globex.",
    }
    values.update(overrides)
    return EmailInput(**values)


def test_status_values_are_the_lower_case_names():
    assert [s.value for s in Status] == [s.name.lower() for s in Status]
    assert len(Status) == 9


def test_result_is_the_record_with_an_aware_date_and_documents_the_documented_keys():
    email = _email()
    result = classify(email).result(email)
    assert result.date == datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
    assert result.sender == "Globex Recruiting <no-reply@greenhouse.io>"
    assert result.message_id == "18abc"
    assert result.status is Status.APPLICATION_CONFIRMATION
    document = result.to_document()
    assert set(document) == {
        "v",
        "subject",
        "sender",
        "date",
        "status",
        "company",
        "position",
        "details",
        "confidence",
        "message_id",
    }
    assert document["date"] == "2025-03-04T09:30:00+00:00"
    assert document["status"] == "application_confirmation"
    assert AnalysisResult.from_document(document) == result


def test_a_naive_date_is_read_as_utc():
    email = _email(date=datetime(2025, 3, 4, 9, 30))
    assert classify(email).result(email).date == datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def test_result_date_is_none_without_a_date():
    email = _email(date=None)
    result = classify(email).result(email)
    assert result.date is None
    assert result.to_document()["date"] is None


def test_is_job_is_false_only_for_not_job_related():
    assert not Analysis(Status.NOT_JOB_RELATED, "", "", "", 0.9).is_job
    assert Analysis(Status.OFFER, "Globex", "", "", 0.9).is_job


def test_classifier_version_names_the_engine():
    assert classifier_version().startswith("rules-")


def test_from_document_reads_a_stored_message():
    sent = dt.datetime(2025, 5, 6, 7, 8, tzinfo=dt.UTC)
    document = {
        "gmail_id": "18c0ffee",
        "subject": "Thank you for applying to Globex",
        "from_name": "Globex Recruiting",
        "from_address": "no-reply@greenhouse.io",
        "to_addresses": ["sam@example.com"],
        # As MongoDB returns dates: naive, in UTC.
        "date_header": sent.replace(tzinfo=None),
        "internal_date": (sent + dt.timedelta(minutes=1)).replace(tzinfo=None),
        "body_text": "We have received your application for the Data Engineer position.",
        "snippet": "We have received your application",
        "list_id": "",
    }
    email = EmailInput.from_document(document)
    assert email == EmailInput(
        message_id="18c0ffee",
        subject="Thank you for applying to Globex",
        sender_name="Globex Recruiting",
        sender_address="no-reply@greenhouse.io",
        date=sent,
        body_text="We have received your application for the Data Engineer position.",
        snippet="We have received your application",
        to=("sam@example.com",),
        list_id="",
    )
    assert classify(email).company == "Globex"


def test_from_document_falls_back_to_the_internal_date():
    received = dt.datetime(2025, 5, 6, 7, 8, tzinfo=dt.UTC)
    document = {"gmail_id": "1", "internal_date": received, "date_header": None}
    assert EmailInput.from_document(document).date == received


def test_from_document_reads_what_the_sync_stored(owner):
    """The projection names real stored fields: a message the ORM wrote reads back."""
    from analysis.engines.base import DOCUMENT_FIELDS
    from mails import store
    from mails.models import Message

    sent = dt.datetime(2025, 5, 6, 7, 8, tzinfo=dt.UTC)
    Message.objects.create(
        user=owner, gmail_id="abc", subject="Your application", from_name="Initech",
        from_address="jobs@initech.example", to_addresses=["owner@example.com"],
        date_header=sent, internal_date=sent, body_text="Thanks for applying.",
        snippet="Thanks", list_id="",
    )  # fmt: skip
    [document] = store.documents(owner.pk, ["abc"], DOCUMENT_FIELDS)
    email = EmailInput.from_document(document)
    assert (email.message_id, email.subject, email.sender, email.date, email.to) == (
        "abc", "Your application", "Initech <jobs@initech.example>", sent,
        ("owner@example.com",),
    )  # fmt: skip


def test_the_service_hands_the_owner_name_to_the_classifier(owner):
    """The owner's Google profile name reaches ``EmailInput`` (the engines must never take it
    for an employer)."""
    from analysis.engines.base import DOCUMENT_FIELDS
    from analysis.service import _account_name
    from mails import store
    from mails.models import Message

    Message.objects.create(
        user=owner,
        gmail_id="n1",
        subject="Hello",
        body_text="Hi",
        internal_date=dt.datetime.now(dt.UTC),
    )
    [document] = store.documents(owner.pk, ["n1"], DOCUMENT_FIELDS)
    email = EmailInput.from_document(document, _account_name(owner.pk))
    assert email.account_name == "Olive Owner"
