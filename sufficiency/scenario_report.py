"""Plain-text and JSON renderings of a scenario comparison (for the CLI and the web API).

Formatting only: numbers come from ``sufficiency.scenario_compare.Comparison``.
"""

from __future__ import annotations

from sufficiency.scenario_compare import Comparison, ComparisonRow, Interval

_MEASURE_WIDTH = 38
_COLUMN_WIDTH = 22


def _number(value: float, unit: str) -> str:
    value = round(value, 1 if unit in ("GBP million", "%") else 0) + 0.0  # no "-0"
    if unit == "GBP million":
        return f"{value:,.1f}"
    if unit == "%":
        return f"{value:.1f}"
    return f"{value:,.0f}"


def _cell(interval: Interval, unit: str, signed: bool = False) -> str:
    median = _number(interval.median, unit)
    if signed and median.strip("0.,") and not median.startswith("-"):
        median = "+" + median
    return f"{median} [{_number(interval.low, unit)}, {_number(interval.high, unit)}]"


def _label(row: ComparisonRow) -> str:
    unit = {"GBP million": " (GBP m)", "%": ""}.get(row.unit, "")
    return (row.measure + unit)[:_MEASURE_WIDTH]


def comparison_text(comparison: Comparison) -> str:
    """The comparison as aligned text: values per scenario, then changes from the baseline."""
    low, high = f"P{comparison.lower_percentile:g}", f"P{comparison.upper_percentile:g}"
    lines = [
        f"Scenarios as of {comparison.as_of.isoformat()}, measured at "
        f"{comparison.horizon_end.isoformat()} ({comparison.runs} runs, seed {comparison.seed})",
        f"Each cell: median [{low}, {high}] across runs. Costs are over the period shown.",
    ]
    names = comparison.scenarios
    head = " " * _MEASURE_WIDTH + "".join(
        n[: _COLUMN_WIDTH - 2].ljust(_COLUMN_WIDTH) for n in names
    )
    lines += _block(comparison, head, lambda row: [_cell(v, row.unit) for v in row.values])
    others = [i for i, n in enumerate(names) if n != comparison.baseline]
    if others:
        lines += [
            "",
            f"Change from {comparison.baseline} (run by run, same seed): median [{low}, {high}]",
        ]
        head = " " * _MEASURE_WIDTH + "".join(
            names[i][: _COLUMN_WIDTH - 2].ljust(_COLUMN_WIDTH) for i in others
        )
        lines += _block(
            comparison,
            head,
            lambda row: [_cell(row.differences[i], row.unit, signed=True) for i in others],
        )
    return "\n".join(lines)


def _block(comparison: Comparison, head: str, cells) -> list[str]:
    lines: list[str] = []
    section = None
    for row in comparison.rows:
        if row.section != section:
            section = row.section
            lines += ["", section, head]
        lines.append(
            _label(row).ljust(_MEASURE_WIDTH) + "".join(c.ljust(_COLUMN_WIDTH) for c in cells(row))
        )
    return lines


def _interval_json(interval: Interval | None) -> dict | None:
    if interval is None:
        return None
    return {"low": interval.low, "median": interval.median, "high": interval.high}


def comparison_json(comparison: Comparison) -> dict:
    """A JSON-ready dict of the whole comparison."""
    return {
        "scenarios": [
            {"name": n, "description": d}
            for n, d in zip(comparison.scenarios, comparison.descriptions, strict=True)
        ],
        "baseline": comparison.baseline,
        "seed": comparison.seed,
        "runs": comparison.runs,
        "as_of": comparison.as_of.isoformat(),
        "horizon_end": comparison.horizon_end.isoformat(),
        "percentiles": [comparison.lower_percentile, 50, comparison.upper_percentile],
        "rows": [
            {
                "section": row.section,
                "measure": row.measure,
                "unit": row.unit,
                "values": [_interval_json(v) for v in row.values],
                "changes": [_interval_json(d) for d in row.differences],
            }
            for row in comparison.rows
        ],
        "assumptions": list(comparison.notes),
    }
