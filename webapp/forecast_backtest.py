"""The forecast blueprint's backtest pages: how well the forecast would have done in the past,
next to the persistence and linear-trend baselines and the error floor.

Routes are added to ``webapp.forecast.bp`` (imported there), so they share its access rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import redirect, render_template, request, url_for

from sufficiency.errors import FieldError, InputDataError
from sufficiency.forecast import DEFAULT_SEED
from webapp import get_data
from webapp.forecast import bp
from webapp.jobs import get_job_or_404, get_runner
from webapp.planning_inputs import load_history, long_date, whole_number

MAX_BACKTEST_RUNS = 1000
DEFAULT_BACKTEST_RUNS = 100
HORIZON_CHOICES = (6, 12, 24, 36)


@dataclass(frozen=True, slots=True)
class BacktestRequest:
    horizons: tuple[int, ...]
    runs: int
    seed: int


def _horizons(values, errors: list[FieldError]) -> tuple[int, ...]:
    raw = values.getlist("horizons") if hasattr(values, "getlist") else values.get("horizons")
    if raw is None or raw == [] or raw == "":
        return (12, 24)
    items = raw if isinstance(raw, list) else str(raw).replace(",", " ").split()
    found = []
    for item in items:
        text = str(item).strip()
        if not re.fullmatch(r"[0-9]{1,3}", text) or not 1 <= int(text) <= 60:
            errors.append(
                FieldError(
                    "backtest",
                    None,
                    "horizons",
                    "Each horizon must be a whole number of months",
                    expected="1 to 60, for example 12",
                    actual=text,
                )
            )
        else:
            found.append(int(text))
    return tuple(sorted(set(found)))


def parse_backtest_request(values) -> BacktestRequest:
    """Form or JSON values -> ``BacktestRequest``; ``InputDataError`` lists every problem."""
    errors: list[FieldError] = []
    wanted = BacktestRequest(
        horizons=_horizons(values, errors),
        runs=whole_number(
            values, "runs", "Runs", 10, MAX_BACKTEST_RUNS, DEFAULT_BACKTEST_RUNS, errors, "backtest"
        ),
        seed=whole_number(values, "seed", "Seed", 0, 2**32 - 1, DEFAULT_SEED, errors, "backtest"),
    )
    if errors:
        raise InputDataError(errors)
    return wanted


def start_backtest(values):
    """Check the request and that the history is long enough; score in a background job."""
    from sufficiency.backtest import backtest, default_origins

    wanted = parse_backtest_request(values)
    data = get_data()
    history = load_history(data.store, data.as_of, source="backtest").history
    plan = {h: default_origins(history, h) for h in wanted.horizons}
    short = [h for h, origins in plan.items() if not origins]
    if short:
        raise InputDataError(
            [
                FieldError(
                    "backtest",
                    None,
                    "horizons",
                    f"The SSDA903 history ({long_date(history.data_start)} to "
                    f"{long_date(history.extract_date)}) is too short to backtest "
                    f"{', '.join(map(str, short))} months ahead: it needs 3 years before each "
                    "forecast date and the horizon after it",
                    expected="a shorter horizon, or more years of returns",
                )
            ]
        )

    def work(progress):
        progress(0, sum(len(o) for o in plan.values()), "Forecasting from the first past date")
        return backtest(
            history,
            wanted.horizons,
            runs=wanted.runs,
            seed=wanted.seed,
            progress=lambda done, total: progress(
                done, total, f"Scored {done} of {total} past forecasts"
            ),
        )

    origins = sorted({o for found in plan.values() for o in found})
    title = f"Backtest from {len(origins)} past dates, {wanted.runs} runs each"
    return get_runner().submit("backtest", title, work, result_endpoint="forecast.backtest_result")


@bp.get("/backtest")
def backtest_form():
    return _render_form({}, [])


def _render_form(values, errors, status: int = 200):
    return render_template(
        "forecast/backtest_form.html",
        title="Backtest the forecast",
        values=values,
        errors=errors,
        horizon_choices=[(str(h), f"{h} months") for h in HORIZON_CHOICES],
        default_runs=DEFAULT_BACKTEST_RUNS,
        max_runs=MAX_BACKTEST_RUNS,
        default_seed=DEFAULT_SEED,
    ), status


@bp.post("/backtest")
def backtest_run():
    try:
        job = start_backtest(request.form)
    except InputDataError as error:
        return _render_form(request.form, error.errors, 400)
    return redirect(url_for("jobs.show", job_id=job.job_id))


def finished_backtest(job_id: str):
    job = get_job_or_404(job_id, kind="backtest")
    return job.result if job.status == "done" else None


@bp.get("/backtest/<job_id>")
def backtest_result(job_id: str):
    """The backtest table: the model, persistence, linear trend and the floor, by horizon."""
    result = finished_backtest(job_id)
    if result is None:
        return redirect(url_for("jobs.show", job_id=job_id))
    horizons = sorted({row.horizon_months for row in result.rows})
    return render_template(
        "forecast/backtest.html",
        title="Backtest of the forecast",
        job_id=job_id,
        result=result,
        horizons=horizons,
        long_date=long_date,
    )


@bp.get("/backtest/<job_id>/backtest.csv")
def backtest_csv(job_id: str):
    from sufficiency.export import backtest_table
    from webapp.forecast_export import rows_csv

    result = finished_backtest(job_id)
    if result is None:
        return redirect(url_for("jobs.show", job_id=job_id))
    return rows_csv(backtest_table(result), "backtest.csv")
