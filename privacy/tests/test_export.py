"""Export everything: one zip, mail as a re-importable mbox, tracker as CSV and JSON; private,
the owner's only, gone after a day."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts import google as google_oauth
from accounts.models import User
from mails.models import Message
from mails.tests.mailboxes import Mailbox
from privacy import export as exports
from privacy import storage
from privacy.models import DataExport
from privacy.tasks import build_export, expire_exports
from privacy.tests.conftest import open_zip, reimported, text_body
from tracker.models import ApplicationNote, Correction, JobApplication

pytestmark = pytest.mark.django_db


def built(user: User) -> DataExport:
    export = exports.start(user)
    build_export.apply(args=[str(export.pk)])
    export.refresh_from_db()
    return export


def synced(mailbox: Mailbox) -> Mailbox:
    mailbox.add(subject="Offer letter — Zürich", body="Dear Alex,\nFrom now on you are hired.\n")
    mailbox.add(subject="Report", body="See attached.", attachments=[("r.pdf", b"%PDF-1.4 x")])
    mailbox.sync()
    return mailbox


def test_connected_export_holds_gmails_own_bytes_and_reimports(
    mailbox: Mailbox, tmp_path: Path
) -> None:
    synced(mailbox)
    export = built(mailbox.user)
    stored = Message.objects.for_user(mailbox.user)
    assert export.status == DataExport.Status.READY
    assert (export.done, export.total) == (stored.count(), stored.count())
    with open_zip(export) as archive:
        assert "as Gmail holds it" in archive.read("README.txt").decode()
        (tmp_path / "all.mbox").write_bytes(archive.read("messages.mbox"))
    back = {m["Message-ID"]: m for m in reimported(tmp_path / "all.mbox")}
    assert len(back) == stored.count()
    for message in stored:
        again = back[message.rfc822_message_id]
        assert again["Subject"] == message.subject
    # Bytes as Gmail holds them: every original header survives, attachments included.
    report = back[stored.get(subject="Report").rfc822_message_id]
    assert [part.get_filename() for part in report.iter_attachments()] == ["r.pdf"]
    offer = back[stored.get(subject="Offer letter — Zürich").rfc822_message_id]
    # mboxrd quotes a body line that starts like a separator; mboxo readers keep the ">".
    assert text_body(offer).replace(">From", "From") == "Dear Alex,\nFrom now on you are hired."


def test_without_google_messages_are_rebuilt_and_the_readme_says_so(
    mailbox: Mailbox, tmp_path: Path
) -> None:
    synced(mailbox)
    google_oauth.disconnect(mailbox.user)
    mailbox.user.refresh_from_db()
    export = built(mailbox.user)
    assert not export.raw_from_gmail
    with open_zip(export) as archive:
        assert "REBUILT" in archive.read("README.txt").decode()
        (tmp_path / "rebuilt.mbox").write_bytes(archive.read("messages.mbox"))
    back = {m["Message-ID"]: m for m in reimported(tmp_path / "rebuilt.mbox")}
    stored = list(Message.objects.for_user(mailbox.user))
    assert len(back) == len(stored)
    for message in stored:
        again = back[message.rfc822_message_id]
        assert again["Subject"] == message.subject
        assert again["X-Mailbox-Rebuilt"]
        body = text_body(again).replace(">From", "From")
        assert body.startswith(message.body_text.replace("\r\n", "\n").strip())
    report = back[next(m for m in stored if m.subject == "Report").rfc822_message_id]
    assert "r.pdf" in text_body(report)


def test_past_its_time_budget_the_rest_is_rebuilt_and_counted(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced(mailbox)
    monkeypatch.setattr(exports, "RAW_BUDGET_SECONDS", 0)
    export = built(mailbox.user)
    assert export.raw_from_gmail
    with open_zip(export) as archive:
        readme = archive.read("README.txt").decode()
    assert f"0 messages as Gmail holds them and {export.total} REBUILT" in readme
    assert "ran out of time" in readme


def test_tracker_data_is_in_csv_and_json(owner: User) -> None:
    app = JobApplication.objects.create(
        user=owner, company="=Acme", position="Engineer", status="applied", manual=True
    )
    ApplicationNote.objects.create(user=owner, application=app, text="Call Ana on Monday")
    Correction.objects.create(user=owner, message_id="m1", company="Acme", not_job=False)
    export = built(owner)
    with open_zip(export) as archive:
        names = set(archive.namelist())
        assert {"applications.csv", "applications.json", "timelines.csv", "notes.json"} <= names
        assert json.loads(archive.read("applications.json"))[0]["company"] == "=Acme"
        assert "'=Acme" in archive.read("applications.csv").decode()  # never a formula
        assert json.loads(archive.read("notes.json"))[0]["text"] == "Call Ana on Monday"
        assert json.loads(archive.read("corrections.json"))[0]["message_id"] == "m1"
        assert "Call Ana on Monday" in archive.read("notes.csv").decode()


def test_the_file_is_private_and_its_name_unguessable(owner: User) -> None:
    first, second = built(owner), built(owner)
    path = storage.path_of(first.file_name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert first.file_name != second.file_name
    assert str(owner.pk) not in first.file_name
    assert len(first.file_name) > 40


def test_only_the_owner_downloads(client: Client, owner: User, other_user: User) -> None:
    export = built(owner)
    url = f"/account/export/{export.pk}/download"
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    assert client.get("/account/export/not-an-id/download").status_code == 404
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]


def test_after_a_day_it_is_gone(client: Client, owner: User) -> None:
    export = built(owner)
    path = storage.path_of(export.file_name)
    client.force_login(owner)
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert client.get(f"/account/export/{export.pk}/download").status_code == 404
        assert expire_exports.apply().get() == 1
    assert not path.exists()
    assert not DataExport.objects.filter(pk=export.pk).exists()


def test_starting_needs_a_post_with_csrf_and_shows_progress(owner: User) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post("/account/export").status_code == 403
    assert strict.get("/account/export").status_code == 405
    assert not DataExport.objects.filter(user=owner).exists()
    relaxed = Client()
    relaxed.force_login(owner)
    assert relaxed.post("/account/export").status_code == 302
    export = DataExport.objects.get(user=owner)
    assert export.status == DataExport.Status.QUEUED
    assert relaxed.get("/account/export/status").json()["status"] == "queued"
    page = relaxed.get("/account").content.decode()
    assert 'id="export-progress"' in page
    assert "Queued" in page
    build_export.apply(args=[str(export.pk)])
    page = relaxed.get("/account").content.decode()
    assert 'id="export-download"' in page
