"""Staff list registered OAuth clients in the admin and delete one through the token store."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from accounts.tokens.factory import get_token_store
from oauth_server.tests.flow import HOST, grant, register

pytestmark = pytest.mark.django_db

LIST = "/admin/oauth_server/registeredclient/"


@pytest.fixture
def admin_browser(staff: User) -> Client:
    browser = Client(HTTP_HOST=HOST)
    browser.force_login(staff)
    return browser


def test_registered_clients_are_listed(admin_browser: Client) -> None:
    registered = register(Client(HTTP_HOST=HOST), client_name="Listed Assistant")
    page = admin_browser.get(LIST)
    assert page.status_code == 200
    assert "Listed Assistant" in page.content.decode()
    assert registered["client_id"] in page.content.decode()


def test_deleting_a_client_in_the_admin_ends_its_tokens(admin_browser: Client, owner: User) -> None:
    person = Client(HTTP_HOST=HOST)
    person.force_login(owner)
    client_id, token = grant(person)
    assert (
        person.get("/api/mails", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}").status_code
        == 200
    )
    form = {"action": "delete_selected", "_selected_action": [], "post": "yes"}
    page = admin_browser.get(LIST)
    ids = [
        line.split('value="', 1)[1].split('"', 1)[0]
        for line in page.content.decode().splitlines()
        if 'name="_selected_action"' in line
    ]
    assert len(ids) == 1
    form["_selected_action"] = ids
    assert admin_browser.post(LIST, form).status_code == 302
    assert get_token_store().load_client(client_id) is None
    assert (
        person.get("/api/mails", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}").status_code
        == 401
    )


def test_people_without_staff_rights_see_no_clients(client: Client, owner: User) -> None:
    client.force_login(owner)
    assert client.get(LIST).status_code == 302
