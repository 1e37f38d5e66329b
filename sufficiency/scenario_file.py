"""Adapter: a scenario TOML file -> ``Scenario``, reporting every error with its key and line.

Reads with stdlib ``tomllib``; the keys are those of ``sufficiency.scenario_schema`` and are
documented in ``scenarios/README.md``. Raises one ``ScenarioError`` listing all problems.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from sufficiency.domain import PlacementType
from sufficiency.errors import ScenarioError
from sufficiency.scenario_domain import (
    DEMAND_LEVERS,
    SCHEMA_VERSION,
    BaselineSettings,
    CostSettings,
    Scenario,
    UncertaintySettings,
)
from sufficiency.scenario_levers import read_adjustment
from sufficiency.scenario_schema import PLACEMENT_TYPES, TOP_LEVEL
from sufficiency.scenario_supply_keys import read_supply
from sufficiency.scenario_toml import MISSING, Reader

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario file.

    Raises
    ------
    ScenarioError
        With ``.errors`` listing every problem, each naming its key and line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path.name}: cannot read the file ({exc})"]) from exc
    return loads_scenario(text, source=path.name)


def loads_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Validate scenario TOML text (``source`` names it in messages)."""
    reader = Reader(source, text)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        reader.error(None, f"is not valid TOML: {exc}", line=int(found.group(1)) if found else 1)
        raise ScenarioError(reader.errors, summary=f"{source}: cannot load the scenario") from exc
    scenario = _read_document(reader, document, source)
    if reader.errors:
        count = len(reader.errors)
        raise ScenarioError(
            sorted(reader.errors, key=lambda e: e.line or 0),
            summary=f"{source}: {count} problem{'s' if count != 1 else ''} in the scenario",
        )
    return scenario  # type: ignore[return-value]


def _read_document(reader: Reader, doc: Mapping, source: str) -> Scenario | None:
    reader.unknown_keys(doc, "", TOP_LEVEL, "at the top of the file")
    version = reader.required(doc, "", "schema_version", f"schema_version = {SCHEMA_VERSION}")
    if version is not MISSING and version != SCHEMA_VERSION:
        reader.error(
            "schema_version",
            "is not a schema version this program reads",
            expected=str(SCHEMA_VERSION),
            actual=version,
        )
    name = reader.required(doc, "", "name", 'name = "..."')
    name = reader.text(doc, "", "name") if name is not MISSING else MISSING
    description = reader.required(doc, "", "description", 'description = "..."')
    description = reader.text(doc, "", "description") if description is not MISSING else MISSING
    baseline = _read_baseline(reader, reader.table(doc, "", "baseline"))
    adjustments = _read_adjustments(reader, doc.get("adjustment", []))
    supply = read_supply(reader, reader.table(doc, "", "supply"))
    costs = _read_costs(reader, reader.table(doc, "", "costs"))
    uncertainty = _read_uncertainty(reader, reader.table(doc, "", "uncertainty"))
    if reader.errors:
        return None
    return Scenario(
        name=name,
        description=description,
        baseline=baseline,
        adjustments=adjustments,
        supply=supply,
        costs=costs,
        uncertainty=uncertainty,
        source=source,
    )


def _read_baseline(reader: Reader, table: Mapping) -> BaselineSettings | None:
    reader.unknown_keys(
        table, "baseline", ("as_of", "horizon_months", "history_years"), "in [baseline]"
    )
    as_of = reader.date(table, "baseline", "as_of")
    horizon = reader.number(table, "baseline", "horizon_months", 36, 1, 120, integer=True)
    history = reader.number(table, "baseline", "history_years", 3, 1, 10, integer=True)
    if MISSING in (as_of, horizon, history):
        return None
    return BaselineSettings(as_of=as_of, horizon_months=horizon, history_years=history)


def _read_adjustments(reader: Reader, raw: object) -> tuple:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        reader.error(
            "adjustment",
            "must be a list of [[adjustment]] tables",
            expected="[[adjustment]] sections",
            actual=raw,
        )
        return ()
    adjustments = tuple(
        read_adjustment(reader, item, f"adjustment[{index}]")
        for index, item in enumerate(raw, start=1)
    )
    demand = [(i, a) for i, a in enumerate(adjustments, start=1) if isinstance(a, DEMAND_LEVERS)]
    first_month = demand[0][1].start_month if demand else 1
    for index, adjustment in demand[1:]:
        if adjustment.start_month != first_month:
            reader.error(
                f"adjustment[{index}].start_month",
                "demand levers (entries, uasc_arrivals, placement_mix, step_down, exits, moves) "
                "must all start in the same month: the forecast applies them together",
                expected=str(first_month),
                actual=adjustment.start_month,
            )
    return tuple(a for a in adjustments if a is not None)


def _read_costs(reader: Reader, table: Mapping) -> CostSettings | None:
    reader.unknown_keys(
        table,
        "costs",
        ("inflation_percent_per_year", "no_registered_home_weekly_gbp", "weekly_gbp"),
        "in [costs]",
    )
    inflation = reader.number(table, "costs", "inflation_percent_per_year", None, -20, 50)
    no_home = reader.number(table, "costs", "no_registered_home_weekly_gbp", None, 0, 100_000)
    weekly: dict = {}
    for key, value in reader.table(table, "costs", "weekly_gbp").items():
        path = f"costs.weekly_gbp.{key}"
        placement_type = reader.choice(key, path, PLACEMENT_TYPES, "placement type")
        cost = reader.number({key: value}, "costs.weekly_gbp", key, MISSING, 0, 100_000)
        if MISSING not in (placement_type, cost):
            weekly[placement_type] = float(cost)
    if MISSING in (inflation, no_home):
        return None
    return CostSettings(
        weekly_gbp=_placement_keys(weekly),
        inflation_percent_per_year=inflation,
        no_registered_home_weekly_gbp=no_home,
    )


def _placement_keys(weekly: dict) -> Mapping:
    return MappingProxyType({PlacementType(k): v for k, v in weekly.items()})


def _read_uncertainty(reader: Reader, table: Mapping) -> UncertaintySettings | None:
    reader.unknown_keys(
        table,
        "uncertainty",
        ("runs", "seed", "lower_percentile", "upper_percentile"),
        "in [uncertainty]",
    )
    runs = reader.number(table, "uncertainty", "runs", 1000, 1, 100_000, integer=True)
    seed = reader.number(table, "uncertainty", "seed", 20261123, 0, 2**63 - 1, integer=True)
    lower = reader.number(table, "uncertainty", "lower_percentile", 10.0, 0, 49)
    upper = reader.number(table, "uncertainty", "upper_percentile", 90.0, 51, 100)
    if MISSING in (runs, seed, lower, upper):
        return None
    return UncertaintySettings(
        runs=runs, seed=seed, lower_percentile=float(lower), upper_percentile=float(upper)
    )
