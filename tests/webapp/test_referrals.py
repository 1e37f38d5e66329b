# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
"""Referral pages: create and edit with siblings, every validation message, shortlist, decision."""

from __future__ import annotations

import re

import pytest

from tests.webapp.web_support import app, client  # noqa: F401

VALID = {
    "child_count": "1",
    "action": "save",
    "placement_kind": "short-term",
    "start_date-day": "1",
    "start_date-month": "12",
    "start_date-year": "2026",
    "received_on-day": "23",
    "received_on-month": "11",
    "received_on-year": "2026",
    "home_postcode": "ls7 3aa",
    "children[0].child_id": "C9",
    "children[0].sex": "male",
    "children[0].date_of_birth-day": "4",
    "children[0].date_of_birth-month": "5",
    "children[0].date_of_birth-year": "2014",
}


def _summary(page: str) -> list[str]:
    """The error summary's messages, in order."""
    block = page.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", item).strip().replace("&#39;", "'")
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def test_list_shows_open_referrals(client) -> None:
    page = client.get("/referrals/").data.decode()
    assert "R1" in page and "R2" in page
    assert "C2, C3 (sibling group of 2)" in page


def test_create_referral_numbers_it_and_shows_the_shortlist(client) -> None:
    response = client.post("/referrals/new", data=VALID)
    assert response.status_code == 302
    assert response.headers["Location"] == "/referrals/R-2026-001"
    page = client.get("/referrals/R-2026-001").data.decode()
    assert "Referral R-2026-001 created." in page
    assert "Ranked households" in page
    assert "LS7 3AA" not in page  # the full home postcode is never shown


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({"placement_kind": ""}, ["Select the kind of placement"]),
        (
            {"placement_kind": "holiday"},
            [
                "Select the kind of placement from the list (expected one of: "
                "emergency, short-term, long-term, respite, parent-and-child)"
            ],
        ),
        (
            {"start_date-day": "", "start_date-month": "", "start_date-year": ""},
            ["Enter the placement start date"],
        ),
        (
            {"start_date-day": "31", "start_date-month": "2"},
            ["The placement start date must be a real date (expected for example, 27 3 2027)"],
        ),
        ({"home_postcode": ""}, ["Enter the child's home postcode"]),
        (
            {"home_postcode": "LS7"},
            [
                "Enter the child's home postcode in the right format "
                "(expected a full UK postcode, like SW1A 2AA)"
            ],
        ),
        (
            {"home_postcode": "ZZ9 9ZZ"},
            [
                "The child's home postcode was not found in the postcode directory "
                "(expected a current UK postcode)"
            ],
        ),
        ({"children[0].child_id": ""}, ["Enter an ID for child 1"]),
        (
            {"children[0].child_id": "Jane Smith"},
            [
                "Child 1's ID must be letters, digits, dots, dashes or "
                "underscores (expected up to 64 characters, like C-1042)"
            ],
        ),
        ({"children[0].sex": ""}, ["Select child 1's sex"]),
        (
            {"children[0].date_of_birth-year": "2027"},
            ["Child 1's date of birth must be on or before the start date"],
        ),
        ({"children[0].date_of_birth-year": "2005"}, ["Child 1 is 18 or over on the start date"]),
        (
            {"children[0].school_urn": "abc"},
            ["Child 1's school URN must be a number (expected 6 digits, like 100001)"],
        ),
        (
            {"allowed_splits": "C9"},
            [
                "Allowed split 1 must share out every child in the referral exactly once, "
                "in two or more parts (expected like C1, C2 | C3)"
            ],
        ),
    ],
)
def test_bad_referral_input(client, changes, messages) -> None:
    response = client.post("/referrals/new", data={**VALID, **changes})
    assert response.status_code == 400
    assert _summary(response.data.decode()) == messages


def test_needs_in_both_lists_are_refused(client) -> None:
    data = {
        **VALID,
        "children[0].essential_needs": "trauma",
        "children[0].desirable_needs": "trauma",
    }
    response = client.post("/referrals/new", data=data)
    assert _summary(response.data.decode()) == [
        "Child 1's desirable needs repeat essential needs: trauma "
        "(expected each need in one list only)"
    ]


def test_sibling_group_add_child_then_save(client) -> None:
    added = client.post("/referrals/new", data={**VALID, "action": "add-child"})
    assert added.status_code == 200
    assert "Child 2 of 2 (sibling group)" in added.data.decode()
    second = {
        "children[1].child_id": "C10",
        "children[1].sex": "female",
        "children[1].date_of_birth-day": "1",
        "children[1].date_of_birth-month": "2",
        "children[1].date_of_birth-year": "2016",
        "child_count": "2",
        "allowed_splits": "C9 | C10",
    }
    response = client.post("/referrals/new", data={**VALID, **second})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "a sibling group" in page and "C9 | C10" in page


def test_repeated_child_ids_are_refused(client) -> None:
    second = {
        "children[1].child_id": "C9",
        "children[1].sex": "female",
        "child_count": "2",
        "children[1].date_of_birth-day": "1",
        "children[1].date_of_birth-month": "2",
        "children[1].date_of_birth-year": "2016",
    }
    response = client.post("/referrals/new", data={**VALID, **second})
    assert _summary(response.data.decode()) == ["Child ID C9 is used for more than one child"]


def test_edit_referral(client) -> None:
    form = client.get("/referrals/R1/edit").data.decode()
    assert 'value="C1"' in form
    data = {
        **VALID,
        "children[0].child_id": "C1",
        "home_postcode": "LS7 3AA",
        "notes": "Needs a quiet home",
    }
    response = client.post("/referrals/R1/edit", data=data)
    assert response.status_code == 302
    assert "Needs a quiet home" in client.get("/referrals/R1").data.decode()


def test_shortlist_with_reasons_and_not_suitable(client) -> None:
    page = client.get("/referrals/R1").data.decode()
    # C1 needs trauma skills: only H1 has them; H4 is on hold.
    assert re.findall(
        r'<td class="govuk-table__cell">(\d)</td>\s*<td class="govuk-table__cell">'
        r'<a class="govuk-link" '
        r'href="/households/(H\d)"',
        page,
    ) == [("1", "H1")]
    assert "miles from home inside the council&#39;s area" in page
    assert "Not suitable (3 households) and why" in page
    assert "<title>1: H1 Household One</title>" in page  # shortlist map
    assert "20 miles from home" in page  # the distance circle's label
    # Households are named (not only numbered) in the table, the not-suitable list and the form.
    assert '<a class="govuk-link" href="/households/H1">H1 – Household One</a>' in page
    assert '<a class="govuk-link" href="/households/H3">H3 – Household Three</a>' in page
    assert "Rank 1: H1 – Household One, " in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"household_id": "H9"}, "household H9 is not among the 4 households"),
        ({"household_id": ""}, "household  is not among the 4 households"),
    ],
)
def test_bad_decision_is_shown_on_the_page(client, form, message) -> None:
    response = client.post("/referrals/R1/decision", data=form)
    assert response.status_code == 400
    assert message in response.data.decode()


def test_the_decision_form_does_not_ask_a_signed_in_user_their_name(client_as) -> None:
    page = client_as("placements-officer").get("/referrals/R1").data.decode()
    assert 'name="decided_by"' not in page and "Your name" not in page
    assert "The decision is recorded as made by <strong>Test placements officer</strong>." in page


def test_record_decision_places_the_child(client) -> None:
    # A name typed into an old form is ignored: the signed-in user made the decision.
    response = client.post(
        "/referrals/R1/decision", data={"household_id": "H1", "decided_by": "Officer A"}
    )
    assert response.status_code == 302
    page = client.get("/referrals/R1").data.decode()
    assert "Decision recorded: referral R1 placed with household H1." in page
    assert "C1 placed with" in page and "by Test administrator" in page
    assert "Officer A" not in page
    assert ">Placed</strong>" in page
    assert client.get("/referrals/R1/edit").status_code == 409


def test_joint_allocation_runs_as_a_job(client) -> None:
    started = client.post("/referrals/allocate")
    assert started.status_code == 302
    job_page = client.get(started.headers["Location"])  # JOB_WORKERS=0: already finished
    assert job_page.status_code == 302
    result = client.get(job_page.headers["Location"]).data.decode()
    assert "Joint allocation against first come, first served" in result
    assert "What each referral gets, gained or gave up" in result
    assert ": the best possible allocation (proven)." in result
    assert "R1: placed" not in result and "R1: not placed" not in result  # the row says R1
    assert "R1" in result and "R2" in result
