"""OpenAPI 3.1 entries for the planning API (``webapp.api_planning``).

``add_openapi(spec)`` adds the tags, paths and schemas to the document ``webapp.api`` serves
at ``/api/openapi.json`` (it calls every function in ``app.extensions["planner.openapi"]``).
"""

from __future__ import annotations

from typing import Any

TAGS = [
    {"name": "forecast", "description": "Forecasts and backtests (background jobs)"},
    {"name": "scenarios", "description": "Scenario comparisons (background jobs)"},
    {"name": "recruitment", "description": "Gaps and recruitment recommendations"},
]
_ERROR = {"$ref": "#/components/responses/Error"}
_OK = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ok"}}}}
_JOB_ID = {
    "name": "job_id",
    "in": "path",
    "required": True,
    "description": "Job ID from the start request",
    "schema": {"type": "string"},
}
SCHEMAS: dict[str, Any] = {
    "ForecastRequest": {
        "type": "object",
        "properties": {
            "start": {"type": "string", "format": "date", "description": "Default: planning date"},
            "horizon_months": {"type": "integer", "minimum": 1, "maximum": 60, "default": 36},
            "runs": {"type": "integer", "minimum": 10, "maximum": 5000, "default": 500},
            "seed": {"type": "integer", "minimum": 0, "default": 20261123},
        },
        "additionalProperties": False,
    },
    "BacktestRequest": {
        "type": "object",
        "properties": {
            "horizons": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1, "maximum": 60},
                "default": [12, 24],
            },
            "runs": {"type": "integer", "minimum": 10, "maximum": 1000, "default": 100},
            "seed": {"type": "integer", "minimum": 0, "default": 20261123},
        },
        "additionalProperties": False,
    },
    "ComparisonRequest": {
        "type": "object",
        "properties": {
            "files": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Scenario files from GET /api/scenarios, e.g. baseline.toml",
            },
            "baseline": {
                "type": "string",
                "description": "One of files, or 'upload' for scenario_toml; default the first",
            },
            "scenario_toml": {"type": "string", "description": "An extra scenario's TOML text"},
            "scenario_base64": {"type": "string", "description": "The same, base64-encoded"},
            "scenario_filename": {"type": "string", "description": "Its name in messages"},
            "runs": {"type": "integer", "minimum": 10, "maximum": 2000, "default": 200},
            "seed": {"type": "integer", "minimum": 0, "description": "Default: the baseline's"},
        },
        "additionalProperties": False,
    },
    "RecruitmentRequest": {
        "type": "object",
        "properties": {
            "budget": {"type": "integer", "minimum": 1, "maximum": 30, "default": 10},
            "years": {"type": "integer", "minimum": 1, "maximum": 5, "default": 2},
        },
        "additionalProperties": False,
    },
}


def _operation(
    summary: str,
    tag: str,
    description: str,
    success: tuple[str, str],
    *,
    path_job: bool = False,
    body: str | None = None,
    extra_errors: tuple[str, ...] = (),
    parameters: list[dict] | None = None,
) -> dict[str, Any]:
    code, text = success
    responses: dict[str, Any] = {code: {"description": text, **_OK}}
    if path_job:
        responses["202"] = {"description": "Still running: the job's progress", **_OK}
    for status in ("400", *extra_errors, "500"):
        responses[status] = _ERROR
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "description": description,
        "responses": responses,
    }
    params = ([_JOB_ID] if path_job else []) + (parameters or [])
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {
            "required": False,
            "description": "Every field is optional",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    return operation


def _start(summary: str, tag: str, description: str, body: str) -> dict[str, Any]:
    return _operation(summary, tag, description, ("202", "Started: poll job.status_url"), body=body)


def _result(summary: str, tag: str, description: str, **options) -> dict[str, Any]:
    return _operation(
        summary,
        tag,
        description,
        ("200", "Done"),
        path_job=True,
        extra_errors=("404",),
        **options,
    )


PATHS: dict[str, Any] = {
    "/api/forecasts": {
        "post": _start(
            "Start a forecast",
            "forecast",
            "Monte Carlo forecast of children looked after from the stored SSDA903 returns.",
            "ForecastRequest",
        )
    },
    "/api/forecasts/{job_id}": {
        "get": _result(
            "A forecast's result",
            "forecast",
            "Every measure (all children, age bands, placement types, cost, more than 20 miles) "
            "by month with P10, P50, P90 and mean.",
            parameters=[
                {
                    "name": "states",
                    "in": "query",
                    "required": False,
                    "description": "'yes' adds every age band x placement type x UASC row",
                    "schema": {"type": "string", "enum": ["yes"]},
                }
            ],
        )
    },
    "/api/backtests": {
        "post": _start(
            "Start a backtest",
            "forecast",
            "Forecast from past dates and score against what happened, with the persistence "
            "and linear-trend baselines.",
            "BacktestRequest",
        )
    },
    "/api/backtests/{job_id}": {
        "get": _result(
            "A backtest's result",
            "forecast",
            "Error (WAPE %) and P10-P90 coverage (%) by method and horizon.",
        )
    },
    "/api/scenarios": {
        "get": _operation(
            "Scenario files",
            "scenarios",
            "The scenario files the service holds (name, description, problems).",
            ("200", "The scenario files"),
        )
    },
    "/api/scenario-comparisons": {
        "post": _start(
            "Start a scenario comparison",
            "scenarios",
            "Run scenarios on the same seed and runs, against the baseline.",
            "ComparisonRequest",
        )
    },
    "/api/scenario-comparisons/{job_id}": {
        "get": _result(
            "A scenario comparison's result",
            "scenarios",
            "Every measure for every scenario: interval (P10, median, P90) and change from "
            "the baseline, run by run.",
        )
    },
    "/api/recruitment/gaps": {
        "get": _operation(
            "Unmet need",
            "recruitment",
            "Past placements that fell short (agency, children's home, over 20 miles, siblings "
            "split) by age band, need, sibling group size and district (with map centres).",
            ("200", "The gap analysis"),
            parameters=[
                {
                    "name": "years",
                    "in": "query",
                    "required": False,
                    "description": "Years to look back, 1 to 5 (default 2)",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 5},
                }
            ],
        )
    },
    "/api/recruitment/plans": {
        "post": _start(
            "Start a recruitment recommendation",
            "recruitment",
            "Choose up to budget new in-house households and replay the past with them.",
            "RecruitmentRequest",
        )
    },
    "/api/recruitment/plans/{job_id}": {
        "get": _result(
            "A recruitment recommendation",
            "recruitment",
            "Ranked targets in words, the replayed effect of the first N households "
            "(diminishing returns) and unmet need by district.",
        )
    },
}


def add_openapi(spec: dict[str, Any]) -> None:
    """Add the planning API's tags, paths and schemas to the OpenAPI document (in place)."""
    known = {tag["name"] for tag in spec.setdefault("tags", [])}
    spec["tags"].extend(tag for tag in TAGS if tag["name"] not in known)
    spec.setdefault("paths", {}).update(PATHS)
    spec.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
