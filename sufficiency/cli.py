"""Command-line adapter: ``forecast`` and ``backtest`` (contributes ``COMMANDS``).

Reads SSDA903 files (or the demo council), calls the function API, prints a table or
JSON, writes CSV/Excel. Progress goes to stderr; bad input exits with code 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import click
import numpy as np

from sufficiency.errors import InputDataError
from sufficiency.forecast import DEFAULT_SEED
from sufficiency.history import History


def _progress(label: str):
    def report(done: int, total: int) -> None:
        click.echo(f"\r{label}: {done}/{total}", err=True, nl=done == total)

    return report


def load_history(paths: tuple[str, ...], as_of: dt.date | None) -> History:
    """The council's SSDA903 files, or the demo council's when none are given."""
    from sufficiency.ssda903 import read_ssda903

    if paths:
        return read_ssda903(list(paths))
    from sufficiency.demo_council import DEMO_AS_OF, write_demo_files

    click.echo("No --ssda903 given: using the demo council's synthetic SSDA903 history.", err=True)
    with tempfile.TemporaryDirectory() as folder:
        write_demo_files(folder)
        return read_ssda903(Path(folder) / "ssda903", extract_date=as_of or DEMO_AS_OF)


def _fail(exc: Exception, as_json: bool) -> None:
    errors = [str(e) for e in getattr(exc, "errors", [])] or [str(exc)]
    if as_json:
        click.echo(json.dumps({"ok": False, "errors": errors, "status": 400}))
    else:
        click.echo(str(exc), err=True)
    sys.exit(2)


_input = click.option(
    "--ssda903",
    "paths",
    multiple=True,
    type=click.Path(exists=True),
    help="SSDA903 CSV file or folder (repeatable). Default: the demo council.",
)
_as_of = click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Forecast from this date (YYYY-MM-DD). Default: the data's extract date.",
)
_seed = click.option(
    "--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed."
)
_json = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
_csv = click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write a CSV file.")
_xlsx = click.option(
    "--xlsx", "xlsx_path", type=click.Path(dir_okay=False), help="Write an Excel file."
)


def _report_months(count: int) -> list[int]:
    return sorted({m for m in (0, 5, 11, 23, 35, 47, 59, count - 1) if m < count})


def _forecast_text(result, measures) -> str:
    picks = _report_months(len(result.distribution.month_ends))
    dates = [result.distribution.month_ends[m].isoformat() for m in picks]
    lines = [
        f"Forecast from {result.as_of.isoformat()} ({result.distribution.runs} runs, seed "
        f"{result.distribution.seed}): median [P10-P90]",
        "",
        f"{'measure':44s}" + "".join(f"{d:>22s}" for d in dates),
    ]
    for name, (samples, _unit) in measures.items():
        p10, p50, p90 = np.quantile(samples, [0.1, 0.5, 0.9], axis=0)
        cells = "".join(f"{_fmt(p50[m])} [{_fmt(p10[m])}-{_fmt(p90[m])}]".rjust(22) for m in picks)
        lines.append(f"{name[:44]:44s}{cells}")
    lines.append(
        f"\nChildren in care on {result.as_of.isoformat()}: {int(result.start_counts.sum())}"
    )
    if result.needs is not None:
        shares = result.needs.shares
        flagged = ", ".join(
            f"{need} {int(n)}" for need, n in zip(shares.needs, shares.in_care_now, strict=True)
        )
        lines.append(
            f"  of them with a need recorded or inferred from SSDA903: {flagged}\n"
            f"  (need shares per state from {shares.window_start.isoformat()} to "
            f"{shares.as_of.isoformat()}; see docs/forecast.md, 'Need beyond placement type')"
        )
    return "\n".join(lines)


def _fmt(value: float) -> str:
    return f"{value / 1e6:.2f}m" if abs(value) >= 1e5 else f"{value:.0f}"


@click.command("forecast")
@_input
@_as_of
@click.option(
    "--horizon-months",
    type=click.IntRange(1, 60),
    default=36,
    show_default=True,
    help="Months to forecast (1-60).",
)
@click.option(
    "--runs",
    type=click.IntRange(10, 100000),
    default=1000,
    show_default=True,
    help="Monte Carlo runs.",
)
@_seed
@click.option(
    "--costs",
    "costs_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Unit-cost TOML table. Default: the packaged sufficiency/data/unit_costs.toml.",
)
@click.option("--no-distance", is_flag=True, help="Skip the more-than-20-miles estimate.")
@_json
@_csv
@_xlsx
def forecast_command(
    paths, as_of, horizon_months, runs, seed, costs_path, no_distance, as_json, csv_path, xlsx_path
) -> None:
    """Forecast looked-after children by age band, placement type and UASC, with P10-P90."""
    from sufficiency.costs import load_unit_costs
    from sufficiency.distance import distance_shares
    from sufficiency.export import forecast_tables, summary_measures, write_csv, write_xlsx
    from sufficiency.forecast import run_forecast

    try:
        history = load_history(paths, as_of.date() if as_of else None)
        day = as_of.date() if as_of else history.extract_date
        unit_costs = load_unit_costs(costs_path)
        result = run_forecast(
            history, day, horizon_months, runs, seed, progress=_progress("simulating months")
        )
        shares = None if no_distance else distance_shares(history, day)
    except (InputDataError, ValueError) as exc:
        _fail(exc, as_json)
    tables = forecast_tables(result, unit_costs, shares)
    if csv_path:
        write_csv(tables["summary"], csv_path)
        for name in ("states", "needs", "need_shares"):
            write_csv(tables[name], Path(csv_path).with_name(f"{Path(csv_path).stem}_{name}.csv"))
    if xlsx_path:
        write_xlsx(
            {**tables, "cleaning log": [{"step": s} for s in history.cleaning_log]}, xlsx_path
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": True,
                    "as_of": day.isoformat(),
                    "runs": runs,
                    "seed": seed,
                    "cleaning_log": list(history.cleaning_log),
                    **tables,
                }
            )
        )
    else:
        click.echo(_forecast_text(result, summary_measures(result, unit_costs, shares)))


def _backtest_text(result) -> str:
    lines = [
        f"Backtest: {len(result.origins)} origins "
        f"({', '.join(o.isoformat() for o in result.origins)}),"
        f" {result.runs} runs each, seed {result.seed}",
        "",
        f"{'method':40s}{'months':>7s}{'origins':>8s}{'WAPE total %':>14s}{'WAPE age band %':>17s}"
        f"{'P10-P90 total %':>17s}{'P10-P90 band %':>16s}",
    ]
    for row in result.rows:
        cov = [
            f"{v:.0f}" if v is not None else "-"
            for v in (row.coverage_total, row.coverage_age_band)
        ]
        lines.append(
            f"{row.method:40s}{row.horizon_months:7d}{row.origins:8d}{row.wape_total:14.1f}"
            f"{row.wape_age_band:17.1f}{cov[0]:>17s}{cov[1]:>16s}"
        )
    lines.append(
        "\nWAPE: weighted absolute percentage error of month-end counts over the horizon "
        "(lower is better); P10-P90: share of actual counts inside the forecast band "
        "(70-90% is well calibrated). The floor is the error left by chance alone."
    )
    return "\n".join(lines)


@click.command("backtest")
@_input
@click.option(
    "--horizon",
    "horizons",
    multiple=True,
    type=click.IntRange(1, 60),
    default=(12, 24),
    show_default=True,
    help="Horizon in months (repeatable).",
)
@click.option(
    "--runs",
    type=click.IntRange(10, 100000),
    default=300,
    show_default=True,
    help="Monte Carlo runs per origin.",
)
@_seed
@click.option(
    "--cs-demand-model-python",
    "csdm_python",
    type=click.Path(exists=True, dir_okay=False),
    help="A Python with cs-demand-model 0.5.1 installed: adds it as a competitor.",
)
@_json
@_csv
def backtest_command(paths, horizons, runs, seed, csdm_python, as_json, csv_path) -> None:
    """Score the forecast against history, next to persistence and linear trend."""
    from sufficiency.backtest import backtest
    from sufficiency.export import backtest_table, write_csv

    competitors = {}
    if csdm_python:
        from sufficiency.csdm import csdm_forecaster

        competitors["cs-demand-model 0.5.1"] = csdm_forecaster(csdm_python)
    try:
        history = load_history(paths, None)
        result = backtest(
            history,
            horizons,
            runs=runs,
            seed=seed,
            competitors=competitors,
            progress=_progress("backtest origins"),
        )
    except (InputDataError, ValueError) as exc:
        _fail(exc, as_json)
    table = backtest_table(result)
    if csv_path:
        write_csv(table, csv_path)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": True,
                    "origins": [o.isoformat() for o in result.origins],
                    "runs": runs,
                    "seed": seed,
                    "rows": table,
                }
            )
        )
    else:
        click.echo(_backtest_text(result))


COMMANDS: list[click.Command] = [forecast_command, backtest_command]
