"""Everything under /api/ answers JSON — wrong methods, CSRF refusals, no sign-in, unknown
paths, server errors — and pages outside /api/ keep Django's HTML."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import path

from accounts.models import User
from mailbox_project import urls as project_urls
from mails.models import Message
from mails.search.testing import Spec, insert

pytestmark = pytest.mark.django_db


def error_of(response) -> dict[str, str]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    error: dict[str, str] = response.json()["error"]
    return error


def test_signed_out_api_calls_are_a_json_401(client: Client) -> None:
    for url in ("/api/mails", "/api/mails/abc", "/api/applications"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert error_of(response)["code"] == "unauthenticated"


def test_wrong_methods_are_a_json_405_with_allow(client: Client, owner: User) -> None:
    client.force_login(owner)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/mails")
        assert response.status_code == 405, method
        assert error_of(response)["code"] == "method_not_allowed"
        assert "GET" in response["Allow"]


def test_a_cookie_authenticated_write_without_csrf_is_a_json_403(owner: User) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    response = strict.post("/api/mails", {"q": "x"})
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "csrf_failed"
    assert "CSRF" in error["message"]


def test_unknown_api_paths_are_a_json_404(client: Client, owner: User) -> None:
    client.force_login(owner)
    for url in ("/api/", "/api/nothing-here", "/api/mails/a/b/c"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert error_of(response)["code"] == "not_found"


def test_a_message_of_someone_else_is_a_json_404(
    client: Client, owner: User, other_user: User
) -> None:
    insert(
        other_user.pk, [Spec("Private", "Pat", "pat@example.com", datetime(2024, 1, 1, tzinfo=UTC))]
    )
    client.force_login(owner)
    theirs = Message.objects.for_user(other_user).get().gmail_id
    response = client.get(f"/api/mails/{theirs}")
    assert response.status_code == 404
    assert "Private" not in response.content.decode()
    assert error_of(response)


def boom(request):  # a view that fails, mounted under /api/ for this test only
    raise RuntimeError("boom")


def test_a_server_error_under_api_is_a_json_500(settings, owner: User) -> None:
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    response = client.get("/api/boom")
    assert response.status_code == 500
    assert error_of(response)["code"] == "server_error"
    assert "boom" not in response.content.decode()


def test_pages_outside_the_api_keep_html(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    refused = strict.post("/account/disconnect")
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("text/html")


urlpatterns = [path("api/boom", boom), *project_urls.urlpatterns]
