# ruff: noqa: F811, E501  (fixtures imported from support modules; exact messages are long)
"""Forecast pages and API: the job, fan charts, the headline table, exports, the backtest,
every bad input with its exact message, and who may use them."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pytest

from tests.webapp.auth_support import signed_in
from tests.webapp.planning_support import DEMO_CHILDREN, demo_app, job_id_from, planner  # noqa: F401
from tests.webapp.web_support import app, client  # noqa: F401
from webapp.jobs import get_runner


def _run(client, **form):
    response = client.post("/forecast/", data={"runs": "40", "horizon_months": "24", **form})
    return job_id_from(response)


def _result(demo_app, job_id):
    with demo_app.app_context():
        return get_runner().get(job_id).result


def test_form_page(planner) -> None:
    page = planner.get("/forecast/").data.decode()
    assert "Forecast children looked after" in page
    assert "forecast from the planning date, 23 11 2026" in page


def test_forecast_job_charts_and_headline(planner, demo_app) -> None:
    job_id = _run(planner)
    assert planner.get(f"/jobs/{job_id}").headers["Location"] == f"/forecast/{job_id}"
    page = planner.get(f"/forecast/{job_id}").data.decode()
    run = _result(demo_app, job_id)
    assert int(run.result.start_counts.sum()) == DEMO_CHILDREN
    assert '<dt class="govuk-summary-list__key">Children looked after then</dt>' in page
    assert f">{DEMO_CHILDREN}</dd>" in page
    # The headline's 12-month cell is the engine's median and P10-P90 of all children.
    total = run.result.distribution.total()[:, 11]
    p10, p50, p90 = np.quantile(total, [0.1, 0.5, 0.9])
    cell = f'{p50:,.0f} <span class="govuk-body-s app-nowrap">({p10:,.0f} to {p90:,.0f})</span>'
    assert cell in page
    # One fan chart for all children, one per age band, one per placement category in use.
    assert page.count('role="img"') == 1 + 5 + len(
        [k for k, v in run.result.distribution.by_placement_type().items() if v.max() > 0]
    )
    assert '<title id="children-aged-10-15-title">Children aged 10-15</title>' in page
    assert "Children in in-house fostering" in page


def test_same_seed_same_numbers(planner, demo_app) -> None:
    first = _result(demo_app, _run(planner, seed="7")).tables["summary"]
    second = _result(demo_app, _run(planner, seed="7")).tables["summary"]
    third = _result(demo_app, _run(planner, seed="8")).tables["summary"]
    assert first == second
    assert first != third


def test_csv_and_excel_exports(planner, demo_app) -> None:
    job_id = _run(planner, horizon_months="12")
    response = planner.get(f"/forecast/{job_id}/forecast.csv")
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="forecast-2026-11-23.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert list(rows[0]) == ["month_end", "measure", "unit", "p10", "p50", "p90", "mean"]
    first = next(r for r in rows if r["measure"] == "all children")
    assert first["month_end"] == "2026-12-23"  # a month after 23 November
    assert rows == [
        {k: str(v) for k, v in row.items()} for row in _result(demo_app, job_id).tables["summary"]
    ]
    states = planner.get(f"/forecast/{job_id}/forecast.states.csv").data.decode()
    assert states.startswith("month_end,age_band,placement_type,uasc,p10,p50,p90,mean,projection")
    book = planner.get(f"/forecast/{job_id}/forecast.xlsx")
    assert book.data[:2] == b"PK"
    assert planner.get(f"/forecast/{job_id}/forecast.pdf").status_code == 404


@pytest.mark.parametrize(
    ("form", "messages"),
    [
        ({"horizon_months": "0"}, ["Months to forecast must be between 1 and 60"]),
        (
            {"horizon_months": "abc"},
            ["Months to forecast must be a whole number (expected 1 to 60)"],
        ),
        ({"runs": "5"}, ["Runs must be between 10 and 5,000"]),
        ({"runs": "²"}, ["Runs must be a whole number (expected 10 to 5000)"]),
        ({"seed": "-1"}, ["Seed must be between 0 and 4,294,967,295"]),
        (
            {"start-day": "31", "start-month": "2", "start-year": "2026"},
            ["The start date must be a real date (expected for example, 31 3 2026)"],
        ),
        (
            {"start-day": "1", "start-month": "1", "start-year": "2001"},
            ["The start date is before the SSDA903 returns begin (expected 1 April 2020 or later)"],
        ),
        (
            {"runs": "1", "horizon_months": "99"},
            ["Months to forecast must be between 1 and 60", "Runs must be between 10 and 5,000"],
        ),
    ],
)
def test_bad_input_is_shown_on_the_form(planner, form, messages) -> None:
    response = planner.post("/forecast/", data={"runs": "40", **form})
    assert response.status_code == 400
    page = response.data.decode()
    summary = re.findall(r'<li><a href="#[^"]+">(.*?)</a></li>', page)
    assert summary == messages
    assert "<title>Error: Forecast children looked after" in page


def test_no_ssda903_in_the_store(client) -> None:
    response = client.post("/forecast/", data={})
    assert response.status_code == 400
    assert (
        "There are no SSDA903 returns in the store, so there is no history to forecast from "
        "(expected the council&#39;s returns, imported with &#39;placement-planner import "
        "ssda903 FOLDER&#39;)" in response.data.decode()
    )


def test_api_forecast(planner, demo_app) -> None:
    started = planner.post("/api/forecasts", json={"runs": 20, "horizon_months": 6, "seed": 3})
    assert started.status_code == 202
    job = started.json["job"]
    assert job["status"] == "done"
    assert started.json["api_url"] == f"/api/forecasts/{job['job_id']}"
    done = planner.get(started.json["api_url"]).json["forecast"]
    assert (done["as_of"], done["runs"], done["seed"], done["horizon_months"]) == (
        "2026-11-23",
        20,
        3,
        6,
    )
    assert done["children_looked_after_at_start"] == DEMO_CHILDREN
    assert done["summary"] == _result(demo_app, job["job_id"]).tables["summary"]
    assert "states" not in done
    assert "states" in planner.get(started.json["api_url"] + "?states=yes").json["forecast"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"runs": "x"},
            "runs",
            "forecast, field \"runs\": Runs must be a whole number (got 'x'; expected 10 to 5000)",
        ),
        (
            {"runs": True},
            "runs",
            "forecast, field \"runs\": Runs must be a whole number (got 'True'; expected 10 to 5000)",
        ),
        (
            {"start": "2026-13-01"},
            "start",
            "forecast, field \"start\": The start date must be a real date (got '2026-13-01'; expected for example, 31 3 2026)",
        ),
        (
            [1, 2],
            None,
            'request: Send a JSON object as the request body (expected Content-Type: application/json and a body like {"runs": 200})',
        ),
    ],
)
def test_api_bad_input_has_the_one_error_shape(planner, body, field, message) -> None:
    response = planner.post("/api/forecasts", json=body)
    assert response.status_code == 400
    assert response.json["ok"] is False and response.json["status"] == 400
    assert [(e["field"], e["message"]) for e in response.json["errors"]] == [(field, message)]


def test_unknown_job_is_404(planner) -> None:
    assert planner.get("/forecast/nope").status_code == 404
    assert planner.get("/api/forecasts/nope").json["status"] == 404


def test_backtest_page_and_api(planner, demo_app) -> None:
    page = planner.get("/forecast/backtest").data.decode()
    assert "persistence" in page
    response = planner.post("/forecast/backtest", data={"horizons": ["12"], "runs": "10"})
    job_id = job_id_from(response)
    page = planner.get(f"/forecast/backtest/{job_id}").data.decode()
    result = _result(demo_app, job_id)
    methods = [r.method for r in result.rows]
    assert methods == [
        "placement planner (Monte Carlo)",
        "persistence",
        "linear trend",
        "floor: model vs its own futures",
    ]
    for row in result.rows:
        heading = row.method[:1].upper() + row.method[1:]  # "Placement planner (Monte Carlo)"
        assert f'<th scope="row" class="govuk-table__header">{heading}</th>' in page
        assert f"{row.wape_total:.1f}%" in page
    table = planner.get(f"/forecast/backtest/{job_id}/backtest.csv").data.decode()
    assert table.splitlines()[0] == (
        "method,horizon_months,origins,wape_total,wape_age_band,coverage_total,coverage_age_band"
    )
    api = planner.post("/api/backtests", json={"horizons": [6], "runs": 10}).json
    assert planner.get(api["api_url"]).json["backtest"]["rows"][0]["horizon_months"] == 6


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"horizons": ["0"]},
            "Each horizon must be a whole number of months (expected 1 to 60, for example 12)",
        ),
        (
            {"horizons": ["60"]},
            "The SSDA903 history (1 April 2020 to 23 November 2026) is too short to backtest 60 months ahead: it needs 3 years before each forecast date and the horizon after it (expected a shorter horizon, or more years of returns)",
        ),
        ({"runs": "5000"}, "Runs must be between 10 and 1,000"),
    ],
)
def test_backtest_bad_input(planner, form, message) -> None:
    response = planner.post("/forecast/backtest", data=form)
    assert response.status_code == 400
    assert re.findall(r'<li><a href="#[^"]+">(.*?)</a></li>', response.data.decode()) == [message]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("commissioner", 200),
        ("administrator", 200),
        ("fostering-manager", 403),
        ("placements-officer", 403),
    ],
)
def test_only_planners_may_forecast(demo_app, role, status) -> None:
    assert signed_in(demo_app, role).get("/forecast/").status_code == status
    assert signed_in(demo_app, role).post("/api/forecasts", json={}).status_code in (
        {202} if status == 200 else {403}
    )
