"""Side-by-side comparison of scenario results against the baseline, with intervals.

Pure summaries of ``ScenarioResult`` arrays: each measure's P10/P50/P90 (or the scenario's
percentiles) per scenario, and the run-by-run difference from the baseline (same seed, so the
runs pair up). Running the scenarios is ``sufficiency.scenarios``; export is ``scenario_export``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sufficiency.errors import FieldError, ScenarioError
from sufficiency.scenario_domain import Scenario
from sufficiency.scenarios import Progress, ScenarioInputs, ScenarioResult, run_all


@dataclass(frozen=True, slots=True)
class Interval:
    """A measure's spread across runs: ``low`` and ``high`` percentiles and the median."""

    low: float
    median: float
    high: float


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One measure for every scenario; ``differences`` are scenario minus baseline, run by run
    (``None`` for the baseline itself)."""

    section: str
    measure: str
    unit: str
    values: tuple[Interval, ...]
    differences: tuple[Interval | None, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Scenarios side by side; measures are at ``horizon_end`` unless the row says otherwise."""

    scenarios: tuple[str, ...]
    descriptions: tuple[str, ...]
    baseline: str
    seed: int
    runs: int
    as_of: dt.date
    horizon_end: dt.date
    lower_percentile: float
    upper_percentile: float
    rows: tuple[ComparisonRow, ...]
    notes: tuple[str, ...]

    def row(self, measure: str) -> ComparisonRow:
        for row in self.rows:
            if row.measure == measure:
                return row
        raise KeyError(measure)


Measure = tuple[str, str, str, Callable[[ScenarioResult], np.ndarray]]


def measures(result: ScenarioResult) -> list[Measure]:
    """(section, measure, unit, per-run values) for every row of the comparison."""
    end = -1
    rows: list[Measure] = [
        ("Children looked after", "children looked after", "children", lambda r: r.total[:, end])
    ]
    for band in result.by_age_band:
        rows.append(
            (
                "Children by age band",
                f"age {band}",
                "children",
                lambda r, b=band: r.by_age_band[b][:, end],
            )
        )
    for name in result.living:
        rows.append(
            ("Where children live", name, "children", lambda r, n=name: r.living[n][:, end])
        )
    for name in result.gap:
        rows.append(
            (
                "Sufficiency gap by type of home (+ = too few places)",
                f"gap: {name}",
                "children",
                lambda r, n=name: r.gap[n][:, end],
            )
        )
    for name in result.places:
        rows.append(
            (
                "Places available",
                f"places: {name}",
                "places",
                lambda r, n=name: np.full(r.runs, r.places[n][end]),
            )
        )
    rows += [
        ("Distance", "more than 20 miles from home", "children", lambda r: r.over_20_miles[:, end]),
        (
            "Distance",
            "% more than 20 miles from home",
            "%",
            lambda r: 100 * r.over_20_miles[:, end] / np.maximum(r.total[:, end], 1),
        ),
        ("Distance", "not in first-choice type of home", "children", lambda r: r.overflow[:, end]),
        ("Cost", "cost over the forecast", "GBP million", lambda r: r.cost_gbp.sum(axis=1) / 1e6),
    ]
    for year in range(1, len(result.month_ends) // 12 + 1):
        rows.append(
            (
                "Cost",
                f"cost in forecast year {year}",
                "GBP million",
                lambda r, y=year: r.cost_gbp[:, 12 * (y - 1) : 12 * y].sum(axis=1) / 1e6,
            )
        )
    return rows


def _interval(values: np.ndarray, low: float, high: float) -> Interval:
    q = np.percentile(values, [low, 50, high])
    return Interval(float(q[0]), float(q[1]), float(q[2]))


def summarise(results: Sequence[ScenarioResult], baseline_index: int = 0) -> Comparison:
    """Intervals for every measure and scenario, and paired differences from the baseline."""
    base = results[baseline_index]
    low, high = (
        base.scenario.uncertainty.lower_percentile,
        base.scenario.uncertainty.upper_percentile,
    )
    rows = []
    for section, measure, unit, get in measures(base):
        values = [get(r) for r in results]
        rows.append(
            ComparisonRow(
                section=section,
                measure=measure,
                unit=unit,
                values=tuple(_interval(v, low, high) for v in values),
                differences=tuple(
                    None
                    if i == baseline_index
                    else _interval(v - values[baseline_index], low, high)
                    for i, v in enumerate(values)
                ),
            )
        )
    notes = list(base.supply_notes)
    for result in results:
        notes += [
            f"{result.scenario.name}: {n}"
            for n in result.supply_notes
            if n not in base.supply_notes
        ]
    return Comparison(
        scenarios=tuple(r.scenario.name for r in results),
        descriptions=tuple(r.scenario.description for r in results),
        baseline=base.scenario.name,
        seed=base.seed,
        runs=base.runs,
        as_of=base.as_of,
        horizon_end=base.month_ends[-1],
        lower_percentile=low,
        upper_percentile=high,
        rows=tuple(rows),
        notes=tuple(notes),
    )


def check_comparable(scenarios: Sequence[Scenario], baseline_index: int = 0) -> None:
    """Scenarios compared side by side must share ``[baseline]``; raise ``ScenarioError`` if not."""
    base = scenarios[baseline_index]
    errors = []
    for scenario in scenarios:
        for key in ("as_of", "horizon_months", "history_years"):
            mine, theirs = getattr(scenario.baseline, key), getattr(base.baseline, key)
            if mine != theirs:
                errors.append(
                    FieldError(
                        source=scenario.source or scenario.name,
                        row=None,
                        field=f"baseline.{key}",
                        problem=f"differs from the baseline scenario ({base.source or base.name}); "
                        "scenarios compared side by side must share [baseline]",
                        expected=str(theirs),
                        actual=str(mine),
                    )
                )
    if errors:
        raise ScenarioError(errors, summary="The scenarios cannot be compared")


def compare_scenarios(
    scenarios: Sequence[Scenario],
    inputs: ScenarioInputs,
    baseline_index: int = 0,
    runs: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Run every scenario on the same seed and runs and compare them with the baseline.

    Parameters
    ----------
    scenarios : sequence of Scenario
        The baseline is ``scenarios[baseline_index]``; runs and seed default to its own.
    runs, seed : int, optional
        Override ``[uncertainty]`` for every scenario.

    Raises
    ------
    ScenarioError
        When the scenarios do not share ``[baseline]`` settings.
    """
    if not scenarios:
        raise ValueError("scenarios: give at least one scenario")
    check_comparable(scenarios, baseline_index)
    order = [baseline_index] + [i for i in range(len(scenarios)) if i != baseline_index]
    base = scenarios[baseline_index]
    runs = runs or base.uncertainty.runs
    seed = base.uncertainty.seed if seed is None else seed
    ran = run_all([scenarios[i] for i in order], inputs, runs, seed, progress)
    results = [ran[order.index(i)] for i in range(len(scenarios))]
    return summarise(results, baseline_index)
