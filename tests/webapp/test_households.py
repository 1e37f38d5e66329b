# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
"""Household list filters, detail page, map and import form."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest

from tests.webapp.web_support import app, client  # noqa: F401


def _ids(page: str) -> list[str]:
    return re.findall(r'href="/households/(H\d)"', page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["H1", "H2", "H3", "H4"]),
        ("?vacancy=yes", ["H1", "H2", "H3", "H4"]),  # H4 has a free place but is on hold
        ("?vacancy=no", []),
        ("?provider=agency", ["H3"]),
        ("?age=3", ["H1", "H3", "H4"]),  # H2 is approved for 5-17
        ("?district=ls6", ["H1"]),
    ],
)
def test_filters(client, query, expected) -> None:
    response = client.get(f"/households/{query}")
    assert response.status_code == 200
    assert _ids(response.data.decode()) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?vacancy=maybe", "Select whether the household has a vacancy"),
        ("?age=18", "Age must be a whole number from 0 to 17"),
        ("?age=two", "Age must be a whole number from 0 to 17"),
        ("?district=LS6%202AB", "Enter a postcode district, like N17"),
        ("?provider=council", "Select a provider from the list"),
    ],
)
def test_bad_filters_are_400_with_the_message(client, query, message) -> None:
    response = client.get(f"/households/{query}")
    assert response.status_code == 400
    page = response.data.decode()
    assert "There is a problem" in page
    assert message in page


def test_map_view_numbers_households_as_the_table(client) -> None:
    page = client.get("/households/?view=map").data.decode()
    assert 'role="img"' in page
    assert "<title>1: H1 Household One</title>" in page
    assert ">LS6<" in page  # Leeds district outline label


def test_detail_page(client) -> None:
    page = client.get("/households/H1").data.decode()
    assert "H1 – Household One" in page
    assert "1 vacancy" in page
    assert "L1" in page and "L2" in page
    assert "LS6 2AB" not in page  # only the district is shown


def test_import_form_errors(client) -> None:
    response = client.post("/households/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.data.decode()
    assert "Select what the file contains" in page
    assert "Select a file to import" in page


def test_import_rejects_other_file_types(client) -> None:
    data = {"table": "households", "file": (io.BytesIO(b"x"), "carers.pdf")}
    response = client.post("/households/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "The file must be a CSV or Excel (.xlsx) file" in response.data.decode()


HEADER = (
    "household_id,name,provider,agency_name,postcode,approved_places,approved_age_min,"
    "approved_age_max,approved_kinds\n"
)


def _upload(client, body: str, **fields):
    data = {"table": "households", "file": (io.BytesIO(body.encode()), "carers.csv"), **fields}
    return client.post("/households/import", data=data, content_type="multipart/form-data")


def test_import_with_a_bad_row_lists_it_and_writes_nothing(client) -> None:
    body = HEADER + "H9,Household Nine,in-house,,LS6 2AB,2,0,17,short-term\n"
    body += "H10,Household Ten,in-house,,AB1,2,0,17,short-term\n"
    response = _upload(client, body)
    assert response.status_code == 400
    page = response.data.decode()
    assert "Problems in the file" in page
    assert '<td class="govuk-table__cell">2</td><td class="govuk-table__cell">postcode</td>' in page
    assert "H9" not in _ids(client.get("/households/").data.decode())


def test_dry_run_then_import(client) -> None:
    body = HEADER + "H9,Household Nine,in-house,,LS6 2AB,2,0,17,short-term\n"
    checked = _upload(client, body, dry_run="yes")
    assert checked.status_code == 302
    page = client.get("/households/import").data.decode()
    assert "carers.csv checked (nothing saved): 1 rows read, 1 new, 0 updated, 0 unchanged." in page
    assert "H9" not in _ids(client.get("/households/").data.decode())
    assert "Your name" not in page  # the signed-in user imports
    assert _upload(client, body).status_code == 302
    assert "H9" in _ids(client.get("/households/").data.decode())
    from webapp.sources import open_store

    log = open_store(client.application).list_imports()
    assert [entry.imported_by for entry in log] == ["Test administrator"]


@pytest.mark.parametrize(
    ("query", "ids", "numbers"),
    [
        ("", ["H1", "H2"], ["1", "2"]),
        ("?page=2", ["H3", "H4"], ["3", "4"]),
        ("?page=99", ["H3", "H4"], ["3", "4"]),  # past the end: the last page
        ("?page=abc", ["H1", "H2"], ["1", "2"]),
        ("?page=2&provider=in-house", ["H4"], ["3"]),  # H1, H2 on page 1
    ],
)
def test_the_list_comes_in_pages(client, monkeypatch, query, ids, numbers) -> None:
    monkeypatch.setattr("webapp.households.PAGE_SIZE", 2)
    page = client.get("/households/" + query).data.decode()
    table = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert _ids(table) == ids
    assert re.findall(r'<td class="govuk-table__cell">(\d+)</td>', table) == numbers
    assert '<nav class="govuk-pagination" aria-label="Pages of households">' in page
    assert 'aria-current="page"' in page


def test_pages_keep_the_filters_and_a_short_list_has_no_pages(client, monkeypatch) -> None:
    assert "govuk-pagination" not in client.get("/households/").data.decode()  # 4 < 50
    monkeypatch.setattr("webapp.households.PAGE_SIZE", 1)
    page = client.get("/households/?provider=in-house&page=2").data.decode()
    assert "3 households registered on the planning date: 2 to 2 shown." in page
    assert 'href="/households/?page=3&amp;provider=in-house" rel="next"' in page
    assert 'href="/households/?page=1&amp;provider=in-house" rel="prev"' in page


@pytest.mark.parametrize(("role", "shown"), [("administrator", True), ("placements-officer", False),
                                             ("fostering-manager", False)])  # fmt: skip
def test_import_link_only_for_roles_that_may_import(client_as, role, shown) -> None:
    page = client_as(role).get("/households/").data.decode()
    assert ("Import households or children" in page) is shown


def test_household_labels_do_not_repeat_the_id() -> None:
    from tests.webapp.web_support import households
    from webapp.households import household_label

    one = households()[0]
    assert household_label(one) == "H1 – Household One"
    assert household_label(dataclasses.replace(one, name="Agency household H1 (LS6)")) == (
        "Agency household H1 (LS6)"
    )
    assert household_label(dataclasses.replace(one, name="")) == "H1"


def test_decisions_on_a_household_link_to_referrals_only_for_casework_roles(client_as) -> None:
    officer = client_as("placements-officer")
    decided = officer.post("/api/referrals/R1/decision", json={"household_id": "H1"})
    assert decided.status_code == 201
    linked = '<a class="govuk-link" href="/referrals/R1">Referral R1</a>'
    assert linked in officer.get("/households/H1").data.decode()
    page = client_as("fostering-manager").get("/households/H1").data.decode()
    assert linked not in page and "Referral R1: C1 placed on" in page
    assert "by Test placements officer" in page
