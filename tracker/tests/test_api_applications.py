"""/api/applications: the same filters as the page, JSON errors, bearer tokens, isolation."""

from __future__ import annotations

import pytest

from accounts import api_tokens
from analysis.status import Status
from tracker.models import JobApplication
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db

APPLIED = Status.APPLICATION_CONFIRMATION
INTERVIEW = Status.INTERVIEW_INVITATION


@pytest.fixture
def seeded(owner, other_user):
    store(
        owner,
        result("a1", APPLIED, "Acme Inc.", "Engineer", day=0),
        result(
            "a2", Status.INTERVIEW_INVITATION, "Acme", "Engineer", day=3, details="Friday 10:00"
        ),
        result("g1", APPLIED, "Globex", "Analyst", day=1),
        result("h1", Status.REJECTION, "Hooli", "Designer", day=2),
    )
    store(other_user, result("x1", APPLIED, "Initech", "Engineer"))
    return owner


@pytest.fixture
def api(client, seeded):
    client.force_login(seeded)
    return client


def test_the_list_is_the_caller_s_applications_newest_first(api) -> None:
    body = api.get("/api/applications").json()
    assert [a["company"] for a in body["results"]] == ["Acme Inc.", "Hooli", "Globex"]
    assert (body["count"], body["page"], body["num_pages"], body["has_next"]) == (3, 1, 1, False)
    acme = body["results"][0]
    assert acme["status"] == "interview_invitation"
    assert acme["status_label"] == "Interview"
    assert acme["email_count"] == 2
    assert acme["applied_at"] == "2026-03-02T09:00:00+00:00"
    assert acme["url"] == f"/applications/{acme['id']}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=rejection", ["Hooli"]),
        ("company=ACME", ["Acme Inc."]),
        ("q=ANALYST", ["Globex"]),
        ("sort=company", ["Acme Inc.", "Globex", "Hooli"]),
        ("sort=-emails", ["Acme Inc.", "Hooli", "Globex"]),
    ],
)
def test_filters_and_sorting(api, query, expected) -> None:
    body = api.get(f"/api/applications?{query}").json()
    assert [a["company"] for a in body["results"]] == expected


def test_pages(api) -> None:
    first = api.get("/api/applications?sort=company&page_size=2").json()
    assert [a["company"] for a in first["results"]] == ["Acme Inc.", "Globex"]
    assert (first["num_pages"], first["has_next"]) == (2, True)
    second = api.get("/api/applications?sort=company&page_size=2&page=2").json()
    assert [a["company"] for a in second["results"]] == ["Hooli"]
    beyond = api.get("/api/applications?page_size=2&page=5").json()
    assert (beyond["results"], beyond["has_next"]) == ([], False)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=hired", "status"),
        ("sort=__class__", "sort"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("page_size=101", "page_size"),
        ("page_size=-1", "page_size"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_parameters_are_a_json_400(api, query, field) -> None:
    response = api.get(f"/api/applications?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_parameter"
    assert error["message"].startswith(f"{field}: ")


def test_one_application_has_its_timeline(api, seeded) -> None:
    acme = JobApplication.objects.get(user=seeded, company_key="acme")
    body = api.get(f"/api/applications/{acme.pk}").json()
    assert body["id"] == str(acme.pk)
    timeline = body["timeline"]
    assert [e["message_id"] for e in timeline] == ["a1", "a2"]
    assert timeline[1]["details"] == "Friday 10:00"
    assert timeline[1]["confidence"] == 0.9
    assert timeline[1]["mail_url"] == "/mails/a2"
    assert timeline[0]["date"] == "2026-03-02T09:00:00+00:00"


@pytest.mark.parametrize("bad_id", ["nope", "0" * 24])
def test_unknown_ids_are_a_json_404(api, bad_id) -> None:
    response = api.get(f"/api/applications/{bad_id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_user_s_application_is_a_404(api, other_user) -> None:
    theirs = JobApplication.objects.get(user=other_user)
    response = api.get(f"/api/applications/{theirs.pk}")
    assert response.status_code == 404
    assert "Initech" not in response.content.decode()


def test_without_credentials_it_is_a_json_401(client, seeded) -> None:
    response = client.get("/api/applications")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_bearer_token_works_like_for_the_mail_api(client, seeded, other_user) -> None:
    token = api_tokens.create(seeded, name="script", days=1).access_token
    response = client.get("/api/applications", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3
    bad = client.get("/api/applications", HTTP_AUTHORIZATION="Bearer mbx_at_nope")
    assert bad.status_code == 401


def test_only_get_is_allowed(api) -> None:
    response = api.post("/api/applications")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
