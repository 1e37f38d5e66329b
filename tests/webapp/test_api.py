# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
"""JSON API: every action, the one error shape, and an OpenAPI document covering every route."""

from __future__ import annotations

import pytest

from tests.webapp.web_support import app, client  # noqa: F401

REFERRAL = {
    "placement_kind": "short-term",
    "start_date": "2026-12-01",
    "received_on": "2026-11-23",
    "home_postcode": "LS7 3AA",
    "children": [{"child_id": "C9", "date_of_birth": "2014-05-04", "sex": "male"}],
}


def test_openapi_documents_every_api_route(app, client) -> None:
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.rule != "/api/":
            path = rule.rule.replace("<", "{").replace(">", "}")
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - documented == set()
    assert documented - routes == set()


def test_docs_page(client) -> None:
    page = client.get("/api/").data.decode()
    assert 'curl -H "Authorization: Bearer pp_…" http://localhost/api/dashboard' in page
    assert "POST /api/referrals/{referral_id}/decision" in page


def test_dashboard(client) -> None:
    indicators = client.get("/api/dashboard").json["indicators"]
    assert indicators["children_in_care"] == 5
    assert indicators["total_vacancies"] == 4
    assert indicators["vacancies"] == {"in-house": 3, "agency": 1, "connected": 0}


def test_households_and_filters(client) -> None:
    found = client.get("/api/households?provider=agency").json["households"]
    assert [h["household_id"] for h in found] == ["H3"]
    assert found[0]["postcode_district"] == "BD1"
    assert "postcode" not in found[0]
    assert client.get("/api/households/H1").json["household"]["vacancies"] == 1


def test_bad_filter_uses_the_error_shape(client) -> None:
    response = client.get("/api/households?age=40")
    assert response.status_code == 400
    assert response.json == {
        "ok": False,
        "status": 400,
        "errors": [
            {
                "source": "household filters",
                "row": None,
                "field": "age",
                "problem": "Age must be a whole number from 0 to 17",
                "expected": None,
                "actual": None,
                "rule": None,
                "message": 'household filters, field "age": '
                "Age must be a whole number from 0 to 17",
            }
        ],
    }


def test_create_referral_then_shortlist_then_decide(client) -> None:
    created = client.post("/api/referrals", json=REFERRAL)
    assert created.status_code == 201
    referral_id = created.json["referral"]["referral_id"]
    assert referral_id == "R-2026-001"
    shortlist = client.get(created.json["shortlist_url"]).json["shortlist"]
    top = shortlist["options"][0]["entries"][0]
    assert top["rank"] == 1
    assert top["reason"].endswith(".")
    decision = client.post(
        f"/api/referrals/{referral_id}/decision",
        json={"household_id": top["household_id"], "decided_by": "Officer A"},
    )
    assert decision.status_code == 201
    assert decision.json["decision"]["shortlist_rank"] == 1
    assert decision.json["decision"]["decided_by"] == "Test administrator"  # not the body's
    assert client.get(f"/api/referrals/{referral_id}").json["referral"]["status"] == "placed"
    again = client.post(
        f"/api/referrals/{referral_id}/decision",
        json={"household_id": top["household_id"], "decided_by": "Officer A"},
    )
    assert again.status_code == 409
    assert again.json["errors"][0]["message"] == f"referral {referral_id} is placed, not open"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {},
            [
                "placement_kind",
                "start_date",
                "received_on",
                "home_postcode",
                "children[0].child_id",
            ],
        ),
        ({**REFERRAL, "start_date": "1 Dec"}, ["start_date"]),
        (
            {
                **REFERRAL,
                "children": [{"child_id": "C9", "date_of_birth": "2014-05-04", "sex": "x"}],
            },
            ["children[0].sex"],
        ),
        ({**REFERRAL, "allowed_splits": [[["C9"], ["C8"]]]}, ["allowed_splits"]),
    ],
)
def test_bad_referral_lists_every_field(client, body, fields) -> None:
    response = client.post("/api/referrals", json=body)
    assert response.status_code == 400
    assert response.json["ok"] is False
    assert [e["field"] for e in response.json["errors"]] == fields


def test_body_must_be_json(client) -> None:
    response = client.post("/api/referrals", data="placement_kind=respite")
    assert response.status_code == 400
    assert response.json["errors"][0]["problem"] == "Send a JSON object as the request body"


def test_duplicate_referral_is_409(client) -> None:
    response = client.post("/api/referrals", json={**REFERRAL, "referral_id": "R1"})
    assert response.status_code == 409
    assert response.json["errors"][0]["message"] == "referral R1 already exists"


def test_update_referral(client) -> None:
    body = {
        **REFERRAL,
        "children": [{"child_id": "C1", "date_of_birth": "2015-03-02", "sex": "female"}],
    }
    response = client.put("/api/referrals/R1", json={**body, "notes": "updated"})
    assert response.status_code == 200
    assert client.get("/api/referrals/R1").json["referral"]["notes"] == "updated"


def test_decision_reason_required_below_rank_one(client) -> None:
    referral_id = client.post("/api/referrals", json=REFERRAL).json["referral"]["referral_id"]
    shortlist = client.get(f"/api/referrals/{referral_id}/shortlist").json["shortlist"]
    entries = shortlist["options"][0]["entries"]
    assert [e["household_id"] for e in entries] == ["H1", "H2", "H3"]  # nearest in-house first
    response = client.post(
        f"/api/referrals/{referral_id}/decision",
        json={"household_id": entries[1]["household_id"], "decided_by": "Officer A"},
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json["errors"]] == ["reason"]


def test_allocation_job(client) -> None:
    started = client.post("/api/allocations")
    assert started.status_code == 202
    job = started.json["job"]
    assert job["status"] == "done"  # JOB_WORKERS=0 runs at once
    status = client.get(job["status_url"]).json["job"]
    assert status["percent"] == 100
    result = client.get(f"/api/allocations/{job['job_id']}").json["allocation"]
    assert result["status"] == "optimal"
    assert {e["referral_id"] for e in result["explanations"]} == {"R1", "R2"}


def test_unknown_job_is_404(client) -> None:
    response = client.get("/api/jobs/nope")
    assert response.status_code == 404
    assert response.json["ok"] is False
