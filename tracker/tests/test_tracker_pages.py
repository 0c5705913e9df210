"""The tracker's pages: the list with filters, sorting and pages; one application; corrections."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from analysis.status import Status
from tracker.models import Correction, JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db

APPLIED = Status.APPLICATION_CONFIRMATION
INTERVIEW = Status.INTERVIEW_INVITATION


@pytest.fixture
def seeded(owner, other_user):
    store(
        owner,
        result("a1", APPLIED, "Acme Inc.", "Backend Engineer", day=0),
        result("a2", INTERVIEW, "Acme", "Backend Engineer", day=4, details="Call on Friday"),
        result("g1", APPLIED, "Globex", "Data Analyst", day=1),
        result("g2", Status.REJECTION, "Globex", "Data Analyst", day=9),
        result("s1", APPLIED, "Société Générale", "Quant", day=2),
    )
    store(other_user, result("o1", APPLIED, "Initech", "Secret Role", day=3))
    return owner


@pytest.fixture
def signed_in(client, seeded):
    client.force_login(seeded)
    return client


def app(user, company_key):
    return JobApplication.objects.get(user=user, company_key=company_key)


def companies_in(response):
    """The company cells of the list, in order."""
    html = response.content.decode()
    return re.findall(r'<td class="company"><a href="[^"]+">([^<]+)</a>', html)


def test_the_list_needs_a_signed_in_user(client) -> None:
    response = client.get("/applications")
    assert response.status_code == 302
    assert "/sign_in" in response["Location"]


def test_the_list_shows_only_the_user_s_applications(signed_in) -> None:
    response = signed_in.get("/applications")
    assert response.status_code == 200
    assert companies_in(response) == ["Globex", "Acme Inc.", "Société Générale"]
    page = response.content.decode()
    assert "Initech" not in page
    assert 'class="badge status-rejection">Rejected<' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=interview_invitation", ["Acme Inc."]),
        ("?company=ACME", ["Acme Inc."]),
        ("?company=Globex+Ltd", ["Globex"]),
        ("?q=analyst", ["Globex"]),
        ("?q=societe", ["Société Générale"]),
        ("?q=Initech", []),
        ("?sort=company", ["Acme Inc.", "Globex", "Société Générale"]),
        ("?sort=-company", ["Société Générale", "Globex", "Acme Inc."]),
        ("?sort=emails&q=e", ["Société Générale", "Acme Inc.", "Globex"]),
        ("?sort=applied", ["Acme Inc.", "Globex", "Société Générale"]),
    ],
)
def test_filters_and_sorting(signed_in, query, expected) -> None:
    response = signed_in.get(f"/applications{query}")
    assert response.status_code == 200
    assert companies_in(response) == expected


def test_sort_links_keep_the_filters_and_flip_the_current_column(signed_in) -> None:
    page = signed_in.get("/applications?status=application_confirmation&sort=company")
    html = page.content.decode()
    assert 'aria-sort="ascending"' in html
    assert "?status=application_confirmation&amp;sort=-company" in html
    assert "?status=application_confirmation&amp;sort=position" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?status=bogus", "Select a valid choice"),
        ("?sort=password", "Select a valid choice"),
        ("?page=0", "greater than or equal to 1"),
        ("?page=two", "Enter a whole number"),
    ],
)
def test_bad_parameters_are_a_400_with_the_reason(signed_in, query, message) -> None:
    response = signed_in.get(f"/applications{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_list_pages_25_at_a_time(client, owner) -> None:
    store(owner, *(result(f"m{i}", APPLIED, f"Company {i:02d}", "Engineer") for i in range(27)))
    client.force_login(owner)
    first = client.get("/applications?sort=company")
    assert len(companies_in(first)) == 25
    assert "Page 1 of 2 · 27 applications" in first.content.decode()
    second = client.get("/applications?sort=company&page=2")
    assert companies_in(second) == ["Company 25", "Company 26"]
    # Past the end shows the last page rather than an error.
    assert companies_in(client.get("/applications?sort=company&page=9")) == companies_in(second)


def test_an_application_page_shows_its_timeline_linking_to_each_email(signed_in, seeded) -> None:
    acme = app(seeded, "acme")
    response = signed_in.get(f"/applications/{acme.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('href="/mails/a1"') < html.index('href="/mails/a2"')
    assert "Call on Friday" in html
    assert "90% confident" in html
    assert "Globex" not in html.split('id="merge-application"')[0]


@pytest.mark.parametrize("bad_id", ["not-an-id", "0" * 24, "64b7f0c2e4b0a1a2b3c4d5e6"])
def test_unknown_and_malformed_ids_are_404(signed_in, bad_id) -> None:
    assert signed_in.get(f"/applications/{bad_id}").status_code == 404


def test_another_user_s_application_is_a_404_for_every_page_and_action(
    signed_in, other_user
) -> None:
    theirs = app(other_user, "initech")
    base = f"/applications/{theirs.pk}"
    assert signed_in.get(base).status_code == 404
    for action in ("/correct", "/merge", "/emails/o1/correct", "/emails/o1/not-job"):
        assert signed_in.post(base + action, {"app-company": "X"}).status_code == 404
    assert app(other_user, "initech").email_count == 1
    assert not Correction.objects.exists()


def test_an_email_of_another_application_is_a_404(signed_in, seeded) -> None:
    acme = app(seeded, "acme")
    response = signed_in.post(f"/applications/{acme.pk}/emails/g1/not-job")
    assert response.status_code == 404


def test_correcting_an_application_redirects_and_keeps_the_change(signed_in, seeded) -> None:
    acme = app(seeded, "acme")
    response = signed_in.post(
        f"/applications/{acme.pk}/correct",
        {"app-status": Status.OFFER, "app-company": "Acme Robotics", "app-position": "SRE"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{acme.pk}"
    acme.refresh_from_db()
    assert (acme.company, acme.position, acme.status) == ("Acme Robotics", "SRE", Status.OFFER)
    page = signed_in.get(response["Location"]).content.decode()
    assert "Application updated." in page
    assert "set by you" in page


def test_application_form_errors_are_shown_inline(signed_in, seeded) -> None:
    acme = app(seeded, "acme")
    response = signed_in.post(
        f"/applications/{acme.pk}/correct", {"app-status": "hired", "app-company": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "This field is required" in html
    conflict = signed_in.post(
        f"/applications/{acme.pk}/correct",
        {"app-status": "", "app-company": "Globex", "app-position": "Data Analyst"},
    )
    assert conflict.status_code == 400
    assert "merge the two applications instead" in conflict.content.decode()


def test_correcting_an_email_s_company_follows_it_to_its_new_application(signed_in, seeded) -> None:
    acme = app(seeded, "acme")
    response = signed_in.post(
        f"/applications/{acme.pk}/emails/a2/correct",
        {"email-a2-company": "Globex", "email-a2-position": "Data Analyst"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{app(seeded, 'globex').pk}"
    assert app(seeded, "globex").email_count == 3


def test_an_empty_email_correction_is_refused_inline(signed_in, seeded) -> None:
    acme = app(seeded, "acme")
    response = signed_in.post(f"/applications/{acme.pk}/emails/a2/correct", {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Change the status, the company or the position." in html
    assert re.search(r'<details class="correct" open>', html)


def test_not_a_job_email_and_undo(signed_in, seeded) -> None:
    acme = app(seeded, "acme")
    signed_in.post(f"/applications/{acme.pk}/emails/a2/correct", {"email-a2-status": "offer"})
    assert app(seeded, "acme").status == Status.OFFER
    reset = signed_in.post(f"/applications/{acme.pk}/emails/a2/reset")
    assert reset.status_code == 302
    assert app(seeded, "acme").status == INTERVIEW

    signed_in.post(f"/applications/{acme.pk}/emails/a2/not-job")
    last = signed_in.post(f"/applications/{acme.pk}/emails/a1/not-job")
    assert last["Location"] == "/applications"
    assert not JobApplication.objects.filter(pk=acme.pk).exists()


def test_merge_takes_only_the_user_s_own_applications(signed_in, seeded, other_user) -> None:
    acme, globex = app(seeded, "acme"), app(seeded, "globex")
    theirs = app(other_user, "initech")
    for bad in (str(theirs.pk), str(acme.pk), "nope", ""):
        refused = signed_in.post(f"/applications/{acme.pk}/merge", {"merge-other": bad})
        assert refused.status_code == 400
        html = refused.content.decode()
        assert "Choose one of your other applications." in html or "This field is required" in html
    assert JobApplication.objects.filter(pk=theirs.pk).exists()

    merged = signed_in.post(f"/applications/{acme.pk}/merge", {"merge-other": str(globex.pk)})
    assert merged.status_code == 302
    assert app(seeded, "acme").email_count == 4
    assert not JobApplication.objects.filter(pk=globex.pk).exists()


def test_corrections_need_the_csrf_token(seeded) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(seeded)
    acme = app(seeded, "acme")
    response = client.post(f"/applications/{acme.pk}/emails/a2/not-job")
    assert response.status_code == 403
    assert app(seeded, "acme").email_count == 2


def test_email_text_is_escaped(client, owner) -> None:
    store(owner, result("x1", APPLIED, "<script>alert(1)</script>", "<b>Boss</b>"))
    client.force_login(owner)
    listing = client.get("/applications").content.decode()
    assert "<script>alert(1)</script>" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    detail = client.get(f"/applications/{JobApplication.objects.get(user=owner).pk}")
    assert "<b>Boss</b>" not in detail.content.decode()


def test_empty_lists_say_why(client, signed_in, other_user) -> None:
    filtered = signed_in.get("/applications?q=nothing-like-this").content.decode()
    assert "No application matches these filters." in filtered
    client.force_login(other_user)
    store(other_user, result("o1", Status.NOT_JOB_RELATED, "Nobody", ""))
    JobApplication.objects.filter(user=other_user).delete()
    assert "No job applications yet." in client.get("/applications").content.decode()


def test_the_merge_choices_put_the_same_company_first_and_can_be_searched(client, owner) -> None:
    store(
        owner,
        result("a1", APPLIED, "Acme", "Engineer"),
        result("a2", APPLIED, "Acme", "Platform Engineer"),
        *(result(f"x{i}", APPLIED, f"Other {i:02d}", "Analyst", day=i) for i in range(45)),
    )
    client.force_login(owner)
    acme = JobApplication.objects.get(user=owner, position_key="engineer")
    html = client.get(f"/applications/{acme.pk}").content.decode()
    select = html.split('name="merge-other"', 1)[1].split("</select>", 1)[0]
    assert select.index('<optgroup label="Same company">') < select.index("Acme — Platform")
    assert select.count("<option") == 1 + 1 + 40  # the prompt, the same company, 40 recent
    assert "Other 44 — Analyst" in select
    assert "Other 00 — Analyst" not in select

    found = client.get(f"/applications/{acme.pk}?merge_q=other+00").content.decode()
    select = found.split('name="merge-other"', 1)[1].split("</select>", 1)[0]
    assert "Matching “other 00”" in select
    assert "Other 00 — Analyst" in select
    assert "Other 44" not in select
    # Any of the user's applications can be merged, offered in the select or not.
    old = JobApplication.objects.get(user=owner, company="Other 00")
    merged = client.post(f"/applications/{acme.pk}/merge", {"merge-other": str(old.pk)})
    assert merged.status_code == 302
    assert not JobApplication.objects.filter(pk=old.pk).exists()


@pytest.mark.parametrize("text", ["(", "[a-", "*", ".*", "\\", "$where", "{", "C++"])
def test_search_text_is_literal_never_a_pattern(signed_in, text) -> None:
    response = signed_in.get("/applications", {"q": text})
    assert response.status_code == 200
    assert companies_in(response) == []


def test_a_correction_during_a_long_rebuild_asks_to_try_again(
    signed_in, seeded, monkeypatch
) -> None:
    from tracker import corrections, grouping

    monkeypatch.setattr(corrections, "INTERACTIVE_WAIT", 0.2)
    acme = app(seeded, "acme")
    with grouping.user_lock(seeded.pk):  # what a rebuild or an analysis batch holds
        response = signed_in.post(f"/applications/{acme.pk}/emails/a2/not-job")
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{acme.pk}"
    page = signed_in.get(response["Location"]).content.decode()
    assert "Your applications are being updated. Try again shortly." in page
    assert app(seeded, "acme").email_count == 2


def test_the_unknown_company_can_be_chosen_in_the_company_filter(client, owner) -> None:
    store(owner, result("u1", APPLIED, "", "Engineer"), result("a1", APPLIED, "Acme", "Engineer"))
    client.force_login(owner)
    page = client.get("/applications").content.decode()
    assert '<option value="(company unknown)">(company unknown)</option>' in page
    response = client.get("/applications", {"company": "(company unknown)"})
    assert companies_in(response) == ["(company unknown)"]
