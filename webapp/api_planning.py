"""JSON API for the planning pages: forecasts, backtests, scenario comparisons and recruitment.

Each long action starts a background job (202, poll ``job.status_url``) through the same
function the page calls (``start_forecast``, ``start_backtest``, ``start_comparison``,
``start_recruitment``). Errors use the one shape (``webapp.error_response``); the OpenAPI
entries are in ``webapp.api_planning_spec`` and join ``/api/openapi.json`` at registration.
"""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, jsonify, request, url_for

from sufficiency.errors import FieldError, InputDataError
from webapp import get_data
from webapp.api_planning_spec import add_openapi
from webapp.jobs import get_job_or_404

bp = Blueprint("api_planning", __name__, url_prefix="/api")
bp.record_once(
    lambda state: state.app.extensions.setdefault("planner.openapi", []).append(add_openapi)
)


def _body() -> dict:
    """The JSON object sent; an empty object when there is no body (every field is optional)."""
    if not request.data:
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InputDataError(
            [
                FieldError(
                    "request",
                    None,
                    None,
                    "Send a JSON object as the request body",
                    expected='Content-Type: application/json and a body like {"runs": 200}',
                )
            ]
        )
    return data


def _started(job, endpoint: str):
    """202 with the job's progress and ``api_url``, where its JSON result will be."""
    api_url = url_for(endpoint, job_id=job.job_id)
    return jsonify({"ok": True, "job": job.as_dict(), "api_url": api_url}), 202


def _finished(job_id: str, kind: str):
    """The job once done; a 202 with its progress while it runs; its errors if it failed."""
    job = get_job_or_404(job_id, kind=kind)
    if job.status == "failed":
        bad_input = any(isinstance(e, FieldError) for e in job.errors)
        from webapp import error_response

        return None, error_response(job.errors or ["The job failed"], 400 if bad_input else 500)
    if job.status != "done":
        return None, (jsonify({"ok": True, "job": job.as_dict()}), 202)
    return job, None


@bp.post("/forecasts")
def start_forecast():
    """Start a forecast: ``{"start", "horizon_months", "runs", "seed"}``, all optional."""
    from webapp.forecast import start_forecast as start

    return _started(start(_body()), "api_planning.forecast")


def forecast_to_dict(run) -> dict[str, object]:
    result = run.result
    return {
        "as_of": result.as_of.isoformat(),
        "horizon_months": run.request.horizon_months,
        "runs": run.request.runs,
        "seed": run.request.seed,
        "children_looked_after_at_start": int(result.start_counts.sum()),
        "note": run.note,
        "cleaning_log": list(run.cleaning_log),
        "summary": run.tables["summary"],
    }


@bp.get("/forecasts/<job_id>")
def forecast(job_id: str):
    """The forecast's summary table (every measure, month, P10/P50/P90 and mean)."""
    job, waiting = _finished(job_id, "forecast")
    if waiting is not None:
        return waiting
    payload = forecast_to_dict(job.result)
    if request.args.get("states") == "yes":
        payload["states"] = job.result.tables["states"]
    return jsonify({"ok": True, "job": job.as_dict(), "forecast": payload})


@bp.post("/backtests")
def start_backtest():
    """Start a backtest: ``{"horizons": [12, 24], "runs", "seed"}``, all optional."""
    from webapp.forecast_backtest import start_backtest as start

    return _started(start(_body()), "api_planning.backtest")


@bp.get("/backtests/<job_id>")
def backtest(job_id: str):
    from sufficiency.export import backtest_table

    job, waiting = _finished(job_id, "backtest")
    if waiting is not None:
        return waiting
    result = job.result
    return jsonify(
        {
            "ok": True,
            "job": job.as_dict(),
            "backtest": {
                "origins": [o.isoformat() for o in result.origins],
                "runs": result.runs,
                "seed": result.seed,
                "rows": backtest_table(result),
            },
        }
    )


@bp.get("/scenarios")
def scenarios():
    """The scenario files the service holds, with their names and descriptions."""
    from webapp.scenario_requests import library

    return jsonify(
        {
            "ok": True,
            "scenarios": [
                {
                    "file": e.filename,
                    "name": e.scenario.name if e.scenario else None,
                    "description": e.scenario.description if e.scenario else None,
                    "horizon_months": e.scenario.baseline.horizon_months if e.scenario else None,
                    "errors": [str(x) for x in e.errors],
                }
                for e in library()
            ],
        }
    )


def _upload(data: dict) -> tuple[str, bytes] | None:
    """An extra scenario sent as ``scenario_toml`` (text) or ``scenario_base64``."""
    name = str(data.get("scenario_filename") or "uploaded scenario")
    if data.get("scenario_toml"):
        return name, str(data["scenario_toml"]).encode("utf-8")
    if data.get("scenario_base64"):
        try:
            return name, base64.b64decode(str(data["scenario_base64"]), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InputDataError(
                [FieldError("request", None, "scenario_base64", "is not valid base64")]
            ) from exc
    return None


@bp.post("/scenario-comparisons")
def start_comparison():
    """Start a comparison: ``{"files", "baseline", "scenario_toml", "runs", "seed"}``."""
    from webapp.scenario_requests import start_comparison as start

    data = _body()
    return _started(start(data, _upload(data)), "api_planning.comparison")


@bp.get("/scenario-comparisons/<job_id>")
def comparison(job_id: str):
    """The comparison: every measure per scenario with its interval and change from baseline."""
    from sufficiency.scenario_report import comparison_json

    job, waiting = _finished(job_id, "scenarios")
    if waiting is not None:
        return waiting
    payload = comparison_json(job.result.comparison)
    payload["note"] = job.result.note
    return jsonify({"ok": True, "job": job.as_dict(), "comparison": payload})


@bp.get("/recruitment/gaps")
def recruitment_gaps():
    """The unmet need of the last ``years`` (default 2): totals and every table."""
    from webapp.recruitment_requests import current_gaps, gaps_to_dict, parse_recruitment_request

    _budget, years = parse_recruitment_request(request.args)
    return jsonify({"ok": True, "gaps": gaps_to_dict(current_gaps(get_data(), years))})


@bp.post("/recruitment/plans")
def start_recruitment():
    """Start a recommendation: ``{"budget": 10, "years": 2}``, both optional."""
    from webapp.recruitment_requests import start_recruitment as start

    return _started(start(_body()), "api_planning.recruitment_plan")


@bp.get("/recruitment/plans/<job_id>")
def recruitment_plan(job_id: str):
    """Ranked targets in words, the replay for N = 1, 2, ... and unmet need by district."""
    from webapp.recruitment_requests import plan_to_dict

    job, waiting = _finished(job_id, "recruitment")
    if waiting is not None:
        return waiting
    return jsonify({"ok": True, "job": job.as_dict(), "plan": plan_to_dict(job.result)})
