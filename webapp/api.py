"""JSON API: every action the pages offer, with the same engine calls and one error shape.

Errors are ``{"ok": false, "status": 400, "errors": [{"field": ..., "message": ...}]}``
(``webapp.error_response``). The OpenAPI 3.1 document is ``templates/api/openapi.json``,
served at ``/api/openapi.json`` and described for people at ``/api/``.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from matching.domain import Household
from sufficiency.errors import FieldError, InputDataError
from webapp import get_data
from webapp.dashboard import current_indicators, indicators_as_dict
from webapp.forms import parse_referral, referral_to_data
from webapp.households import filtered_households, run_import
from webapp.jobs import get_job_or_404
from webapp.referrals import next_referral_id, record_decision, start_allocation

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI_PATH = Path(__file__).resolve().parent / "templates" / "api" / "openapi.json"


def openapi_document() -> dict:
    """``openapi.json`` plus what other API blueprints add: each registers a function
    ``add(spec)`` in ``app.extensions["planner.openapi"]`` (e.g. ``webapp.api_planning``)."""
    spec = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    for add in current_app.extensions.get("planner.openapi", ()):
        add(spec)
    return spec


def _body() -> dict:
    """The request's JSON object; a 400 in the error shape when it is missing or not an object."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InputDataError(
            [
                FieldError(
                    "request",
                    None,
                    None,
                    "Send a JSON object as the request body",
                    expected='Content-Type: application/json and a body like {"children": [...]}',
                )
            ]
        )
    return data


def household_to_dict(household: Household) -> dict[str, object]:
    """A household's approval and vacancies (no children's details beyond ids)."""
    return {
        "household_id": household.household_id,
        "name": household.name,
        "provider": str(household.provider),
        "agency_name": household.agency_name,
        "postcode_district": household.postcode.split(" ")[0],
        "approved_places": household.approved_places,
        "vacancies": household.vacancies,
        "approved_age_min": household.approved_age_min,
        "approved_age_max": household.approved_age_max,
        "approved_kinds": sorted(map(str, household.approved_kinds)),
        "max_sibling_group": household.max_sibling_group,
        "skills": sorted(map(str, household.skills)),
        "languages": sorted(household.languages),
        "features": sorted(map(str, household.features)),
        "weekly_cost_gbp": household.weekly_cost_gbp,
        "on_hold": household.on_hold,
        "available_from": household.available_from.isoformat()
        if household.available_from
        else None,
        "placed_child_ids": [c.child_id for c in household.placed_children],
    }


def shortlist_to_dict(shortlist) -> dict[str, object]:
    """The ranked options with each entry's reason and score, and the 'not suitable' list."""
    return {
        "referral_id": shortlist.referral.referral_id,
        "note": shortlist.note,
        "whole_group_placeable": shortlist.whole_group_placeable,
        "options": [
            {
                "option": ranked.option.label,
                "suitable_count": ranked.suitable_count,
                "entries": [
                    {
                        "rank": e.rank,
                        "household_id": e.breakdown.household_id,
                        "child_ids": list(e.breakdown.child_ids),
                        "reason": e.reason,
                        "miles_from_home": e.breakdown.miles_from_home,
                        "beyond_threshold": e.breakdown.beyond_threshold,
                        "in_area": e.breakdown.in_area,
                        "tier": e.breakdown.tier,
                        "score": e.breakdown.total,
                    }
                    for e in ranked.entries
                ],
            }
            for ranked in shortlist.options
        ],
        "not_suitable": [
            {"household_id": u.household_id, "reasons": [f.reason for f in u.failures]}
            for u in shortlist.not_suitable()
        ],
    }


def decision_to_dict(decision) -> dict[str, object]:
    return {
        "referral_id": decision.referral_id,
        "household_id": decision.household_id,
        "child_ids": list(decision.child_ids),
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at.isoformat(),
        "reason": decision.reason,
        "shortlist_rank": decision.shortlist_rank,
        "beyond_threshold": decision.beyond_threshold,
        "out_of_area": decision.out_of_area,
    }


@bp.get("/")
def docs():
    """A page describing the API for people, generated from the OpenAPI document."""
    spec = openapi_document()
    return render_template("api/docs.html", title="JSON API", spec=spec)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/dashboard")
def dashboard():
    indicators, _ = current_indicators()
    return jsonify({"ok": True, "indicators": indicators_as_dict(indicators)})


@bp.get("/households")
def households():
    found, _, errors = filtered_households(request.args)
    if errors:
        raise InputDataError(errors)
    return jsonify({"ok": True, "households": [household_to_dict(h) for h in found]})


@bp.get("/households/<household_id>")
def household(household_id: str):
    return jsonify({"ok": True, "household": household_to_dict(get_data().household(household_id))})


@bp.post("/households/import")
def import_households():
    """Multipart upload: ``table`` (households or children), ``file``, optional ``dry_run``."""
    summary = run_import(request.form, request.files.get("file"))
    return jsonify({"ok": True, "import": summary.as_dict()})


@bp.get("/referrals")
def referrals():
    status = request.args.get("status", "all")
    found = [r for r in get_data().referrals() if status == "all" or r.status == status]
    return jsonify({"ok": True, "referrals": [referral_to_data(r) for r in found]})


@bp.post("/referrals")
def create_referral():
    data, source = _body(), get_data()
    referral_id = str(data.get("referral_id") or "") or next_referral_id(
        source.referrals(), source.as_of.year
    )
    referral = parse_referral(data, referral_id=referral_id, locate=source.locate)
    source.store.add_referral(referral)
    response = jsonify(
        {
            "ok": True,
            "referral": referral_to_data(referral),
            "shortlist_url": url_for("api.shortlist", referral_id=referral.referral_id),
        }
    )
    return response, 201


@bp.get("/referrals/<referral_id>")
def referral(referral_id: str):
    return jsonify({"ok": True, "referral": referral_to_data(get_data().referral(referral_id))})


@bp.put("/referrals/<referral_id>")
def update_referral(referral_id: str):
    source = get_data()
    source.referral(referral_id)  # 404 if unknown
    updated = parse_referral(_body(), referral_id=referral_id, locate=source.locate)
    source.store.update_referral(updated)
    return jsonify({"ok": True, "referral": referral_to_data(updated)})


@bp.get("/referrals/<referral_id>/shortlist")
def shortlist(referral_id: str):
    source = get_data()
    return jsonify(
        {"ok": True, "shortlist": shortlist_to_dict(source.shortlist(source.referral(referral_id)))}
    )


@bp.post("/referrals/<referral_id>/decision")
def decision(referral_id: str):
    recorded = record_decision(referral_id, _body())
    return jsonify({"ok": True, "decision": decision_to_dict(recorded)}), 201


@bp.post("/allocations")
def allocations():
    """Start a joint allocation of every open referral; poll ``status_url``."""
    job = start_allocation(get_data().referrals(open_only=True))
    return jsonify({"ok": True, "job": job.as_dict()}), 202


@bp.get("/allocations/<job_id>")
def allocation(job_id: str):
    job = get_job_or_404(job_id, kind="allocation")
    if job.status == "failed":
        raise InputDataError(job.errors or ["The allocation failed"])
    if job.status != "done":
        return jsonify({"ok": True, "job": job.as_dict()}), 202
    return jsonify({"ok": True, "job": job.as_dict(), "allocation": job.result.as_dict()})
