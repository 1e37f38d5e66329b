"""Forecast blueprint: run a forecast as a background job, fan charts (P10-P90) by age band and
placement category, CSV/Excel export, and the backtest against both baselines.

Parses the form, reads the stored SSDA903 history, hands ``sufficiency.forecast.run_forecast``
and ``sufficiency.backtest.backtest`` to the job runner, and renders their results. The
numbers and tables come from ``sufficiency.export`` (the CLI's own), so page, API and CLI agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from flask import Blueprint, redirect, render_template, request, url_for

from sufficiency.errors import FieldError, InputDataError
from sufficiency.forecast import DEFAULT_SEED
from webapp import get_data
from webapp.charts import FanSeries, fan_chart
from webapp.jobs import get_job_or_404, get_runner
from webapp.planning_inputs import load_history, long_date, month_label, parse_day, whole_number

bp = Blueprint("forecast", __name__, url_prefix="/forecast")
NAVIGATION = ("Forecast", "forecast.index")
MAX_RUNS = 5000  # a web request's job; the CLI allows more
DEFAULT_RUNS = 500
#: Months reported in the headline table (where the forecast reaches them).
REPORT_MONTHS = (12, 24, 36, 48, 60)


@dataclass(frozen=True, slots=True)
class ForecastRequest:
    """What the officer asked for; ``start`` None means the planning date."""

    start: dt.date | None
    horizon_months: int
    runs: int
    seed: int


@dataclass(frozen=True, slots=True)
class ForecastRun:
    """A finished forecast: the engine result, the export tables and what the page says."""

    request: ForecastRequest
    result: object  # sufficiency.forecast.ForecastResult
    tables: dict  # sufficiency.export.forecast_tables: "summary" and "states"
    cleaning_log: tuple[str, ...]
    note: str
    council_name: str


def parse_forecast_request(values) -> ForecastRequest:
    """Form or JSON values -> ``ForecastRequest``; ``InputDataError`` lists every problem."""
    errors: list[FieldError] = []
    request_ = ForecastRequest(
        start=parse_day(values, "start", "The start date", errors, "forecast"),
        horizon_months=whole_number(
            values, "horizon_months", "Months to forecast", 1, 60, 36, errors, "forecast"
        ),
        runs=whole_number(values, "runs", "Runs", 10, MAX_RUNS, DEFAULT_RUNS, errors, "forecast"),
        seed=whole_number(values, "seed", "Seed", 0, 2**32 - 1, DEFAULT_SEED, errors, "forecast"),
    )
    if errors:
        raise InputDataError(errors)
    return request_


def start_forecast(values):
    """Check the request and the stored history now; simulate in a background job."""
    from sufficiency.costs import load_unit_costs
    from webapp.planning_inputs import history_from

    wanted = parse_forecast_request(values)
    data = get_data()
    stored = load_history(data.store, data.as_of)
    if wanted.start is not None:
        stored = _check_start(history_from(stored.history, wanted.start), wanted.start)
    unit_costs, council = load_unit_costs(), data.council_name

    def work(progress):
        from sufficiency.distance import distance_shares
        from sufficiency.export import forecast_tables
        from sufficiency.forecast import run_forecast

        progress(0, wanted.horizon_months, "Fitting rates to the SSDA903 history")
        result = run_forecast(  # the start was checked against the history above
            stored.history,
            stored.start,
            wanted.horizon_months,
            wanted.runs,
            wanted.seed,
            progress=lambda done, total: progress(
                done, total, f"Simulated month {done} of {total}"
            ),
        )
        shares = distance_shares(stored.history, stored.start)
        tables = forecast_tables(result, unit_costs, shares)
        log_ = tuple(stored.history.cleaning_log)
        return ForecastRun(wanted, result, tables, log_, stored.note, council)

    title = (
        f"Forecast from {long_date(stored.start)}: {wanted.runs:,} runs, "
        f"{wanted.horizon_months} months"
    )
    return get_runner().submit("forecast", title, work, result_endpoint="forecast.result")


def _check_start(stored, start: dt.date):
    history = stored.history
    if start < history.data_start:
        raise InputDataError(
            [
                FieldError(
                    "forecast",
                    None,
                    "start",
                    "The start date is before the SSDA903 returns begin",
                    expected=f"{long_date(history.data_start)} or later",
                    actual=start.isoformat(),
                )
            ]
        )
    return stored


def quantile_fan(
    title: str,
    month_ends,
    samples: np.ndarray,
    *,
    unit: str = "children",
    description: str = "",
    decimals: int = 0,
    width: int = 640,
):
    """A fan chart of (runs, months) samples: P10-P90 and P25-P75 bands, the median line."""
    p10, p25, p50, p75, p90 = np.quantile(samples, [0.1, 0.25, 0.5, 0.75, 0.9], axis=0)
    return fan_chart(
        title,
        [month_label(d) for d in month_ends],
        FanSeries(list(p10), list(p50), list(p90), p25=list(p25), p75=list(p75)),
        unit=unit,
        decimals=decimals,
        width=width,
        description=description
        or f"{title}: the shaded bands hold the middle 80% (P10 to P90) and 50% (P25 to P75) "
        "of the simulated futures, the line is the median.",
    )


def forecast_charts(run: ForecastRun) -> dict[str, list]:
    """Fan charts: all children, each age band, each placement category that has children."""
    dist = run.result.distribution
    ends = dist.month_ends
    charts = {"total": [quantile_fan("All children looked after", ends, dist.total())]}
    charts["age"] = [
        quantile_fan(f"Children aged {band}", ends, samples)
        for band, samples in dist.by_age_band().items()
        if samples.max() > 0
    ]
    charts["placement"] = [
        quantile_fan(f"Children in {str(kind).replace('16+', '(16+)')}", ends, samples)
        for kind, samples in dist.by_placement_type().items()
        if samples.max() > 0
    ]
    return charts


def headline_rows(run: ForecastRun) -> tuple[list[str], list[dict]]:
    """Median and P10-P90 of each measure at 12, 24, 36... months (the CLI's measures)."""
    months = [m for m in REPORT_MONTHS if m <= run.request.horizon_months]
    months = months or [run.request.horizon_months]
    ends = {d.isoformat(): d for d in run.result.distribution.month_ends}
    wanted = {run.result.distribution.month_ends[m - 1].isoformat() for m in months}
    rows: dict[str, dict] = {}
    for row in run.tables["summary"]:
        if row["month_end"] in wanted:
            entry = rows.setdefault(
                row["measure"], {"measure": row["measure"], "unit": row["unit"], "cells": []}
            )
            entry["cells"].append(row)
    headings = [month_label(ends[d]) for d in sorted(wanted)]
    return headings, list(rows.values())


@bp.get("/")
def index():
    """The forecast form, with what the store holds to forecast from."""
    return _render_form({}, [])


def _render_form(values, errors, status: int = 200):
    data = get_data()
    return render_template(
        "forecast/index.html",
        title="Forecast children looked after",
        values=values,
        errors=errors,
        as_of=data.as_of,
        default_runs=DEFAULT_RUNS,
        max_runs=MAX_RUNS,
        default_seed=DEFAULT_SEED,
        recent=[j for j in get_runner().jobs() if j.kind in ("forecast", "backtest")][:10],
    ), status


@bp.post("/")
def run():
    """Start the forecast job and show its progress; problems go back on the form (400)."""
    try:
        job = start_forecast(request.form)
    except InputDataError as error:
        return _render_form(request.form, error.errors, 400)
    return redirect(url_for("jobs.show", job_id=job.job_id))


def finished_run(job_id: str) -> ForecastRun | None:
    """The job's ``ForecastRun`` once done; None while it runs (or when it failed)."""
    job = get_job_or_404(job_id, kind="forecast")
    return job.result if job.status == "done" else None


@bp.get("/<job_id>")
def result(job_id: str):
    """Fan charts, the headline table and the exports of one forecast."""
    run_ = finished_run(job_id)
    if run_ is None:
        return redirect(url_for("jobs.show", job_id=job_id))
    headings, rows = headline_rows(run_)
    return render_template(
        "forecast/result.html",
        title="Forecast of children looked after",
        job_id=job_id,
        run=run_,
        start=run_.result.as_of,
        start_count=int(run_.result.start_counts.sum()),
        charts=forecast_charts(run_),
        headings=headings,
        rows=rows,
        long_date=long_date,
    )


@bp.get("/<job_id>/forecast.<fmt>")
def export(job_id: str, fmt: str):
    """The forecast as CSV (one row per month and measure) or Excel (every table)."""
    from webapp.forecast_export import send_forecast

    run_ = finished_run(job_id)
    if run_ is None:
        return redirect(url_for("jobs.show", job_id=job_id))
    return send_forecast(run_, fmt)


from webapp import forecast_backtest  # noqa: E402,F401  (adds the backtest routes to ``bp``)
