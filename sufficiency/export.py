"""Export forecasts and backtests as tables: rows of plain values, written to CSV or Excel.

``forecast_tables`` and ``backtest_table`` build the rows (also used for ``--json``);
``write_csv`` and ``write_xlsx`` write them. Cells that look like formulas are escaped.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from sufficiency.backtest import BacktestResult
from sufficiency.costs import UnitCosts, forecast_cost
from sufficiency.distance import DistanceShares, forecast_far_placements
from sufficiency.distribution import EXIT_LABELS
from sufficiency.dynamics import step_days
from sufficiency.forecast import ForecastResult

Row = dict[str, object]
#: How each need is named in reports.
NEED_LABELS: dict[str, str] = {
    "disability": "disability (CIN N2)",
    "sibling group": "sibling group (inferred)",
    "parent and child": "parent and child",
}


def _bands(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    p10, p50, p90 = np.quantile(samples, [0.1, 0.5, 0.9], axis=0)
    return p10, p50, p90, samples.mean(axis=0)


def _measure_rows(result: ForecastResult, name: str, samples: np.ndarray, unit: str) -> list[Row]:
    p10, p50, p90, mean = _bands(samples)
    return [
        {
            "month_end": day.isoformat(),
            "measure": name,
            "unit": unit,
            "p10": round(float(p10[m]), 2),
            "p50": round(float(p50[m]), 2),
            "p90": round(float(p90[m]), 2),
            "mean": round(float(mean[m]), 2),
        }
        for m, day in enumerate(result.distribution.month_ends)
    ]


def summary_measures(
    result: ForecastResult, unit_costs: UnitCosts | None, shares: DistanceShares | None
) -> dict[str, tuple[np.ndarray, str]]:
    """Named (runs, months) samples shown in reports: totals, bands, types, costs, exits."""
    dist = result.distribution
    out: dict[str, tuple[np.ndarray, str]] = {"all children": (dist.total(), "children")}
    out["UASC"] = (dist.uasc_only().total(), "children")
    out["not UASC"] = (dist.without_uasc().total(), "children")
    for band, samples in dist.by_age_band().items():
        out[f"age {band.value}"] = (samples, "children")
    for placement, samples in dist.by_placement_type().items():
        out[placement.value] = (samples, "children")
    for k, label in enumerate(EXIT_LABELS):
        out[f"leaving care: {label}"] = (dist.exits[:, :, k], "children/month")
    out["staying put at 18"] = (dist.staying_put, "young people/month")
    out["entering care"] = (dist.entries.sum(axis=2), "children/month")
    if unit_costs is not None:
        days = step_days(result.as_of, dist.month_ends)
        out["cost"] = (
            forecast_cost(dist, unit_costs, days),
            f"GBP/month ({unit_costs.price_year} prices)",
        )
    if shares is not None:
        out[f"placed more than {shares.threshold_miles:g} miles from home"] = (
            forecast_far_placements(dist, shares),
            "children",
        )
    if result.needs is not None:
        for need in result.needs.needs:
            out[f"need: {NEED_LABELS.get(need, need)}"] = (result.needs.of(need), "children")
    return out


def need_rows(result: ForecastResult) -> list[Row]:
    """One row per month, need and group (all children, each band and type, UASC)."""
    needs = result.needs
    if needs is None:
        return []
    p10, p50, p90 = needs.quantiles([0.1, 0.5, 0.9])
    mean = needs.samples.mean(axis=0)
    rows: list[Row] = []
    for m, day in enumerate(needs.month_ends):
        for k, need in enumerate(needs.needs):
            for g, group in enumerate(needs.groups):
                if p90[m, k, g] == 0 and mean[m, k, g] == 0:
                    continue
                rows.append(
                    {
                        "month_end": day.isoformat(),
                        "need": need,
                        "group": group,
                        "p10": float(p10[m, k, g]),
                        "p50": float(p50[m, k, g]),
                        "p90": float(p90[m, k, g]),
                        "mean": round(float(mean[m, k, g]), 3),
                    }
                )
    return rows


def need_share_rows(result: ForecastResult) -> list[Row]:
    """The estimated share of each need in each state, with the children it rests on."""
    if result.needs is None:
        return []
    shares = result.needs.shares
    rows: list[Row] = []
    for s, state in enumerate(result.distribution.states):
        if shares.children[s] == 0:
            continue
        row: Row = {
            "age_band": state.age_band.value,
            "placement_type": state.placement_type.value,
            "uasc": state.uasc,
            "children_seen": int(shares.children[s]),
            "child_days": int(shares.child_days[s]),
        }
        for k, need in enumerate(shares.needs):
            row[f"share {need}"] = round(float(shares.share[k, s]), 4)
        rows.append(row)
    return rows


def forecast_tables(
    result: ForecastResult,
    unit_costs: UnitCosts | None = None,
    shares: DistanceShares | None = None,
) -> dict[str, list[Row]]:
    """Tables ``summary`` (one row per month and measure), ``states`` (per state), ``needs``
    (per need and group) and ``need_shares`` (the estimated share of each need per state)."""
    summary: list[Row] = []
    for name, (samples, unit) in summary_measures(result, unit_costs, shares).items():
        summary += _measure_rows(result, name, samples, unit)
    dist = result.distribution
    p10, p50, p90, mean = _bands(dist.samples)
    states: list[Row] = []
    for m, day in enumerate(dist.month_ends):
        for s, state in enumerate(dist.states):
            if p90[m, s] == 0 and mean[m, s] == 0:
                continue
            states.append(
                {
                    "month_end": day.isoformat(),
                    "age_band": state.age_band.value,
                    "placement_type": state.placement_type.value,
                    "uasc": state.uasc,
                    "p10": float(p10[m, s]),
                    "p50": float(p50[m, s]),
                    "p90": float(p90[m, s]),
                    "mean": round(float(mean[m, s]), 3),
                    "projection": round(float(result.projection.expected[m, s]), 3),
                }
            )
    return {
        "summary": summary,
        "states": states,
        "needs": need_rows(result),
        "need_shares": need_share_rows(result),
    }


def backtest_table(result: BacktestResult) -> list[Row]:
    """One row per method and horizon (WAPE and coverage in %)."""
    return [
        {k: (round(v, 2) if isinstance(v, float) else v) for k, v in asdict(row).items()}
        for row in result.rows
    ]


def _safe(value: object) -> object:
    """Stop spreadsheet programs reading text cells as formulas."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(rows: Sequence[Mapping[str, object]], path: Path | str) -> Path:
    """Write rows (same keys each) to a UTF-8 CSV file."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        if rows:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows({k: _safe(v) for k, v in row.items()} for row in rows)
    return path


def write_xlsx(sheets: Mapping[str, Sequence[Mapping[str, object]]], path: Path | str) -> Path:
    """Write one worksheet per table to an Excel workbook."""
    from openpyxl import Workbook

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        if not rows:
            continue
        columns = list(rows[0])
        sheet.append(columns)
        for row in rows:
            sheet.append([_safe(row.get(c)) for c in columns])
        sheet.freeze_panes = "A2"
    book.save(path)
    return path
